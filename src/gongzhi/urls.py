"""URL map: pages per app, the API under /api/v1/."""

from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView

from .api import api

urlpatterns = [
    # The admin signs in through our login, so lockout and audit apply there too.
    path("admin/login/", RedirectView.as_view(url="/login/?next=/admin/", query_string=False)),
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
    path("areas/", include("gongzhi.areas.urls")),
    path("people/", include("gongzhi.people.urls")),
    path("notices/", include("gongzhi.notices.urls")),
    path("points/", include("gongzhi.points.urls")),
    path("", include("gongzhi.cases.urls")),
    path("audit/", include("gongzhi.audit.urls")),
    path("", include("gongzhi.accounts.urls")),
]
