from django.urls import path

from saas_core.attachments import views

app_name = "attachments"

urlpatterns = [
    path("<int:pk>/download/", views.attachment_download, name="download"),
    path("<int:pk>/delete/", views.attachment_delete, name="delete"),
    path("<int:pk>/edit/", views.attachment_edit, name="edit"),
    path("<slug:key>/<int:pk>/", views.attachment_list, name="list"),
]
