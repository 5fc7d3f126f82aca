"""The expense claim form; the rules are the services'. The customer is the shared picker (pinyin
search, within the user's scope), the opportunity and contract are that customer's."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from saas_core.accounts.models import User
from saas_core.contracts.models import Contract
from saas_core.customers.models import Customer
from saas_core.dictionaries.fields import DictionaryFormMixin
from saas_core.expenses.models import Expense
from saas_core.lines.forms import DATE, NUMBER
from saas_core.opportunities.models import Opportunity
from saas_core.org.scope import visible, visible_user_ids
from web.pickers import CustomerPickerField, PersonPickerField


class ExpenseForm(DictionaryFormMixin, forms.ModelForm):
    customer = CustomerPickerField(label=_("Customer"), required=False, error_messages={
        "invalid_choice": _("Choose a customer you can see: search by name, pinyin, number or phone."),
    })
    owner = PersonPickerField(label=_("Claimant"), queryset=User.objects.none(), required=False)
    amount = forms.DecimalField(label=_("Amount"), max_digits=18, decimal_places=6, widget=forms.TextInput(attrs=NUMBER))

    class Meta:
        model = Expense
        fields = ("type", "amount", "spent_on", "customer", "opportunity", "contract", "owner", "description")
        widgets = {"spent_on": DATE, "description": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, user: User, customer: Customer | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        ids = visible_user_ids(user)
        people = User.objects.filter(is_active=True).order_by("name", "username")
        self.fields["owner"].queryset = people if ids is None else people.filter(pk__in=sorted(ids))
        self.fields["customer"].queryset = visible(Customer.objects.all(), user)
        self.fields["spent_on"].required = False
        self.fields["spent_on"].help_text = _("Empty: today.")
        if customer is not None:
            self.initial["customer"] = customer.pk
        chosen = customer or (self.instance.customer if self.instance.customer_id else None)
        if self.is_bound and str(self.data.get("customer", "")).isdigit():
            chosen = self.fields["customer"].queryset.filter(pk=self.data["customer"]).first() or chosen
        self.fields["opportunity"].queryset = (visible(Opportunity.objects.filter(customer=chosen), user)
                                               if chosen else Opportunity.objects.none())
        self.fields["contract"].queryset = (visible(Contract.objects.filter(customer=chosen), user)
                                            if chosen else Contract.objects.none())
        for name in ("opportunity", "contract"):
            self.fields[name].required = False
            self.fields[name].help_text = _("One of the customer's (choose the customer first).")
        if not self.instance.pk and not self.is_bound:
            self.initial.setdefault("owner", user.pk)

    def _get_validation_exclusions(self):
        return {*super()._get_validation_exclusions(), "amount"}

    def service_fields(self) -> dict:
        data = dict(self.cleaned_data)
        for key in ("owner", "spent_on"):
            if data.get(key) is None:
                data.pop(key, None)
        return data
