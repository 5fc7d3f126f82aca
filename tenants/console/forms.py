from __future__ import annotations

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _


class VendorLoginForm(AuthenticationForm):
    """Sign-in for the vendor's staff only; a company user's address means nothing here."""

    def confirm_login_allowed(self, user) -> None:
        super().confirm_login_allowed(user)
        if not user.is_staff:
            raise ValidationError(self.error_messages["invalid_login"], code="invalid_login",
                                  params={"username": self.username_field.verbose_name})


class ModuleSwitchForm(forms.Form):
    STATES = [("on", _("On")), ("off", _("Off")), ("subscription", _("As the subscription says"))]

    state = forms.ChoiceField(label=_("State"), choices=STATES)
    note = forms.CharField(label=_("Note"), max_length=200, required=False)

    def enabled(self) -> bool | None:
        return {"on": True, "off": False, "subscription": None}[self.cleaned_data["state"]]
