"""Forms of the EDM pages; they only parse input, the rules are in ``services``."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from plugins.edm.models import EdmSettings


class DomainForm(forms.Form):
    domain = forms.CharField(label=_("domain"), max_length=253,
                             help_text=_("The domain after the @ of your sender address, e.g. mail.example.com."))


class SettingsForm(forms.ModelForm):
    smtp_password = forms.CharField(label=_("password"), required=False, max_length=200,
                                    widget=forms.PasswordInput(render_value=False),
                                    help_text=_("Leave empty to keep the stored password."))

    class Meta:
        model = EdmSettings
        fields = ["from_name", "from_address", "reply_to", "smtp_host", "smtp_port", "smtp_security",
                  "smtp_username", "smtp_password", "pool_size", "per_second", "per_hour", "per_day"]

    def service_fields(self) -> dict:
        return dict(self.cleaned_data)
