from django.urls import path

from plugins.edm import campaign_views, tracking_views, views

urlpatterns = [
    path("", campaign_views.campaign_list, name="campaigns"),
    path("campaigns/<int:pk>/", campaign_views.campaign_detail, name="campaign"),
    path("campaigns/<int:pk>/recipients/<int:recipient>/", campaign_views.recipient_history, name="recipient"),
    path("campaigns/<int:pk>/<slug:action>/", campaign_views.campaign_action, name="campaign_action"),
    path("templates/", campaign_views.template_list, name="templates"),
    path("templates/new/", campaign_views.template_edit, name="template_new"),
    path("templates/<int:pk>/", campaign_views.template_edit, name="template_edit"),
    path("templates/<int:pk>/preview/", campaign_views.template_preview, name="template_preview"),
    path("audiences/", campaign_views.audience_add, name="audience_add"),
    path("setup/", views.setup, name="setup"),
    path("setup/domains/", views.domain_add, name="domain_add"),
    path("setup/domains/<int:pk>/check/", views.domain_check, name="domain_check"),
    path("setup/domains/<int:pk>/remove/", views.domain_remove, name="domain_remove"),
    path("setup/test/", views.test_send, name="test_send"),
    path("t/o/<str:token>/", tracking_views.pixel, name="open"),
    path("t/c/<str:token>/", tracking_views.click, name="click"),
]
