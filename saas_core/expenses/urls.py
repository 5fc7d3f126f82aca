from django.urls import path

from saas_core.expenses import views

app_name = "expenses"

urlpatterns = [
    path("", views.expense_list, name="list"),
    path("new/", views.expense_create, name="create"),
    path("batch/", views.expense_batch, name="batch"),
    path("<int:pk>/", views.expense_detail, name="detail"),
    path("<int:pk>/edit/", views.expense_edit, name="edit"),
    path("<int:pk>/approve/", views.expense_approve, name="approve"),
    path("<int:pk>/delete/", views.expense_delete, name="delete"),
]
