from django.urls import path

from saas_core.announcements import views

app_name = "announcements"

urlpatterns = [
    path("", views.announcement_list, name="list"),
    path("new/", views.announcement_create, name="create"),
    path("<int:pk>/", views.announcement_detail, name="detail"),
    path("<int:pk>/edit/", views.announcement_edit, name="edit"),
    path("<int:pk>/delete/", views.announcement_delete, name="delete"),
    path("<int:pk>/receipts/", views.announcement_receipts, name="receipts"),
]
