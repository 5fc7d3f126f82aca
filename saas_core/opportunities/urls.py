from django.urls import path

from saas_core.opportunities import views

app_name = "opportunities"

urlpatterns = [
    path("", views.opportunity_list, name="list"),
    path("new/", views.opportunity_create, name="create"),
    path("batch/", views.opportunity_batch, name="batch"),
    path("board/", views.kanban, name="kanban"),
    path("funnel/", views.funnel_page, name="funnel"),
    path("funnel/export.xlsx", views.funnel_export, name="funnel_export"),
    path("pick/", views.opportunity_pick, name="pick"),
    path("contacts/", views.contact_pick, name="contact_pick"),
    path("types/", views.types_page, name="types"),
    path("<int:pk>/", views.opportunity_detail, name="detail"),
    path("<int:pk>/edit/", views.opportunity_edit, name="edit"),
    path("<int:pk>/delete/", views.opportunity_delete, name="delete"),
    path("<int:pk>/stage/", views.opportunity_stage, name="stage"),
]
