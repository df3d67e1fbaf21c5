"""URL map: the admin, the API under /api/v1/, and the pages each app declares in its AppConfig."""

from django.contrib import admin
from django.urls import path
from django.views.generic import RedirectView

from gongzhi.kernel import registry

from .api import api

urlpatterns = [
    # The admin signs in through our login, so lockout and audit apply there too.
    path("admin/login/", RedirectView.as_view(url="/login/?next=/admin/", query_string=False)),
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
    *registry.url_patterns(),
]
