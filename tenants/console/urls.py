from django.urls import path

from tenants.console import views

app_name = "console"

urlpatterns = [
    path("", views.tenant_list, name="tenant_list"),
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", views.LogoutView.as_view(), name="logout"),
    path("tenants/<int:pk>/", views.tenant_detail, name="tenant_detail"),
    path("tenants/<int:pk>/modules/<slug:key>/", views.tenant_module, name="tenant_module"),
]
