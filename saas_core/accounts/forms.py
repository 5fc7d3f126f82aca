from __future__ import annotations

from django import forms
from django.contrib.auth import password_validation
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from saas_core.accounts.models import LoginAttempt, Role, User
from web.widgets import use_time_zone_select

SAME_AS_COMPANY = _("Same as the company")


class LoginForm(forms.Form):
    username = forms.CharField(label=_("User name or e-mail"), max_length=254)
    password = forms.CharField(label=_("Password"), strip=False, widget=forms.PasswordInput)


class DepartmentChoiceField(forms.ModelChoiceField):
    """Departments as an indented tree (the tree order, not the alphabet)."""

    def __init__(self, *args, **kwargs):
        from saas_core.org.models import Department

        kwargs.setdefault("queryset", Department.objects.all())
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def tree_choices(self, empty_label=None):
        from saas_core.org.services import department_choices

        self.choices = [("", empty_label or self.empty_label or "---------"),
                        *((d.pk, label) for d, label in department_choices())]
        return self


class UserChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return f"{obj} ({obj.get_role_display()})"


class UserFormBase(forms.ModelForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"] = DepartmentChoiceField(label=_("Department")).tree_choices(_("(no department)"))
        others = User.objects.filter(is_active=True).order_by("name", "username")
        if self.instance.pk:
            others = User.objects.filter(Q(is_active=True) | Q(pk=self.instance.superior_id)).exclude(pk=self.instance.pk)
            others = others.order_by("name", "username")
        self.fields["superior"] = UserChoiceField(
            queryset=others, required=False, label=_("Superior"), empty_label=_("(no superior)"),
            help_text=_("Whom this user reports to; used by the data scope “own records and those of subordinates”."),
        )
        use_time_zone_select(self, blank_label=SAME_AS_COMPANY)

    def validate_unique(self):
        """accounts.services checks user names (also against deleted users) with clearer messages."""


class UserCreateForm(UserFormBase):
    password = forms.CharField(
        label=_("Initial password"), strip=False, widget=forms.PasswordInput,
        help_text=password_validation.password_validators_help_text_html(),
    )

    class Meta:
        model = User
        fields = ["username", "name", "email", "mobile", "role", "department", "superior", "language", "time_zone"]


class UserEditForm(UserFormBase):
    class Meta:
        model = User
        fields = ["username", "name", "email", "mobile", "role", "department", "superior", "language", "time_zone", "is_active"]


class SetPasswordForm(forms.Form):
    password = forms.CharField(
        label=_("New password"), strip=False, widget=forms.PasswordInput,
        help_text=password_validation.password_validators_help_text_html(),
    )


class SettingsForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ["name", "email", "mobile", "signature", "language", "time_zone", "menu_mode"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        use_time_zone_select(self, blank_label=SAME_AS_COMPANY)


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
    department = DepartmentChoiceField(label=_("Department"))
    status = forms.ChoiceField(
        label=_("Status"), required=False,
        choices=[("", _("All")), ("active", _("Enabled")), ("disabled", _("Disabled"))],
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].tree_choices(_("All departments"))
