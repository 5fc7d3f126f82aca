"""Forms of the inventory pages; the rules are in ``services`` (their errors are shown on the fields)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from plugins.inventory.models import Document, Move, Warehouse
from plugins.inventory.services import LineIn
from saas_core.accounts.models import User
from saas_core.products.models import Product
from web.pickers import PeoplePickerField, ProductPickerField

NUMBER = {"inputmode": "decimal", "autocomplete": "off"}


class WarehouseForm(forms.Form):
    code = forms.CharField(label=_("Code"), max_length=30)
    name = forms.CharField(label=_("Name"), max_length=100)
    address = forms.CharField(label=_("Address"), max_length=300, required=False)
    keepers = PeoplePickerField(label=_("Keepers"), queryset=User.objects.filter(is_active=True), required=False,
                                help_text=_("Only they confirm this warehouse's documents (nobody chosen: anyone "
                                            "who may edit inventory)."))
    active = forms.BooleanField(label=_("In use"), required=False, initial=True)


class LineForm(forms.Form):
    product = ProductPickerField(label=_("Product"))
    quantity = forms.CharField(label=_("Quantity"), widget=forms.TextInput(attrs=NUMBER))
    unit_cost = forms.CharField(label=_("Unit cost"), required=False, widget=forms.TextInput(attrs=NUMBER))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["product"].queryset = Product.objects.filter(deleted_at__isnull=True)


class BaseLineFormSet(forms.BaseFormSet):
    def kept_forms(self) -> list[forms.Form]:
        return [f for f in self.forms if getattr(f, "cleaned_data", None) and not f.cleaned_data.get("DELETE")]

    def inputs(self) -> list[LineIn]:
        return [LineIn(d.get("product"), d.get("quantity"), d.get("unit_cost"))
                for d in (f.cleaned_data for f in self.kept_forms())]


LineFormSet = forms.formset_factory(LineForm, formset=BaseLineFormSet, extra=3, can_delete=True, max_num=500,
                                    validate_max=True)


class DocumentForm(forms.Form):
    warehouse = forms.ModelChoiceField(label=_("Warehouse"), queryset=Warehouse.objects.filter(active=True))
    to_warehouse = forms.ModelChoiceField(label=_("To warehouse"), queryset=Warehouse.objects.filter(active=True),
                                          required=False)
    note = forms.CharField(label=pgettext_lazy("remark", "Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, kind: str, **kwargs):
        super().__init__(*args, **kwargs)
        if kind != Document.Kind.TRANSFER:
            del self.fields["to_warehouse"]
        else:
            self.fields["warehouse"].label = _("From warehouse")
            self.fields["to_warehouse"].required = True


class StockFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    warehouse = forms.ModelChoiceField(label=_("Warehouse"), queryset=Warehouse.objects.all(), required=False)
    nonzero = forms.BooleanField(label=_("Only with stock"), required=False)


class AssetsFilterForm(forms.Form):
    warehouse = forms.ModelChoiceField(label=_("Warehouse"), queryset=Warehouse.objects.all(), required=False)


class LedgerFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    warehouse = forms.ModelChoiceField(label=_("Warehouse"), queryset=Warehouse.objects.all(), required=False)
    kind = forms.ChoiceField(label=_("Type"), choices=[("", _("All"))] + list(Move.Kind.choices), required=False)
    start = forms.DateField(label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def clean(self):
        data = super().clean()
        if data.get("start") and data.get("end") and data["end"] < data["start"]:
            self.add_error("end", _("The end cannot be before the start."))
        return data


class DocumentFilterForm(forms.Form):
    kind = forms.ChoiceField(label=_("Type"), choices=[("", _("All"))] + list(Document.Kind.choices), required=False)
    status = forms.ChoiceField(label=_("Status"), choices=[("", _("All"))] + list(Document.Status.choices),
                               required=False)
    warehouse = forms.ModelChoiceField(label=_("Warehouse"), queryset=Warehouse.objects.all(), required=False)


class StockRuleForm(forms.Form):
    tracked = forms.BooleanField(label=_("Stock-tracked"), required=False, initial=True,
                                 help_text=_("Confirmed orders make stock-outs for stock-tracked products."))
    allow_negative = forms.NullBooleanField(label=_("Negative stock"), required=False)
    min_quantity = forms.CharField(label=_("Minimum stock"), required=False, widget=forms.TextInput(attrs=NUMBER))
    max_quantity = forms.CharField(label=_("Maximum stock"), required=False, widget=forms.TextInput(attrs=NUMBER))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # NullBooleanSelect maps None/True/False to these values; only the labels are ours.
        self.fields["allow_negative"].widget.choices = [
            ("unknown", _("Company default")), ("true", pgettext_lazy("negative stock", "Allowed")),
            ("false", pgettext_lazy("negative stock", "Not allowed"))]
