from django.urls import path

from tenants.console import views

app_name = "console"

urlpatterns = [
    path("", views.tenant_list, name="tenant_list"),
    path("login/", views.login_view, name="login"),
    path("logout/", views.LogoutView.as_view(), name="logout"),
    path("tenants/<int:pk>/", views.tenant_detail, name="tenant_detail"),
    path("tenants/<int:pk>/suspend/", views.tenant_suspend, name="tenant_suspend"),
    path("tenants/<int:pk>/resume/", views.tenant_resume, name="tenant_resume"),
    path("tenants/<int:pk>/modules/<slug:key>/", views.tenant_module, name="tenant_module"),
    path("rollout/", views.rollout_status, name="rollout"),
    path("rollout/retry/", views.rollout_retry, name="rollout_retry"),
    path("plans/", views.plan_list, name="plan_list"),
    path("plans/new/", views.plan_edit, name="plan_new"),
    path("plans/<int:pk>/", views.plan_edit, name="plan_edit"),
    path("plans/<int:pk>/on-sale/", views.plan_on_sale, name="plan_on_sale"),
    path("modules/", views.module_list, name="module_list"),
    path("modules/new/", views.module_edit, name="module_new"),
    path("modules/<slug:key>/", views.module_edit, name="module_edit"),
    path("modules/<slug:key>/on-sale/", views.module_on_sale, name="module_on_sale"),
    path("settings/", views.settings_page, name="settings"),
    path("staff/", views.staff_list, name="staff"),
    path("staff/<int:pk>/active/", views.staff_active, name="staff_active"),
]
