from django.urls import path

from saas_core.products import views

app_name = "products"

urlpatterns = [
    path("pick/", views.product_pick, name="pick"),
]
