"""The line editor's form set (quotes, contracts, orders) and putting the services' line errors
back on the line they belong to."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from saas_core.accounts.models import User
from saas_core.customers.models import Customer
from saas_core.lines.services import LineInput
from saas_core.opportunities.models import Opportunity
from saas_core.org.scope import visible, visible_user_ids
from saas_core.products.models import PriceStrategy, Product
from web.forms import add_service_errors
from web.pickers import CustomerPickerField, PersonPickerField, ProductPickerField

NUMBER = {"inputmode": "decimal", "autocomplete": "off"}
DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class DocumentForm(forms.ModelForm):
    """The header of a sales document with lines: the customer (picker, pinyin search, within the
    user's scope), its opportunities, the owner (within scope), the price strategy the line editor
    prices new lines from, and the document discount. Subclasses name the model and fields."""

    customer = CustomerPickerField(label=_("Customer"), error_messages={
        "required": _("Choose the customer."),
        "invalid_choice": _("Choose a customer you can see: search by name, pinyin, number or phone."),
    })
    owner = PersonPickerField(label=_("Owner"), queryset=User.objects.none())
    discount = forms.CharField(label=_("Document discount"), required=False,
                               widget=forms.TextInput(attrs={**NUMBER, "data-doc-discount": ""}),
                               help_text=_("An amount taken off the lines' total."))
    default_strategy = "quote"
    # Left out of the service call when empty, so the service's default applies.
    optional = ("owner", "strategy")

    def __init__(self, *args, user: User, customer: Customer | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        ids = visible_user_ids(user)
        people = User.objects.filter(is_active=True).order_by("name", "username")
        self.fields["owner"].queryset = people if ids is None else people.filter(pk__in=sorted(ids))
        self.fields["owner"].required = False
        self.fields["strategy"].queryset = PriceStrategy.objects.all()
        self.fields["strategy"].widget.attrs["data-doc-strategy"] = ""
        self.fields["strategy"].help_text = _("New lines take their unit price from it.")
        if not self.instance.pk and not self.is_bound:
            self.initial.setdefault("owner", user.pk)
            self.initial.setdefault("strategy", PriceStrategy.objects.filter(key=self.default_strategy)
                                    .values_list("pk", flat=True).first())
        if self.instance.pk:
            self.initial.setdefault("discount", self.instance.discount.normalize())
        self.fields["customer"].queryset = visible(Customer.objects.all(), user)
        if customer is not None:
            self.initial["customer"] = customer.pk
        chosen = customer or (self.instance.customer if self.instance.customer_id else None)
        if self.is_bound and str(self.data.get("customer", "")).isdigit():
            chosen = self.fields["customer"].queryset.filter(pk=self.data["customer"]).first() or chosen
        self.customer_chosen = chosen
        self.fields["opportunity"].queryset = (
            visible(Opportunity.objects.filter(customer=chosen), user) if chosen else Opportunity.objects.none())
        self.fields["opportunity"].required = False
        self.fields["opportunity"].help_text = _("One of the customer's opportunities (choose the customer first).")

    # Fields whose rules the service checks with a message naming the field (e.g. end ≥ start):
    # left out of the model's constraint validation, which would answer first with a generic one.
    service_checked: tuple[str, ...] = ()

    def _get_validation_exclusions(self):
        return {*super()._get_validation_exclusions(), *self.service_checked}

    def service_fields(self) -> dict:
        """The cleaned header as keyword arguments of the service (the discount goes apart)."""
        data = dict(self.cleaned_data)
        data.pop("discount", None)
        for key in self.optional:
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
        # Any product is accepted here: the service keeps discontinued ones already on the document
        # and refuses them on a new line with a message naming the product.
        self.fields["product"].queryset = Product.objects.all()
        self.fields["product"].widget.attrs["data-line"] = "product"


class BaseLineFormSet(forms.BaseFormSet):
    def kept_forms(self) -> list[forms.Form]:
        """The line forms that make the document (not removed, not left blank), in order."""
        return [f for f in self.forms if getattr(f, "cleaned_data", None) and not f.cleaned_data.get("DELETE")]

    def inputs(self) -> list[LineInput]:
        return [LineInput(d.get("product"), d.get("quantity"), d.get("unit_price"), d.get("discount_percent"))
                for d in (f.cleaned_data for f in self.kept_forms())]


LineFormSet = forms.formset_factory(LineForm, formset=BaseLineFormSet, extra=0, can_delete=True, max_num=500,
                                    validate_max=True)


def initial_lines(lines) -> list[dict]:
    """A stored document's lines as the form set's initial data."""
    return [{"product": ln.product_id, "quantity": ln.quantity.normalize(), "unit_price": ln.unit_price.normalize(),
             "discount_percent": ln.discount_percent.normalize()} for ln in lines]


def show_service_errors(form: forms.Form, formset: BaseLineFormSet, exc: ValidationError) -> list[str]:
    """Put a service's errors where the user looks: ``lines.<i>.<field>`` on that line's field,
    the header's on the form; returns the errors about the lines as a whole."""
    if not hasattr(exc, "error_dict"):
        add_service_errors(form, exc)
        return []
    kept = formset.kept_forms()
    rest: dict = {}
    whole: list[str] = []
    for key, errors in exc.message_dict.items():
        parts = key.split(".")
        if len(parts) == 3 and parts[0] == "lines" and parts[1].isdigit() and int(parts[1]) < len(kept):
            kept[int(parts[1])].add_error(parts[2], errors)
        elif key == "lines":
            whole.extend(errors)
        else:
            rest[key] = errors
    if rest:
        add_service_errors(form, ValidationError(rest))
    return whole
