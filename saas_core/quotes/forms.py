"""Forms of the quote pages; the rules (lines, precision, discontinued products) are the services'."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from saas_core.accounts.models import User
from saas_core.customers.models import Customer
from saas_core.opportunities.models import Opportunity
from saas_core.org.scope import visible, visible_user_ids
from saas_core.products.models import PriceStrategy, Product
from saas_core.quotes.models import Quote
from saas_core.quotes.services import LineInput
from web.pickers import CustomerPickerField, PersonPickerField, ProductPickerField

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
NUMBER = {"inputmode": "decimal", "autocomplete": "off"}


class QuoteForm(forms.ModelForm):
    customer = CustomerPickerField(label=_("Customer"), error_messages={
        "required": _("Choose the customer."),
        "invalid_choice": _("Choose a customer you can see: search by name, pinyin, number or phone."),
    })
    owner = PersonPickerField(label=_("Owner"), queryset=User.objects.none())
    discount = forms.CharField(label=_("Document discount"), required=False,
                               widget=forms.TextInput(attrs={**NUMBER, "data-quote-discount": ""}),
                               help_text=_("An amount taken off the lines' total."))

    class Meta:
        model = Quote
        fields = ("subject", "customer", "opportunity", "strategy", "quoted_on", "valid_until", "owner", "terms")
        widgets = {"quoted_on": DATE, "valid_until": DATE, "terms": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, user: User, customer: Customer | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        ids = visible_user_ids(user)
        people = User.objects.filter(is_active=True).order_by("name", "username")
        self.fields["owner"].queryset = people if ids is None else people.filter(pk__in=sorted(ids))
        self.fields["owner"].required = False
        self.fields["quoted_on"].required = False
        self.fields["valid_until"].required = False
        self.fields["valid_until"].help_text = _("Empty: 30 days after the quote date.")
        self.fields["strategy"].queryset = PriceStrategy.objects.all()
        self.fields["strategy"].widget.attrs["data-quote-strategy"] = ""
        self.fields["strategy"].help_text = _("New lines take their unit price from it.")
        if not self.instance.pk and not self.is_bound:
            self.initial.setdefault("owner", user.pk)
            self.initial.setdefault("strategy", PriceStrategy.objects.filter(key="quote").values_list("pk", flat=True)
                                    .first())
        if self.instance.pk:
            self.initial.setdefault("discount", self.instance.discount.normalize())
        self.fields["customer"].queryset = visible(Customer.objects.all(), user)
        if customer is not None:
            self.initial["customer"] = customer.pk
        chosen = customer or (self.instance.customer if self.instance.customer_id else None)
        if self.is_bound and str(self.data.get("customer", "")).isdigit():
            chosen = self.fields["customer"].queryset.filter(pk=self.data["customer"]).first() or chosen
        self.fields["opportunity"].queryset = (
            visible(Opportunity.objects.filter(customer=chosen), user) if chosen else Opportunity.objects.none())
        self.fields["opportunity"].required = False
        self.fields["opportunity"].help_text = _("One of the customer's opportunities (choose the customer first).")

    def service_fields(self) -> dict:
        data = dict(self.cleaned_data)
        data.pop("discount", None)
        for key in ("owner", "quoted_on", "valid_until", "strategy"):
            if data.get(key) is None:
                data.pop(key, None)
        return data


class LineForm(forms.Form):
    product = ProductPickerField(label=_("Product"))
    quantity = forms.CharField(label=_("Quantity"), widget=forms.TextInput(attrs={**NUMBER, "data-line": "quantity"}))
    unit_price = forms.CharField(label=_("Unit price"), required=False,
                                 widget=forms.TextInput(attrs={**NUMBER, "data-line": "unit_price"}))
    discount_percent = forms.CharField(label=_("Discount (%)"), required=False,
                                       widget=forms.TextInput(attrs={**NUMBER, "data-line": "discount_percent"}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Any product is accepted here: the service keeps discontinued ones already on the quote and
        # refuses them on a new line with a message naming the product.
        self.fields["product"].queryset = Product.objects.all()
        self.fields["product"].widget.attrs["data-line"] = "product"


class BaseLineFormSet(forms.BaseFormSet):
    def kept_forms(self) -> list[forms.Form]:
        """The line forms that make the quote (not removed, not left blank), in order."""
        return [f for f in self.forms if getattr(f, "cleaned_data", None) and not f.cleaned_data.get("DELETE")]

    def inputs(self) -> list[LineInput]:
        return [LineInput(d.get("product"), d.get("quantity"), d.get("unit_price"), d.get("discount_percent"))
                for d in (f.cleaned_data for f in self.kept_forms())]


LineFormSet = forms.formset_factory(LineForm, formset=BaseLineFormSet, extra=0, can_delete=True, max_num=500,
                                    validate_max=True)
