"""Forms of the customer and contact pages; the business rules stay in customers.services."""

from __future__ import annotations

from django import forms
from django.forms.models import fields_for_model
from django.utils.translation import gettext_lazy as _

from saas_core.customers import queries
from saas_core.customers.models import Contact, Customer
from saas_core.dictionaries import services as dictionaries
from saas_core.dictionaries.fields import DictionaryFormMixin
from saas_core.org.scope import visible, visible_user_ids
from saas_core.regions.forms import use_region_picker
from web.pickers import CustomerPickerField

DATE = forms.DateInput(attrs={"type": "date"})
CONTACT_QUICK_FIELDS = ("name", "gender", "title", "mobile", "phone", "email", "wechat", "qq", "role")


class CustomerForm(DictionaryFormMixin, forms.ModelForm):
    """Create and edit a customer. ``parent`` is picked (the customer picker) among the customers the user sees."""

    parent = CustomerPickerField(
        label=_("Parent customer"), required=False,
        help_text=_("The customer this one belongs to (a branch of a group, for example)."),
        error_messages={"invalid_choice": _("Choose a customer you can see: search by name, pinyin, number or phone.")},
    )

    class Meta:
        model = Customer
        fields = (
            "kind", "name", "short_name", "number", "status", "category", "grade", "customer_type", "industry",
            "source", "value_class", "province", "city", "district", "address", "phone", "fax", "email", "website",
            "remark",
        )
        widgets = {"kind": forms.RadioSelect, "remark": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        use_region_picker(self)
        self.fields["number"].required = False
        self.fields["number"].help_text = _("Leave it empty to number the customer automatically.")
        self.fields["parent"].queryset = visible(Customer.objects.all(), user)
        if self.instance.pk and self.instance.parent_id and not self.is_bound:
            self.initial["parent"] = self.instance.parent_id

    def clean_number(self):
        number = (self.cleaned_data.get("number") or "").strip()
        if not number and self.instance.pk:
            return self.instance.number  # an existing customer keeps its number
        return number

    def clean_parent(self):
        parent = self.cleaned_data.get("parent")
        node, seen = parent, set()
        while node is not None and node.pk not in seen:
            if self.instance.pk and node.pk == self.instance.pk:
                raise forms.ValidationError(_("A customer cannot belong to itself or to one of its sub-customers."))
            seen.add(node.pk)
            node = node.parent
        return parent

    def service_fields(self) -> dict:
        """What to hand to create_customer / update_customer."""
        data = {name: self.cleaned_data[name] for name in self._meta.fields if name in self.cleaned_data}
        data["parent"] = self.cleaned_data.get("parent")
        return data


def _contact_fields() -> dict[str, forms.Field]:
    fields = {}
    for name, field in fields_for_model(Contact, fields=CONTACT_QUICK_FIELDS).items():
        field.required = False
        fields[f"contact_{name}"] = field
    fields["contact_name"].label = _("Contact name")
    fields["contact_phone"].label = _("Contact phone")
    fields["contact_email"].label = _("Contact e-mail")
    return fields


class CustomerCreateForm(CustomerForm):
    """A new customer, optionally with its first contact (quick create, CUS-03)."""

    confirm_duplicates = forms.BooleanField(
        label=_("I have checked: create it anyway"), required=False,
        help_text=_("Tick this after reading the warning about customers that may already exist."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, field in _contact_fields().items():
            self.fields[name] = field

    @property
    def contact_field_names(self) -> list[str]:
        return [f"contact_{n}" for n in CONTACT_QUICK_FIELDS]

    def contact_data(self) -> dict | None:
        """The first contact's fields, or None when none was entered."""
        data = {n: self.cleaned_data.get(f"contact_{n}") for n in CONTACT_QUICK_FIELDS}
        if not any(v not in (None, "") for v in data.values()):
            return None
        return {k: ("" if v is None and k not in ("role",) else v) for k, v in data.items()}

    def main_fields(self):
        return [self[n] for n in self.fields if not n.startswith("contact_") and n != "confirm_duplicates"]

    def contact_fields(self):
        return [self[n] for n in self.contact_field_names]


class ClassifyForm(DictionaryFormMixin, forms.ModelForm):
    """Status, grade and value class from the 360° view (CUS-07); each change lands in the data log."""

    class Meta:
        model = Customer
        fields = ("status", "grade", "value_class")


class HotForm(DictionaryFormMixin, forms.ModelForm):
    class Meta:
        model = Customer
        fields = ("is_hot", "heat", "hot_reason", "hot_until")
        widgets = {"hot_until": DATE, "heat": forms.NumberInput(attrs={"min": 1, "max": 5})}

    def clean(self):
        data = super().clean()
        if data.get("is_hot") and not data.get("heat"):
            self.add_error("heat", _("Give a hot customer a heat from 1 to 5."))
        return data


class ContactForm(DictionaryFormMixin, forms.ModelForm):
    confirm_duplicates = forms.BooleanField(
        label=_("I have checked: save it anyway"), required=False,
        help_text=_("Tick this after reading the warning about the customer that already has this number."),
    )

    class Meta:
        model = Contact
        fields = (
            "name", "gender", "title", "department", "mobile", "phone", "email", "qq", "wechat", "role", "category",
            "birthday", "is_primary", "remark",
        )
        widgets = {"birthday": DATE, "remark": forms.Textarea(attrs={"rows": 3})}

    def main_fields(self):
        """The contact's own fields; ``confirm_duplicates`` is shown with the duplicate warning only."""
        return [field for field in self.visible_fields() if field.name != "confirm_duplicates"]


class NewContactForm(ContactForm):
    """A new contact from anywhere (the top bar's quick-create): its customer is picked first, by
    the customer list's search (pinyin, initials, number, phone) among the customers the user sees."""

    customer = CustomerPickerField(label=_("Customer"), error_messages={
        "required": _("Choose the customer this contact works for."),
        "invalid_choice": _("Choose a customer you can see: search by name, pinyin, number or phone."),
    })

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["customer"].queryset = visible(Customer.objects.all(), user)
        self.order_fields(["customer"])

    def contact_data(self) -> dict:
        """The contact's fields for ``services.save_contact`` (the customer goes separately)."""
        return {name: value for name, value in self.cleaned_data.items() if name != "customer"}


# --- list filters -------------------------------------------------------------------------------


def _dictionary_field(type_key: str, label) -> forms.TypedChoiceField:
    # Choices as a callable: read only when a value is checked or the field is drawn, so parsing
    # the list's query string costs nothing (the advanced search form is drawn on demand).
    return forms.TypedChoiceField(
        label=label, required=False, coerce=int, empty_value=None,
        choices=lambda: [("", "—"), *dictionaries.choices(type_key)],
    )


def owner_choices(user) -> list[tuple[int, str]]:
    from saas_core.accounts.models import User

    users = User.all_objects.filter(deleted_at__isnull=True)
    ids = visible_user_ids(user)
    if ids is not None:
        users = users.filter(pk__in=sorted(ids))
    return [(u.pk, str(u)) for u in users.order_by("name", "username")]


YES_NO = [("", "—"), ("1", _("Yes")), ("0", _("No"))]


class CustomerFilterForm(forms.Form):
    """The list's quick search, category tab and advanced search (GET)."""

    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    view = forms.CharField(required=False, widget=forms.HiddenInput)
    days = forms.IntegerField(label=_("Days without contact"), required=False, min_value=1, max_value=3650)
    name = forms.CharField(label=_("Name"), required=False, max_length=100)
    number = forms.CharField(label=_("Customer number"), required=False, max_length=30)
    kind = forms.ChoiceField(label=_("Kind"), required=False, choices=[("", "—"), *Customer.Kind.choices])
    status = forms.ChoiceField(label=_("Status"), required=False, choices=[("", "—"), *Customer.Status.choices])
    province = forms.CharField(label=_("Province"), required=False, max_length=30)
    city = forms.CharField(label=_("City"), required=False, max_length=30)
    hot = forms.TypedChoiceField(
        label=_("Hot"), required=False, choices=YES_NO, coerce=lambda v: v == "1", empty_value=None,
    )
    created_from = forms.DateField(label=_("Created from"), required=False, widget=DATE)
    created_to = forms.DateField(label=_("Created to"), required=False, widget=DATE)
    contact_from = forms.DateField(label=_("Last contact from"), required=False, widget=DATE)
    contact_to = forms.DateField(label=_("Last contact to"), required=False, widget=DATE)

    ADVANCED = (
        "name", "number", "kind", "status", "category", "grade", "customer_type", "industry", "source", "value_class",
        "province", "city", "owner", "hot", "created_from", "created_to", "contact_from", "contact_to",
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        labels = {
            "category": _("Category"), "grade": _("Grade"), "customer_type": _("Customer type"),
            "industry": _("Industry"), "source": _("Source"), "value_class": _("Value class"),
        }
        for key, type_key in queries.DICTIONARY_FILTERS.items():
            self.fields[key] = _dictionary_field(type_key, labels[key])
        use_region_picker(self)
        self.fields["owner"] = forms.TypedChoiceField(
            label=_("Owner"), required=False, coerce=int, empty_value=None,
            choices=lambda: [("", "—"), *owner_choices(user)],
        )

    def clean(self):
        data = super().clean()
        for start, end in (("created_from", "created_to"), ("contact_from", "contact_to")):
            if data.get(start) and data.get(end) and data[start] > data[end]:
                self.add_error(end, _("The end date is before the start date."))
        return data

    def advanced_fields(self):
        return [self[n] for n in self.ADVANCED]

    def advanced_used(self) -> bool:
        return self.is_bound and any(self.data.get(n) for n in self.ADVANCED)


class ContactFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    surname = forms.CharField(required=False, max_length=10, widget=forms.HiddenInput)
    initial = forms.CharField(required=False, max_length=1, widget=forms.HiddenInput)
    birthday_month = forms.BooleanField(label=_("Birthdays this month"), required=False)
