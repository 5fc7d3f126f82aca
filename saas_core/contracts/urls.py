from django.urls import path

from saas_core.contracts import views

app_name = "contracts"

urlpatterns = [
    path("", views.contract_list, name="list"),
    path("new/", views.contract_create, name="create"),
    path("batch/", views.contract_batch, name="batch"),
    path("numbering/", views.numbering_settings, name="numbering"),
    path("last-prices/", views.last_prices, name="last_prices"),
    path("parties/", views.party_choices, name="parties"),
    path("<int:pk>/", views.contract_detail, name="detail"),
    path("<int:pk>/edit/", views.contract_edit, name="edit"),
    path("<int:pk>/print/", views.contract_print, name="print"),
    path("<int:pk>/status/", views.contract_status, name="status"),
    path("<int:pk>/plans/", views.add_plan, name="add_plan"),
    path("<int:pk>/deliveries/", views.add_record, name="add_record"),
    path("<int:pk>/delete/", views.contract_delete, name="delete"),
]
