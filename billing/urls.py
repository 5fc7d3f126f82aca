from django.urls import path

from billing import views

app_name = "billing"

urlpatterns = [
    path("", views.subscription_page, name="subscription"),
    path("card/", views.save_card, name="card"),
    path("review/", views.review, name="review"),
    path("confirm/", views.confirm, name="confirm"),
    path("pay/", views.pay, name="pay"),
    path("cancel/", views.cancel, name="cancel"),
    path("invoices/<str:invoice_id>/", views.invoice_download, name="invoice"),
    path("account/", views.account, name="account"),
    path("account/logo/", views.logo, name="logo"),
]
