"""Forms of the call-center pages; they only parse input, the rules are in ``services``."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from plugins.call_center.models import GENERIC_FIELDS, Direction, Result, Telephony
from saas_core.accounts.models import User

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")

FIELD_LABELS = {
    "call_id": _("call id"), "event": _("event"), "sequence": _("sequence number"), "timestamp": _("time (Unix)"),
    "caller": _("caller"), "callee": _("callee"), "agent": _("agent id"), "direction": _("direction"),
    "queue": _("queue"), "result": _("result"), "recording_url": _("recording URL"),
}


class TelephonyForm(forms.ModelForm):
    ami_secret = forms.CharField(label=_("AMI secret"), required=False, max_length=200,
                                 widget=forms.PasswordInput(render_value=False),
                                 help_text=_("Stored encrypted and never shown again; leave empty to keep it."))
    webhook_secret = forms.CharField(label=_("Webhook signing secret"), required=False, max_length=200,
                                     widget=forms.PasswordInput(render_value=False),
                                     help_text=_("Stored encrypted and never shown again; leave empty to keep it."))
    callback_url = forms.URLField(label=_("Click-to-dial API URL"), required=False, max_length=200,
                                  assume_scheme="https",
                                  help_text=_("The cloud call center's callback API; it rings the agent, then the customer."))

    class Meta:
        model = Telephony
        fields = ["kind", "ami_host", "ami_port", "ami_username", "ami_secret", "ami_context", "webhook_secret",
                  "callback_url"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        mapping = self.instance.mapping()
        for name in GENERIC_FIELDS:
            self.fields[f"map_{name}"] = forms.CharField(
                label=_("JSON key of the %(field)s") % {"field": FIELD_LABELS[name]}, required=False, max_length=60,
                initial=mapping.get(name, name))

    def service_fields(self) -> dict:
        data = {name: self.cleaned_data.get(name) for name in self.Meta.fields}
        data["generic_mapping"] = {name: (self.cleaned_data.get(f"map_{name}") or name).strip()
                                   for name in GENERIC_FIELDS}
        return data


class ExtensionForm(forms.Form):
    code = forms.CharField(label=_("Extension / agent id"), max_length=40)
    user = forms.ModelChoiceField(label=_("User"), queryset=User.objects.none())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = User.objects.filter(is_active=True).order_by("name")


class LogFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100,
                        help_text=_("Number, customer or contact."))
    direction = forms.ChoiceField(label=_("Direction"), required=False,
                                  choices=[("", _("All"))] + list(Direction.choices))
    result = forms.ChoiceField(label=_("Result"), required=False, choices=[("", _("All"))] + list(Result.choices))
    agent = forms.ModelChoiceField(label=_("Agent"), required=False, queryset=User.objects.none(),
                                   empty_label=_("All"))
    start = forms.DateField(label=_("From"), required=False, widget=DATE)
    end = forms.DateField(label=_("To"), required=False, widget=DATE)

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        from saas_core.org.scope import visible_user_ids

        ids = visible_user_ids(user) if user is not None else frozenset()
        agents = User.objects.order_by("name")
        self.fields["agent"].queryset = agents if ids is None else agents.filter(pk__in=ids)

    def filters(self) -> dict:
        data = getattr(self, "cleaned_data", {})
        return {name: data.get(name) for name in ("q", "direction", "result", "agent", "start", "end")
                if data.get(name)}
