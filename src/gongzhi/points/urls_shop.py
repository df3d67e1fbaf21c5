"""Pages: shop."""

urlpatterns = []
