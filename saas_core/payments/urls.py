from django.urls import path

from saas_core.payments import views

app_name = "payments"

urlpatterns = [
    path("plans/", views.plan_list, name="plan_list"),
    path("plans/new/", views.plan_create, name="plan_create"),
    path("plans/batch/", views.batch, {"kind": "plans"}, name="plan_batch"),
    path("plans/<int:pk>/", views.plan_detail, name="plan_detail"),
    path("plans/<int:pk>/edit/", views.plan_edit, name="plan_edit"),
    path("plans/<int:pk>/void/", views.plan_void, name="plan_void"),
    path("plans/<int:pk>/delete/", views.plan_delete, name="plan_delete"),
    path("received/", views.record_list, name="record_list"),
    path("received/new/", views.record_create, name="record_create"),
    path("received/batch/", views.batch, {"kind": "records"}, name="record_batch"),
    path("received/<int:pk>/", views.record_detail, name="record_detail"),
    path("received/<int:pk>/plan/", views.plan_from_record, name="plan_from_record"),
    path("received/<int:pk>/delete/", views.record_delete, name="record_delete"),
    path("invoices/", views.invoice_list, name="invoice_list"),
    path("invoices/new/", views.invoice_create, name="invoice_create"),
    path("invoices/batch/", views.batch, {"kind": "invoices"}, name="invoice_batch"),
    path("invoices/<int:pk>/", views.invoice_detail, name="invoice_detail"),
    path("invoices/<int:pk>/delete/", views.invoice_delete, name="invoice_delete"),
]
