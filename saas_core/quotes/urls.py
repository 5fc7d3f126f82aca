from django.urls import path

from saas_core.quotes import views

app_name = "quotes"

urlpatterns = [
    path("", views.quote_list, name="list"),
    path("new/", views.quote_create, name="create"),
    path("batch/", views.quote_batch, name="batch"),
    path("last-prices/", views.last_prices, name="last_prices"),
    path("opportunities/", views.opportunity_choices, name="opportunities"),
    path("<int:pk>/", views.quote_detail, name="detail"),
    path("<int:pk>/edit/", views.quote_edit, name="edit"),
    path("<int:pk>/print/", views.quote_print, name="print"),
    path("<int:pk>/copy/", views.quote_copy, name="copy"),
    path("<int:pk>/status/", views.quote_status, name="status"),
    path("<int:pk>/convert/<slug:key>/", views.quote_convert, name="convert"),
    path("<int:pk>/delete/", views.quote_delete, name="delete"),
]
