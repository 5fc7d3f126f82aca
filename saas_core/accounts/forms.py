from __future__ import annotations

from django import forms
from django.contrib.auth import password_validation
from django.utils.translation import gettext_lazy as _

from saas_core.accounts.models import LoginAttempt, Role, User


class LoginForm(forms.Form):
    username = forms.CharField(label=_("User name or e-mail"), max_length=254)
    password = forms.CharField(label=_("Password"), strip=False, widget=forms.PasswordInput)


class UserFormBase(forms.ModelForm):
    def validate_unique(self):
        """accounts.services checks user names (also against deleted users) with clearer messages."""


class UserCreateForm(UserFormBase):
    password = forms.CharField(
        label=_("Initial password"), strip=False, widget=forms.PasswordInput,
        help_text=password_validation.password_validators_help_text_html(),
    )

    class Meta:
        model = User
        fields = ["username", "name", "email", "mobile", "role", "language", "time_zone"]


class UserEditForm(UserFormBase):
    class Meta:
        model = User
        fields = ["username", "name", "email", "mobile", "role", "language", "time_zone", "is_active"]


class SetPasswordForm(forms.Form):
    password = forms.CharField(
        label=_("New password"), strip=False, widget=forms.PasswordInput,
        help_text=password_validation.password_validators_help_text_html(),
    )


class SettingsForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ["name", "email", "mobile", "signature", "language", "time_zone", "menu_mode"]


class LoginLogFilterForm(forms.Form):
    q = forms.CharField(label=_("User"), required=False)
    result = forms.ChoiceField(
        label=_("Result"), required=False,
        choices=[("", _("All")), ("ok", _("Success")), ("fail", _("Failure"))],
    )
    reason = forms.ChoiceField(label=_("Reason"), required=False, choices=[("", _("All")), *LoginAttempt.Reason.choices])
    date_from = forms.DateField(label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.DateField(label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"}))


class UserFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False)
    role = forms.ChoiceField(label=_("Role"), required=False, choices=[("", _("All roles")), *Role.choices])
    status = forms.ChoiceField(
        label=_("Status"), required=False,
        choices=[("", _("All")), ("active", _("Enabled")), ("disabled", _("Disabled"))],
    )
