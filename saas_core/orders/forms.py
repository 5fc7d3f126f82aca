"""Forms of the order pages; the rules are the services'. The header is the shared document form,
lines the shared line editor; a shipment form has one quantity per order line still to ship."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from saas_core.contracts.models import Contract
from saas_core.dictionaries.fields import DictionaryFormMixin
from saas_core.lines.forms import DATE, NUMBER, DocumentForm
from saas_core.orders.models import Order, Shipment
from saas_core.org.scope import visible


class OrderForm(DocumentForm):
    default_strategy = "deal"
    optional = ("owner", "strategy", "ordered_on")

    class Meta:
        model = Order
        fields = ("customer", "opportunity", "contract", "strategy", "ordered_on", "deliver_by", "receiver",
                  "receiver_phone", "address", "owner", "terms")
        widgets = {"ordered_on": DATE, "deliver_by": DATE, "terms": forms.Textarea(attrs={"rows": 3}),
                   "receiver_phone": forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["ordered_on"].required = False
        self.fields["ordered_on"].help_text = _("Empty: today.")
        chosen = self.customer_chosen
        self.fields["contract"].queryset = (visible(Contract.objects.filter(customer=chosen), self.user)
                                            if chosen else Contract.objects.none())
        self.fields["contract"].required = False


class ShipmentForm(DictionaryFormMixin, forms.ModelForm):
    class Meta:
        model = Shipment
        fields = ("shipped_on", "method", "carrier", "tracking_number", "note")
        widgets = {"shipped_on": DATE, "note": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, order: Order, **kwargs):
        super().__init__(*args, **kwargs)
        self.order = order
        self.fields["shipped_on"].required = False
        self.fields["shipped_on"].help_text = _("Empty: today.")
        self.lines = [ln for ln in order.lines.select_related("product") if ln.remaining > 0]
        for line in self.lines:
            self.fields[f"ship_{line.pk}"] = forms.CharField(
                label=line.product.name, required=False, widget=forms.TextInput(attrs={
                    **NUMBER, "data-ship-line": line.pk, "data-testid": f"ship-{line.position}"}))

    def quantity_fields(self) -> list:
        return [(line, self[f"ship_{line.pk}"]) for line in self.lines]

    def ship_inputs(self) -> list:
        from saas_core.orders.services import ShipInput

        return [ShipInput(line, self.cleaned_data.get(f"ship_{line.pk}")) for line in self.lines]
