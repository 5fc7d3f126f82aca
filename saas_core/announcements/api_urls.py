"""REST endpoints of this app, mounted under /api/v1/."""

from rest_framework.routers import SimpleRouter

from saas_core.announcements.api import AnnouncementViewSet

router = SimpleRouter()
router.register("announcements", AnnouncementViewSet, basename="announcement")
urlpatterns = router.urls
