from __future__ import annotations

import logging
import smtplib

from django import forms
from django.contrib.auth import forms as auth_forms
from django.contrib.auth import password_validation
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db.models import Q
from django.template import loader
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from saas_core.accounts.models import LoginAttempt, Role, User
from web.forms import NOT_SET
from web.pickers import PersonPickerField
from web.widgets import use_time_zone_select

logger = logging.getLogger(__name__)

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

        self.choices = [("", empty_label or self.empty_label or NOT_SET),
                        *((d.pk, label) for d, label in department_choices())]
        return self


# One person is picked the same way on every form: by name, pinyin or initials (issue 14).
UserChoiceField = PersonPickerField


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


class InviteForm(forms.ModelForm):
    """Invite a colleague by e-mail: who they are and their role; they choose their own password."""

    class Meta:
        model = User
        fields = ["name", "email", "role", "department", "language"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["name"].required = True
        self.fields["email"].required = True
        self.fields["email"].help_text = _("The invitation goes to this address; it is also their user name.")
        self.fields["department"] = DepartmentChoiceField(label=_("Department")).tree_choices(_("(no department)"))
        self.fields["language"].help_text = _("The language of the invitation and of their workspace.")

    def validate_unique(self):
        """accounts.services.invite_user checks the address with a clearer message."""


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
    date_from = forms.DateField(label=pgettext_lazy("date range", "From"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.DateField(label=pgettext_lazy("date range", "To"), required=False, widget=forms.DateInput(attrs={"type": "date"}))


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


class PasswordResetForm(auth_forms.PasswordResetForm):
    """Django's reset form, but it knows whether the mail went out: Django's own logs a failed
    send and lets the page say "sent" all the same.

    ``delivery_failed`` is also set when no account matched and the mail server cannot be
    reached, so "could not be sent" says nothing about whether the address has an account."""

    delivery_failed = False
    _attempted = False

    def send_mail(self, subject_template_name, email_template_name, context, from_email, to_email,
                  html_email_template_name=None) -> None:
        self._attempted = True
        subject = "".join(loader.render_to_string(subject_template_name, context).splitlines())
        message = EmailMultiAlternatives(subject, loader.render_to_string(email_template_name, context),
                                         from_email, [to_email])
        if html_email_template_name is not None:
            message.attach_alternative(loader.render_to_string(html_email_template_name, context), "text/html")
        try:
            message.send()
        except (OSError, smtplib.SMTPException):
            logger.exception("password reset e-mail to user %s could not be sent", context["user"].pk)
            self.delivery_failed = True

    def save(self, **kwargs) -> None:
        super().save(**kwargs)
        if not self._attempted:
            connection = get_connection(fail_silently=False)
            try:
                connection.open()
                connection.close()
            except (OSError, smtplib.SMTPException):
                logger.exception("password reset: the mail server cannot be reached")
                self.delivery_failed = True
