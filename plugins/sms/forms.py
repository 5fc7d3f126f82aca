"""Forms of the SMS pages; they only parse input, the rules are in ``services``."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from plugins.sms import services
from plugins.sms.models import Provider, SmsAudience, SmsSettings, SmsTemplate
from saas_core.customers.models import Customer
from saas_core.dictionaries.models import DictionaryItem

DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


OPT_OUT_REASONS = "sms_opt_out_reason"


class TemplateChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: SmsTemplate) -> str:
        return f"{obj.name}{f' ({obj.provider_code})' if obj.provider_code else ''}"


class ComposeForm(forms.Form):
    """The text (typed or a template) and when to send it; shared by single and group sends."""

    template = TemplateChoiceField(label=_("Template"), queryset=SmsTemplate.objects.none(), required=False,
                                   empty_label=_("— type the text —"))
    body = forms.CharField(label=_("Text"), required=False, max_length=1000,
                           widget=forms.Textarea(attrs={"rows": 4}),
                           help_text=_("Variables: {customer}, {contact}, {owner}, {sender}, {company}. The "
                                       "signature is added in front."))
    scheduled_at = forms.DateTimeField(label=_("Send at"), required=False, widget=DATETIME,
                                       input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
                                       help_text=_("Leave empty to send now."))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["template"].queryset = services.active_templates()

    def compose(self) -> dict:
        data = self.cleaned_data
        return {"body": data.get("body") or "", "template": data.get("template")}

    def when(self):
        at = self.cleaned_data.get("scheduled_at")
        return timezone.make_aware(at) if at is not None and timezone.is_naive(at) else at


class SendForm(ComposeForm):
    number = forms.CharField(label=_("Mobile number"), max_length=30)
    contact = forms.IntegerField(required=False, widget=forms.HiddenInput)

    field_order = ["number", "contact", "template", "body", "scheduled_at"]


class GroupForm(ComposeForm):
    kind = forms.ChoiceField(label=_("Send to"), choices=SmsAudience.Kind.choices, initial=SmsAudience.Kind.CUSTOMERS)
    audience = forms.ModelChoiceField(label=_("Saved filter"), queryset=SmsAudience.objects.none(), required=False,
                                      empty_label=_("— filter below —"))
    q = forms.CharField(label=_("Search"), required=False, max_length=100,
                        help_text=_("Name, pinyin, initials or phone, as in the lists."))
    status = forms.ChoiceField(label=_("Customer status"), required=False,
                               choices=[("", "—"), *Customer.Status.choices])
    province = forms.CharField(label=_("Province"), required=False, max_length=30)
    city = forms.CharField(label=_("City"), required=False, max_length=30)
    hot = forms.ChoiceField(label=_("Hot"), required=False, choices=[("", "—"), ("1", _("Yes")), ("0", _("No"))])
    birthday_month = forms.BooleanField(label=_("Contacts with a birthday this month"), required=False)
    save_as = forms.CharField(label=_("Save this filter as"), required=False, max_length=100)

    field_order = ["kind", "audience", "q", "status", "province", "city", "hot", "birthday_month", "save_as",
                   "template", "body", "scheduled_at"]
    FILTER_FIELDS = ("q", "status", "province", "city", "hot", "birthday_month")

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["audience"].queryset = services.audiences_for(user)

    def selection(self) -> tuple[str, dict]:
        """The kind and the ``customers.queries`` filter dict: the saved filter's, or the fields'."""
        data = self.cleaned_data
        if data.get("audience"):
            return data["audience"].kind, dict(data["audience"].filters)
        kind = data["kind"]
        filters = {}
        if data.get("q"):
            filters["q"] = data["q"]
        if kind == SmsAudience.Kind.CUSTOMERS:
            for key in ("status", "province", "city"):
                if data.get(key):
                    filters[key] = data[key]
            if data.get("hot"):
                filters["hot"] = data["hot"] == "1"
        elif data.get("birthday_month"):
            filters["birthday_month"] = True
        return kind, filters


class SettingsForm(forms.ModelForm):
    access_key_secret = forms.CharField(
        label=_("Access key secret / auth token"), required=False, max_length=200,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"}),
        help_text=_("Stored and never shown again; leave empty to keep the stored one."),
    )
    price = forms.DecimalField(label=_("Price per part"), min_value=0, max_digits=8, decimal_places=2,
                               help_text=_("What one SMS part costs, e.g. 0.05."))

    class Meta:
        model = SmsSettings
        fields = ["provider", "access_key_id", "access_key_secret", "app_id", "region", "sender_number", "endpoint",
                  "signature", "currency", "monthly_quota", "remind_by_sms", "reminder_template"]
        field_classes = {"reminder_template": TemplateChoiceField}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["provider"].choices = Provider.choices
        self.fields["price"].initial = self.instance.price_per_part_minor / 100
        self.fields["reminder_template"].queryset = services.active_templates()
        self.fields["reminder_template"].empty_label = _("— the default text —")
        order = ["provider", "access_key_id", "access_key_secret", "app_id", "region", "sender_number", "endpoint",
                 "signature", "price", "currency", "monthly_quota", "remind_by_sms", "reminder_template"]
        self.order_fields(order)

    def service_fields(self) -> dict:
        data = dict(self.cleaned_data)
        data["price_per_part_minor"] = int((data.pop("price") * 100).to_integral_value())
        return data


class TemplateForm(forms.ModelForm):
    class Meta:
        model = SmsTemplate
        fields = ["name", "body", "provider_code"]
        widgets = {"body": forms.Textarea(attrs={"rows": 3})}


class OptOutForm(forms.Form):
    """A number for the suppression list (adding it twice is fine: the first entry stays)."""

    number = forms.CharField(label=_("mobile number"), max_length=30)
    reason = forms.ModelChoiceField(label=_("reason"), required=False, queryset=DictionaryItem.objects.none())
    note = forms.CharField(label=_("note"), max_length=200, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reason"].queryset = DictionaryItem.objects.filter(type__key=OPT_OUT_REASONS, is_active=True)


class LogFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    status = forms.ChoiceField(label=_("Status"), required=False, choices=[])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from plugins.sms.models import SmsMessage

        self.fields["status"].choices = [("", "—"), *SmsMessage.Status.choices]
