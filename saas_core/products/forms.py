"""Forms of the product pages; the rules (prices, codes, the cost-price right) stay in products.services."""

from __future__ import annotations

from django import forms
from django.forms.models import ModelChoiceIterator, ModelChoiceIteratorValue
from django.utils.translation import gettext_lazy as _

from saas_core.products import services
from saas_core.products.access import may_see_cost
from saas_core.products.models import Category, Product


class _TreeIterator(ModelChoiceIterator):
    """The categories depth-first in sibling order, indented by depth (one query)."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for category, depth in services.category_tree():
            yield (ModelChoiceIteratorValue(category.pk, category), "\u2003" * depth + category.name)

    def __len__(self) -> int:
        return Category.objects.count() + (self.field.empty_label is not None)


class CategoryChoiceField(forms.ModelChoiceField):
    """A category picked from the tree, indented by level."""

    iterator = _TreeIterator

    def __init__(self, **kwargs):
        super().__init__(Category.objects.all(), **kwargs)


class ProductForm(forms.ModelForm):
    """Create and edit a product; one price input per strategy, the cost price only for roles with the right."""

    category = CategoryChoiceField(label=_("Category"), required=False)
    cost_price = forms.CharField(label=_("Cost price"), required=False)

    class Meta:
        model = Product
        fields = ("code", "name", "spec", "unit", "barcode", "category", "discontinued", "needs_cost_review", "remark")
        widgets = {"remark": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["code"].required = False
        # The service checks the name with the prices and the code, so all the problems show at once.
        self.fields["name"].required = False
        self.fields["code"].help_text = _("Leave it empty to number the product automatically.")
        self.strategies = services.strategies()
        prices = services.price_map([self.instance])[self.instance.pk] if self.instance.pk else {}
        for strategy in self.strategies:
            name = services.price_field(strategy.key)
            # Prices are text so that "12.345" reaches the service and is refused there with the precision, not a browser rounding.
            self.fields[name] = forms.CharField(
                label=strategy.label, required=False, widget=forms.TextInput(attrs={"inputmode": "decimal"}),
            )
            if strategy.key in prices:
                self.initial.setdefault(name, prices[strategy.key])
        if may_see_cost(user):
            self.fields["cost_price"].widget.attrs["inputmode"] = "decimal"
            if self.instance.pk and self.instance.cost_price is not None:
                self.initial.setdefault("cost_price", services.shown_price(self.instance.cost_price))
            # The cost price after the prices.
            self.order_fields([*(f for f in self.fields if f != "cost_price"), "cost_price"])
        else:
            del self.fields["cost_price"]

    def _post_clean(self):
        # The model is validated by products.services (with prices, code and the cost-price right).
        pass

    def clean_code(self):
        code = (self.cleaned_data.get("code") or "").strip()
        return code or (self.instance.code if self.instance.pk else "")

    def price_fields(self) -> list:
        return [self[services.price_field(s.key)] for s in self.strategies]

    def service_kwargs(self) -> dict:
        data = {name: self.cleaned_data[name] for name in self.Meta.fields}
        data["prices"] = {s.key: self.cleaned_data.get(services.price_field(s.key), "") for s in self.strategies}
        if "cost_price" in self.fields:
            data["cost_price"] = self.cleaned_data.get("cost_price", "")
        return data


SMALL_INPUT = {"class": "form-control form-control-sm"}


class CategoryForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100, widget=forms.TextInput(attrs=SMALL_INPUT))
    parent = CategoryChoiceField(label=_("Parent category"), required=False,
                                 widget=forms.Select(attrs={"class": "form-select form-select-sm"}))


class StrategyForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=50, widget=forms.TextInput(attrs=SMALL_INPUT))
