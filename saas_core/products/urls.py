from django.urls import path

from saas_core.products import views

app_name = "products"

urlpatterns = [
    path("", views.product_list, name="list"),
    path("new/", views.product_create, name="create"),
    path("batch/", views.product_batch, name="batch"),
    path("pick/", views.product_pick, name="pick"),
    path("<int:pk>/", views.product_detail, name="detail"),
    path("<int:pk>/edit/", views.product_edit, name="edit"),
    path("<int:pk>/delete/", views.product_delete, name="delete"),
    path("<int:pk>/images/<int:attachment_id>/thumbnail.jpg", views.product_thumbnail, name="thumbnail"),
    path("categories/", views.category_list, name="categories"),
    path("categories/add/", views.category_add, name="category_add"),
    path("categories/<int:pk>/rename/", views.category_rename, name="category_rename"),
    path("categories/<int:pk>/delete/", views.category_delete, name="category_delete"),
    path("categories/<int:pk>/move/", views.category_move, name="category_move"),
    path("strategies/", views.strategy_list, name="strategies"),
    path("strategies/add/", views.strategy_change, {"action": "add"}, name="strategy_add"),
    path("strategies/<int:pk>/rename/", views.strategy_change, {"action": "rename"}, name="strategy_rename"),
    path("strategies/<int:pk>/delete/", views.strategy_change, {"action": "delete"}, name="strategy_delete"),
]
