from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from saas_core.sending.models import Channel, Reason

MANUAL_REASONS = [(r.value, r.label) for r in Reason]


class SuppressionForm(forms.Form):
    channel = forms.ChoiceField(label=_("channel"), choices=Channel.choices)
    address = forms.CharField(label=_("e-mail address or mobile number"), max_length=254)
    reason = forms.ChoiceField(label=_("reason"), choices=MANUAL_REASONS, initial=Reason.MANUAL)
    note = forms.CharField(label=_("note"), max_length=200, required=False)


class SuppressionFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    channel = forms.ChoiceField(label=_("channel"), required=False, choices=[("", "—"), *Channel.choices])
    reason = forms.ChoiceField(label=_("reason"), required=False, choices=[("", "—"), *Reason.choices])

    def filters(self) -> dict:
        data = self.cleaned_data if self.is_valid() else {}
        return {"channel": data.get("channel", ""), "q": data.get("q", ""), "reason": data.get("reason", "")}
