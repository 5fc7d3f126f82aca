"""REST endpoints, mounted under /api/v1/."""

urlpatterns: list = []
