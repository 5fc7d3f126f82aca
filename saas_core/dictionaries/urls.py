from django.urls import path

from saas_core.dictionaries import views

app_name = "dictionaries"

urlpatterns = [
    path("", views.type_list, name="type_list"),
    path("<slug:key>/", views.type_detail, name="type_detail"),
    path("<slug:key>/add/", views.item_add, name="item_add"),
    path("<slug:key>/reorder/", views.reorder, name="reorder"),
    path("<slug:key>/<int:pk>/", views.item_edit, name="item_edit"),
    path("<slug:key>/<int:pk>/rename/", views.item_rename, name="item_rename"),
    path("<slug:key>/<int:pk>/move/", views.item_move, name="item_move"),
    path("<slug:key>/<int:pk>/toggle/", views.item_toggle, name="item_toggle"),
    path("<slug:key>/<int:pk>/delete/", views.item_delete, name="item_delete"),
]
