"""Pages: boards."""

urlpatterns = []
