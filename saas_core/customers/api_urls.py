"""REST endpoints of customers and contacts, mounted under /api/v1/."""

urlpatterns: list = []
