from django.urls import path

from saas_core.customers import views, views_actions

app_name = "customers"

urlpatterns = [
    path("", views.customer_list, name="list"),
    path("new/", views.customer_create, name="create"),
    path("batch/", views.customer_batch, name="batch"),
    path("advanced/", views.customer_advanced, name="advanced"),
    path("count/", views.customer_count, name="count"),
    path("charts/", views.customer_charts, name="charts"),
    path("charts/data/", views.customer_charts_data, name="charts_data"),
    path("duplicates/", views.duplicate_check, name="duplicates"),
    path("pick/", views.customer_pick, name="pick"),
    path("<int:pk>/", views.customer_detail, name="detail"),
    path("<int:pk>/panels/<slug:key>/", views.customer_panel, name="panel"),
    path("<int:pk>/edit/", views.customer_edit, name="edit"),
    path("<int:pk>/classify/", views.customer_classify, name="classify"),
    path("<int:pk>/hot/", views.customer_hot, name="hot"),
    path("<int:pk>/delete/", views.customer_delete, name="delete"),
    path("<int:pk>/contacts/new/", views.contact_create, name="contact_create"),
    path("transfer/", views_actions.batch_transfer, name="batch_transfer"),
    path("<int:pk>/share/", views_actions.customer_share, name="share"),
    path("<int:pk>/share/<int:user_id>/remove/", views_actions.customer_unshare, name="unshare"),
    path("<int:pk>/transfer/", views_actions.customer_transfer, name="transfer"),
    path("<int:pk>/merge/", views_actions.customer_merge, name="merge"),
    path("<int:pk>/merge/<int:survivor_pk>/", views_actions.customer_merge_confirm, name="merge_confirm"),
    path("contacts/", views.contact_list, name="contacts"),
    path("contacts/new/", views.contact_new, name="contact_new"),
    path("contacts/count/", views.contact_count, name="contact_count"),
    path("contacts/<int:pk>/edit/", views.contact_edit, name="contact_edit"),
    path("contacts/<int:pk>/delete/", views.contact_delete, name="contact_delete"),
]
