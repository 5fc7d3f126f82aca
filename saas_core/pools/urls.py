from django.urls import path

from saas_core.pools import views

app_name = "pools"

urlpatterns = [
    path("", views.pool_list, name="list"),
    path("new/", views.pool_create, name="create"),
    path("release/", views.release, name="release"),
    path("departed/", views.departed, name="departed"),
    path("warnings/", views.my_warnings, name="warnings"),
    path("<int:pk>/", views.pool_detail, name="detail"),
    path("<int:pk>/edit/", views.pool_edit, name="edit"),
    path("<int:pk>/delete/", views.pool_delete, name="delete"),
    path("<int:pk>/claim/<int:customer_pk>/", views.pool_claim, name="claim"),
    path("<int:pk>/assign/", views.pool_assign, name="assign"),
    path("<int:pk>/rules/", views.rule_list, name="rules"),
    path("<int:pk>/rules/<int:rule_pk>/edit/", views.rule_edit, name="rule_edit"),
    path("<int:pk>/rules/<int:rule_pk>/delete/", views.rule_delete, name="rule_delete"),
]
