from django.urls import path
from django.views.generic import RedirectView

from saas_core.activities import views, views_reports

app_name = "activities"

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="activities:tasks"), name="home"),
    path("followups/", views.followup_list, name="followups"),
    path("followups/new/", views.followup_create, name="followup_create"),
    path("followups/<int:pk>/edit/", views.followup_edit, name="followup_edit"),
    path("followups/<int:pk>/delete/", views.followup_delete, name="followup_delete"),
    path("tasks/", views.task_list, name="tasks"),
    path("tasks/new/", views.task_create, name="task_create"),
    path("tasks/<int:pk>/", views.task_detail, name="task"),
    path("tasks/<int:pk>/edit/", views.task_edit, name="task_edit"),
    path("tasks/<int:pk>/delete/", views.task_delete, name="task_delete"),
    path("tasks/<int:pk>/done/", views.task_done, name="task_done"),
    path("tasks/<int:pk>/confirm/", views.task_confirm, name="task_confirm"),
    path("tasks/<int:pk>/send-back/", views.task_send_back, name="task_send_back"),
    path("tasks/<int:pk>/hand-over/", views.task_hand_over, name="task_hand_over"),
    path("calendar/", views.calendar_view, name="calendar"),
    path("today/", views.today_view, name="today"),
    path("notifications/", views.notification_list, name="notifications"),
    path("notifications/read/", views.notifications_read, name="notifications_read"),
    path("notifications/<int:pk>/", views.notification_open, name="notification"),
    path("care/", views.care_list, name="care"),
    path("care/new/", views.care_create, name="care_create"),
    path("care/<int:pk>/delete/", views.care_delete, name="care_delete"),
    path("reports/", views_reports.report_home, name="reports"),
    path("reports/month/", views_reports.report_month, name="report_month"),
    path("reports/write/<str:day>/", views_reports.report_write, name="report_write"),
    path("reports/<int:pk>/", views_reports.report_detail, name="report"),
    path("reports/<int:pk>/reply/", views_reports.report_reply, name="report_reply"),
]
