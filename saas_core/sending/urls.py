from django.urls import path

from saas_core.sending import inbound, views

app_name = "sending"

urlpatterns = [
    path("suppression/", views.suppression_list, name="suppression"),
    path("suppression/<int:pk>/lift/", views.suppression_lift, name="suppression_lift"),
    path("callbacks/<slug:kind>/", inbound.callback, name="callback"),
    path("unsubscribe/<str:token>/", inbound.unsubscribe, name="unsubscribe"),
]
