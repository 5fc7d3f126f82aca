from django.urls import path

from plugins.call_center import views, webhooks

urlpatterns = [
    path("", views.log, name="log"),
    path("settings/", views.settings_page, name="settings"),
    path("extensions/", views.extension_add, name="extension_add"),
    path("extensions/<int:pk>/remove/", views.extension_remove, name="extension_remove"),
    path("calls/<int:pk>/card/", views.card, name="card"),
    path("calls/<int:pk>/recording/", views.recording, name="recording"),
    path("dial/", views.dial, name="dial"),
    path("webhook/<str:vendor>/", webhooks.receive, name="webhook"),
]
