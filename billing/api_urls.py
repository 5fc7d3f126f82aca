from django.urls import path

from billing import api

urlpatterns = [
    path("subscription/", api.subscription, name="api-billing-subscription"),
    path("quote/", api.quote, name="api-billing-quote"),
    path("card/", api.card, name="api-billing-card"),
    path("subscribe/", api.subscribe, name="api-billing-subscribe"),
    path("change/", api.change, name="api-billing-change"),
    path("cancel/", api.cancel, name="api-billing-cancel"),
    path("pay/", api.pay, name="api-billing-pay"),
    path("invoices/", api.invoices, name="api-billing-invoices"),
    path("invoices/<str:invoice_id>/", api.invoice, name="api-billing-invoice"),
    path("account/", api.account, name="api-billing-account"),
]
