"""REST endpoints of activities, mounted under /api/v1/."""

from django.urls import path
from rest_framework.routers import SimpleRouter

from saas_core.activities import api

router = SimpleRouter()
router.register("followups", api.FollowUpViewSet, basename="followup")
router.register("tasks", api.TaskViewSet, basename="task")
router.register("daily-reports", api.DailyReportViewSet, basename="daily-report")
router.register("care-records", api.CareRecordViewSet, basename="care-record")
router.register("notifications", api.NotificationViewSet, basename="notification")
urlpatterns = [path("calendar/", api.CalendarView.as_view(), name="calendar"), *router.urls]
