from django.urls import path

from saas_core.accounts import views

app_name = "accounts"

urlpatterns = [
    path("login/", views.login_view, name="login"),
    path("logout/", views.logout_view, name="logout"),
    path("welcome/", views.welcome_view, name="welcome"),
    path("password/", views.PasswordChange.as_view(), name="password_change"),
    path("settings/", views.settings_view, name="settings"),
    path("users/", views.user_list, name="user_list"),
    path("users/new/", views.user_create, name="user_create"),
    path("users/invite/", views.user_invite, name="user_invite"),
    path("users/<int:pk>/invite/", views.user_reinvite, name="user_reinvite"),
    path("invite/<uidb64>/<token>/", views.InviteAccept.as_view(), name="invite_accept"),
    path("users/<int:pk>/", views.user_edit, name="user_edit"),
    path("users/<int:pk>/toggle-active/", views.user_toggle_active, name="user_toggle_active"),
    path("users/<int:pk>/delete/", views.user_delete, name="user_delete"),
    path("users/<int:pk>/password/", views.user_set_password, name="user_set_password"),
    path("login-log/", views.login_log, name="login_log"),
    *views.password_reset_urls(),
]
