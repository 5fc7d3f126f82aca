"""Forms of the receivables pages; the rules are the services' (their errors go back on the field).
Amounts are text inputs read by the service (Decimal, the company's places)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from saas_core.dictionaries.models import DictionaryItem
from saas_core.lines.forms import DATE, NUMBER
from saas_core.payments import services
from saas_core.payments.models import Invoice, PaymentPlan, PaymentRecord

REASON = forms.Textarea(attrs={"rows": 2})


def _methods():
    return DictionaryItem.objects.filter(type__key="payment_method", is_active=True).order_by("order", "pk")


class _Override(forms.Form):
    """The reason field only for people with the "exceed receivable totals" right."""

    override_reason = forms.CharField(label=_("Reason for exceeding the total"), required=False, widget=REASON,
                                      help_text=_("Only needed to go over the contract's or order's total; "
                                                  "kept in the data log."))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        if not services.may_override(user):
            del self.fields["override_reason"]

    def service_fields(self) -> dict:
        return {k: v for k, v in self.cleaned_data.items() if k in self.fields}


class PlanForm(_Override):
    installment = forms.IntegerField(label=_("Installment"), required=False, min_value=1,
                                     help_text=_("Empty: the next one."))
    due_on = forms.DateField(label=_("Due date"), widget=DATE)
    amount = forms.CharField(label=_("Amount"), widget=forms.TextInput(attrs=NUMBER))
    method = forms.ModelChoiceField(label=_("Payment method"), queryset=DictionaryItem.objects.none(), required=False)
    remind_days = forms.IntegerField(label=_("Remind days before"), required=False, min_value=0, max_value=365,
                                     initial=3, help_text=_("0: no reminder."))
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    field_order = ["installment", "due_on", "amount", "method", "remind_days", "note", "override_reason"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["method"].queryset = _methods()


class RecordForm(forms.Form):
    received_on = forms.DateField(label=_("Payment date"), widget=DATE)
    amount = forms.CharField(label=_("Amount"), widget=forms.TextInput(attrs=NUMBER))
    method = forms.ModelChoiceField(label=_("Payment method"), queryset=DictionaryItem.objects.none(), required=False)
    account = forms.CharField(label=_("Receiving account"), required=False, max_length=100)
    payer = forms.CharField(label=_("Payer"), required=False, max_length=200)
    plans = forms.ModelMultipleChoiceField(label=_("Installments paid"), queryset=PaymentPlan.objects.none(),
                                           required=False, widget=forms.CheckboxSelectMultiple,
                                           help_text=_("The amount goes to them earliest first."))
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, parent, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["method"].queryset = _methods()
        self.fields["plans"].queryset = services.choosable_plans(parent)
        self.fields["plans"].label_from_instance = lambda p: _("%(n)s: %(amount)s due on %(day)s") % {
            "n": p.installment, "amount": p.outstanding, "day": p.due_on.isoformat()}

    def service_fields(self) -> dict:
        return dict(self.cleaned_data)


class InvoiceForm(_Override):
    record = forms.ModelChoiceField(label=_("Payment record"), queryset=PaymentRecord.objects.none(), required=False)
    kind = forms.ChoiceField(label=_("Invoice type"), choices=Invoice.Kind.choices)
    amount = forms.CharField(label=_("Amount"), widget=forms.TextInput(attrs=NUMBER))
    issued_on = forms.DateField(label=_("Invoice date"), widget=DATE)
    invoice_number = forms.CharField(label=_("Invoice number"), required=False, max_length=40)
    title_type = forms.ChoiceField(label=_("Title type"), choices=Invoice.TitleType.choices)
    title = forms.CharField(label=_("Invoice title"), max_length=200)
    tax_id = forms.CharField(label=_("Taxpayer ID"), required=False, max_length=30)
    bank = forms.CharField(label=_("Bank"), required=False, max_length=100)
    bank_account = forms.CharField(label=_("Bank account"), required=False, max_length=50)
    address = forms.CharField(label=_("Registered address"), required=False, max_length=200)
    phone = forms.CharField(label=_("Phone"), required=False, max_length=40)
    mail_address = forms.CharField(label=_("Mailing address"), required=False, max_length=300)
    tracking_number = forms.CharField(label=_("Tracking number"), required=False, max_length=60)
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, parent, **kwargs):
        super().__init__(*args, **kwargs)
        key = "contract" if parent._meta.model_name == "contract" else "order"
        self.fields["record"].queryset = PaymentRecord.objects.filter(**{key: parent})
