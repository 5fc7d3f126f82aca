from django.urls import path

from plugins.edm import views

urlpatterns = [
    path("setup/", views.setup, name="setup"),
    path("setup/domains/", views.domain_add, name="domain_add"),
    path("setup/domains/<int:pk>/check/", views.domain_check, name="domain_check"),
    path("setup/domains/<int:pk>/remove/", views.domain_remove, name="domain_remove"),
    path("setup/test/", views.test_send, name="test_send"),
]
