from django.urls import path

from plugins.inventory import purchase_views, views

urlpatterns = [
    path("", views.stock, name="stock"),
    path("ledger/", views.ledger, name="ledger"),
    path("assets/", views.assets, name="assets"),
    path("rules/<int:product_id>/", views.stock_rule, name="stock_rule"),
    path("documents/", views.documents, name="documents"),
    path("documents/new/<str:kind>/", views.document_new, name="document_new"),
    path("documents/<int:pk>/", views.document, name="document"),
    path("documents/<int:pk>/confirm/", views.document_confirm, name="document_confirm"),
    path("documents/<int:pk>/cancel/", views.document_cancel, name="document_cancel"),
    path("documents/<int:pk>/undo/", views.document_undo, name="document_undo"),
    path("transfer/", views.transfer, name="transfer"),
    path("warehouses/", views.warehouses, name="warehouses"),
    path("warehouses/new/", views.warehouse_edit, name="warehouse_new"),
    path("warehouses/<int:pk>/", views.warehouse_edit, name="warehouse_edit"),
    path("suppliers/", purchase_views.suppliers, name="suppliers"),
    path("suppliers/new/", purchase_views.supplier_edit, name="supplier_new"),
    path("suppliers/<int:pk>/", purchase_views.supplier_edit, name="supplier_edit"),
    path("purchases/", purchase_views.purchases, name="purchases"),
    path("purchases/new/", purchase_views.purchase_new, name="purchase_new"),
    path("purchases/summary/", purchase_views.purchase_summary, name="purchase_summary"),
    path("purchases/<int:pk>/", purchase_views.purchase, name="purchase"),
    path("purchases/<int:pk>/place/", purchase_views.purchase_place, name="purchase_place"),
    path("purchases/<int:pk>/cancel/", purchase_views.purchase_cancel, name="purchase_cancel"),
    path("purchases/<int:pk>/receive/", purchase_views.purchase_receive, name="purchase_receive"),
]
