from django.urls import path

from plugins.sms import views

urlpatterns = [
    path("", views.send, name="send"),
    path("preview/", views.preview, name="preview"),
    path("group/", views.group, name="group"),
    path("log/", views.log, name="log"),
    path("log/<int:pk>/resend/", views.resend, name="resend"),
    path("settings/", views.settings_page, name="settings"),
    path("templates/new/", views.template_edit, name="template_new"),
    path("templates/<int:pk>/", views.template_edit, name="template_edit"),
    path("templates/<int:pk>/archive/", views.template_archive, name="template_archive"),
    path("opt-outs/", views.opt_out_add, name="opt_out_add"),
    path("opt-outs/<int:pk>/remove/", views.opt_out_remove, name="opt_out_remove"),
]
