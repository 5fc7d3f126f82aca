from django.urls import path

from saas_core.approvals import views

app_name = "approvals"

urlpatterns = [
    path("", views.waiting, name="list"),
    path("batch/", views.batch, name="batch"),
    path("<int:pk>/<slug:action>/", views.act, name="act"),
    path("submit/<str:doc_type>/<int:object_id>/", views.submit, name="submit"),
    path("flows/", views.flow_list, name="flows"),
    path("flows/<str:doc_type>/", views.flow_detail, name="flow"),
    path("flows/<str:doc_type>/routes/new/", views.route_edit, name="route_new"),
    path("flows/<str:doc_type>/routes/<int:index>/", views.route_edit, name="route"),
    path("flows/<str:doc_type>/routes/<int:index>/delete/", views.route_delete, name="route_delete"),
]
