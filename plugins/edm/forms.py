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


class TemplateForm(forms.Form):
    name = forms.CharField(label=_("name"), max_length=100)
    subject = forms.CharField(label=_("subject"), max_length=200)
    html = forms.CharField(label=_("HTML"), max_length=500_000, widget=forms.Textarea(attrs={"rows": 14}),
                           help_text=_("Variables: {customer}, {contact}, {owner}, {company}. CSS of the page's head "
                                       "is inlined when sent."))


class AudienceForm(forms.Form):
    name = forms.CharField(label=_("name"), max_length=100)
    kind = forms.ChoiceField(label=_("recipients"), choices=[("contacts", _("Contacts")),
                                                            ("customers", _("Customers (their primary contact)"))])
    q = forms.CharField(label=_("Search"), max_length=100, required=False,
                        help_text=_("Name, phone or pinyin initials, as in the lists; empty: everyone you may see."))


class CampaignForm(forms.Form):
    name = forms.CharField(label=_("name"), max_length=200)
    template = forms.ModelChoiceField(label=_("template"), queryset=None)
    audience = forms.ModelChoiceField(label=_("audience"), queryset=None)

    def __init__(self, *args, user=None, **kwargs):
        from plugins.edm.models import Audience, EmailTemplate

        super().__init__(*args, **kwargs)
        self.fields["template"].queryset = EmailTemplate.objects.filter(is_active=True)
        self.fields["audience"].queryset = Audience.objects.filter(created_by=user)
