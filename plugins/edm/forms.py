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

    bounce_password = forms.CharField(label=_("mailbox password"), required=False, max_length=200,
                                      widget=forms.PasswordInput(render_value=False),
                                      help_text=_("Leave empty to keep the stored password."))

    class Meta:
        model = EdmSettings
        fields = ["from_name", "from_address", "reply_to", "smtp_host", "smtp_port", "smtp_security",
                  "smtp_username", "smtp_password", "pool_size", "per_second", "per_hour", "per_day",
                  "bounce_address", "bounce_protocol", "bounce_host", "bounce_port", "bounce_security",
                  "bounce_username", "bounce_password", "sendgrid_verification_key"]
        widgets = {"sendgrid_verification_key": forms.Textarea(attrs={"rows": 2})}

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
    kind = forms.ChoiceField(label=_("recipients"), choices=[
        ("contacts", _("Contacts")), ("customers", _("Customers (their primary contact)")),
        ("group", _("Static group (the contacts found now)")), ("list", _("Imported list of addresses"))])
    q = forms.CharField(label=_("Search"), max_length=100, required=False,
                        help_text=_("Name, phone or pinyin initials, as in the lists; empty: everyone you may see."))
    addresses = forms.CharField(label=_("addresses"), required=False, max_length=10_000_000,
                                widget=forms.Textarea(attrs={"rows": 3, "placeholder": "wang@example.com, 王五"}),
                                help_text=_("Imported list: one address a line, optionally “, name”."))


class CampaignForm(forms.Form):
    name = forms.CharField(label=_("name"), max_length=200)
    template = forms.ModelChoiceField(label=_("template"), queryset=None)
    audience = forms.ModelChoiceField(label=_("audience"), queryset=None)
    scheduled_at = forms.DateTimeField(label=_("send at"), required=False,
                                       widget=forms.DateTimeInput(attrs={"type": "datetime-local"},
                                                                  format="%Y-%m-%dT%H:%M"),
                                       help_text=_("Empty: you send it from its page."))
    track = forms.BooleanField(label=_("track opens and clicks"), required=False, initial=True)

    def __init__(self, *args, user=None, **kwargs):
        from plugins.edm.models import Audience, EmailTemplate

        super().__init__(*args, **kwargs)
        self.fields["template"].queryset = EmailTemplate.objects.filter(is_active=True)
        self.fields["audience"].queryset = Audience.objects.filter(created_by=user)


class ScheduleForm(forms.Form):
    scheduled_at = forms.DateTimeField(label=_("send at"), required=False,
                                       widget=forms.DateTimeInput(attrs={"type": "datetime-local"},
                                                                  format="%Y-%m-%dT%H:%M"),
                                       help_text=_("Empty: not scheduled (a draft you send by hand)."))


class RecipientSearchForm(forms.Form):
    q = forms.CharField(label=_("Search"), max_length=100, required=False)
    show = forms.ChoiceField(label=_("Show"), required=False, choices=[
        ("", _("Everyone")), ("opened", _("Opened")), ("not_opened", _("Sent, not opened")),
        ("clicked", _("Clicked")), ("bounced", _("Bounced")), ("complained", _("Complained")),
        ("failed", _("Not delivered"))])


class VariantForm(forms.Form):
    subject = forms.CharField(label=_("subject"), max_length=200, required=False,
                              help_text=_("Empty: the template's subject."))
    template = forms.ModelChoiceField(label=_("content"), queryset=None, required=False,
                                      help_text=_("Empty: the campaign's template."))

    def __init__(self, *args, **kwargs):
        from plugins.edm.models import EmailTemplate

        super().__init__(*args, **kwargs)
        self.fields["template"].queryset = EmailTemplate.objects.filter(is_active=True)


class AbTestForm(forms.Form):
    share = forms.IntegerField(label=_("test share (%)"), min_value=1, max_value=100)
    metric = forms.ChoiceField(label=_("winner by"), choices=[("opens", _("unique opens")),
                                                             ("clicks", _("unique clicks"))])
    wait_hours = forms.IntegerField(label=_("wait (hours)"), min_value=1, max_value=168)
