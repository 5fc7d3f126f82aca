from django.urls import path

from saas_core.orders import views

app_name = "orders"

urlpatterns = [
    path("", views.order_list, name="list"),
    path("new/", views.order_create, name="create"),
    path("batch/", views.order_batch, name="batch"),
    path("last-prices/", views.last_prices, name="last_prices"),
    path("from-contract/<int:pk>/", views.from_contract, name="from_contract"),
    path("<int:pk>/", views.order_detail, name="detail"),
    path("<int:pk>/edit/", views.order_edit, name="edit"),
    path("<int:pk>/confirm/", views.order_confirm, name="confirm"),
    path("<int:pk>/cancel/", views.order_cancel, name="cancel"),
    path("<int:pk>/ship/", views.order_ship, name="ship"),
    path("<int:pk>/shipments/<int:shipment>/void/", views.shipment_void, name="void_shipment"),
    path("<int:pk>/delete/", views.order_delete, name="delete"),
]
