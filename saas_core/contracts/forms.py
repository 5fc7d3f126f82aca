"""Forms of the contract pages; the rules are the services'. The header is the shared document
form (customer picker with pinyin search, opportunity, owner, strategy, discount), lines are the
shared line editor."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from saas_core.accounts.models import User
from saas_core.contracts.models import Contract, DeliveryPlan
from saas_core.contracts.numbering import DEFAULTS, LABELS
from saas_core.customers.models import Contact
from saas_core.dictionaries.fields import DictionaryFormMixin
from saas_core.lines.forms import DATE, NUMBER, DocumentForm


class ContractForm(DictionaryFormMixin, DocumentForm):
    default_strategy = "deal"
    optional = ("owner", "strategy", "start_on", "end_on", "renewal_days")
    service_checked = ("end_on",)

    class Meta:
        model = Contract
        fields = ("title", "customer", "opportunity", "category", "strategy", "signed_on", "start_on", "end_on",
                  "customer_signer", "our_signer", "owner", "renewal_days", "terms")
        widgets = {"signed_on": DATE, "start_on": DATE, "end_on": DATE, "terms": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("start_on", "end_on", "renewal_days"):
            self.fields[name].required = False
        self.fields["start_on"].help_text = _("Empty: today.")
        self.fields["end_on"].help_text = _("Empty: one year after the start.")
        self.fields["customer_signer"].queryset = (Contact.objects.filter(customer=self.customer_chosen)
                                                   .order_by("name") if self.customer_chosen else Contact.objects.none())
        self.fields["customer_signer"].help_text = _("One of the customer's contacts.")
        self.fields["our_signer"].queryset = User.objects.filter(is_active=True).order_by("name", "username")
        if not self.instance.pk and not self.is_bound:
            self.initial.setdefault("renewal_days", 30)


class DeliveryPlanForm(forms.Form):
    planned_on = forms.DateField(label=_("Planned date"), widget=DATE)
    content = forms.CharField(label=_("What is delivered"), max_length=200)
    amount = forms.CharField(label=_("Amount"), required=False, widget=forms.TextInput(attrs=NUMBER))


class DeliveryRecordForm(forms.Form):
    delivered_on = forms.DateField(label=_("Delivery date"), widget=DATE)
    content = forms.CharField(label=_("What was delivered"), max_length=200)
    amount = forms.CharField(label=_("Amount"), required=False, widget=forms.TextInput(attrs=NUMBER))
    plan = forms.ModelChoiceField(label=_("Delivery plan"), queryset=DeliveryPlan.objects.none(), required=False)
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, contract: Contract, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["plan"].queryset = contract.delivery_plans.all()


class NumberingForm(forms.Form):
    """One pattern per document type (contracts, orders, shipments)."""

    def __init__(self, *args, patterns: dict[str, str], **kwargs):
        super().__init__(*args, **kwargs)
        for key in DEFAULTS:
            self.fields[key] = forms.CharField(label=LABELS[key], max_length=60, initial=patterns[key],
                                               help_text=_("Default: %(pattern)s") % {"pattern": DEFAULTS[key]})
