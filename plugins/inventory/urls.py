from django.urls import path

from plugins.inventory import views

urlpatterns = [
    path("", views.stock, name="stock"),
    path("ledger/", views.ledger, name="ledger"),
    path("documents/", views.documents, name="documents"),
    path("documents/new/<str:kind>/", views.document_new, name="document_new"),
    path("documents/<int:pk>/", views.document, name="document"),
    path("documents/<int:pk>/confirm/", views.document_confirm, name="document_confirm"),
    path("documents/<int:pk>/cancel/", views.document_cancel, name="document_cancel"),
    path("transfer/", views.transfer, name="transfer"),
    path("warehouses/", views.warehouses, name="warehouses"),
    path("warehouses/new/", views.warehouse_edit, name="warehouse_new"),
    path("warehouses/<int:pk>/", views.warehouse_edit, name="warehouse_edit"),
]
