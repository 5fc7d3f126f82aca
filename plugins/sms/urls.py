from django.urls import path

from plugins.sms import views

urlpatterns = [
    path("", views.send, name="send"),
    path("group/", views.group, name="group"),
    path("log/", views.log, name="log"),
    path("settings/", views.settings_page, name="settings"),
]
