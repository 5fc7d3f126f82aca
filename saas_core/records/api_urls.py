"""REST endpoints of this app, mounted under /api/v1/."""

from django.urls import path
from rest_framework.routers import SimpleRouter

from saas_core.records import api

router = SimpleRouter()
router.register("recycle-bin", api.BinViewSet, basename="recycle-bin")
urlpatterns = [
    path("history/<str:key>/<int:pk>/", api.record_history, name="record-history"),
    *router.urls,
]
