"""Pages: core."""

urlpatterns = []
