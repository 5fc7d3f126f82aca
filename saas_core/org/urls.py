from django.urls import path

from saas_core.org import views

app_name = "org"

urlpatterns = [
    path("departments/", views.departments, name="departments"),
    path("departments/new/", views.department_create, name="department_create"),
    path("departments/<int:pk>/", views.department_edit, name="department_edit"),
    path("departments/<int:pk>/move/", views.department_move, name="department_move"),
    path("departments/<int:pk>/delete/", views.department_delete, name="department_delete"),
    path("roles/", views.roles, name="roles"),
    path("roles/<slug:code>/", views.role_edit, name="role_edit"),
    path("users/<int:pk>/transfer/", views.transfer, name="transfer"),
]
