"""Pages: civic."""

urlpatterns = []
