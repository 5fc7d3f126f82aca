"""The pickers every form uses to choose a customer, a product or people (issues 14, 15).

- ``CustomerPickerField``: one customer, searched as you type with the customer list's own
  search (pinyin, initials, number, phone) among the customers the user sees. Its select holds
  only the chosen customer (a company may have a million); ``web/static/web/pickers.js`` asks
  ``customers:pick`` for matches.
- ``ProductPickerField``: one product on sale (not discontinued), found the same way (name
  pinyin, code prefix, exact barcode) through ``products:pick``; each match also carries its
  unit and its price per strategy (never the cost price) for document lines.
- ``PersonPickerField`` / ``PeoplePickerField``: one person or several (chips), searched by name,
  user name, pinyin or initials. The company's users are few, so the select holds them all, each
  option carrying its search keys; the script filters them in the browser.

Both stay plain ``<select>`` elements underneath: without the script they still work, the
posted value is the id, and the field validates against its queryset (the data scope).
"""

from __future__ import annotations

from django import forms
from django.urls import reverse
from django.utils.translation import gettext as _


class RemotePickerWidget(forms.Select):
    """A select with only the chosen record as option, enhanced into a search box that asks
    ``url_name`` for matches (``{"results": [{"id", "label", "note", ...}]}``)."""

    picker = ""
    url_name = ""

    def texts(self) -> dict[str, str]:
        return {}

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        context["widget"]["attrs"].update({"data-picker": self.picker, "data-url": reverse(self.url_name), **self.texts()})
        return context

    def optgroups(self, name, value, attrs=None):
        # The empty choice and the chosen record only: iterating the queryset would list them all.
        field = self.choices.field
        chosen = {str(v) for v in value if v not in ("", None)}
        choices = [("", field.empty_label or "")]
        ids = [v for v in chosen if v.isdigit()]
        if ids:
            choices += [(c.pk, field.label_from_instance(c)) for c in field.queryset.filter(pk__in=ids)[:1]]
        return [
            (None, [self.create_option(name, v, label, str(v) in chosen or (not v and not chosen), i, attrs=attrs)], i)
            for i, (v, label) in enumerate(choices)
        ]


class CustomerPickerWidget(RemotePickerWidget):
    picker = "customer"
    url_name = "customers:pick"

    def texts(self) -> dict[str, str]:
        return {"data-placeholder": _("Name, pinyin, number or phone"), "data-no-match": _("No customer you can see matches.")}


class CustomerPickerField(forms.ModelChoiceField):
    """One customer among ``queryset`` (give it the user's visible customers)."""

    widget = CustomerPickerWidget

    def __init__(self, queryset=None, **kwargs):
        from saas_core.customers.models import Customer

        kwargs.setdefault("empty_label", "")
        super().__init__(queryset if queryset is not None else Customer.objects.none(), **kwargs)

    def label_from_instance(self, obj) -> str:
        return f"{obj.name} ({obj.number})" if getattr(obj, "number", "") else obj.name


class ProductPickerWidget(RemotePickerWidget):
    picker = "product"
    url_name = "products:pick"

    def texts(self) -> dict[str, str]:
        return {"data-placeholder": _("Product name, pinyin, code or barcode"),
                "data-no-match": _("No product on sale matches.")}


class ProductPickerField(forms.ModelChoiceField):
    """One product for a new document line: discontinued products are neither offered nor accepted.

    A document that already holds a discontinued product passes a queryset that includes it
    (``Product.objects.filter(Q(discontinued=False) | Q(pk=current))``), so old lines keep it."""

    widget = ProductPickerWidget

    def __init__(self, queryset=None, **kwargs):
        from saas_core.products.services import pickable

        kwargs.setdefault("empty_label", "")
        kwargs.setdefault("error_messages", {
            "invalid_choice": _("Choose a product on sale: this one is discontinued or does not exist."),
        })
        super().__init__(queryset if queryset is not None else pickable(), **kwargs)

    def label_from_instance(self, obj) -> str:
        return f"{obj.name} ({obj.code})"


def person_search_text(user) -> str:
    """What a person is found by: name, user name, and the initials and pinyin of every reading."""
    from saas_core.customers.search_keys import keys_for  # the customer list's pinyin readings

    keys = keys_for(user.name or "", user.username or "")
    return " ".join(dict.fromkeys([(user.name or "").lower(), (user.username or "").lower(), *keys.initials.split(),
                                   *keys.spelled.split()]))


class _PeopleOptions:
    """Options carry ``data-search`` (see ``person_search_text``) for the script's filter."""

    picker = "people"

    def create_option(self, name, value, label, selected, index, subindex=None, attrs=None):
        option = super().create_option(name, value, label, selected, index, subindex, attrs)
        instance = getattr(value, "instance", None)
        if instance is not None:
            option["attrs"]["data-search"] = person_search_text(instance)
        return option

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        context["widget"]["attrs"].update({
            "data-picker": self.picker, "data-placeholder": _("Name or pinyin"),
            "data-no-match": _("No colleague matches."), "data-remove": _("Remove"),
        })
        return context


class PeoplePickerWidget(_PeopleOptions, forms.SelectMultiple):
    pass


class PersonPickerWidget(_PeopleOptions, forms.Select):
    picker = "person"


def _person_label(user) -> str:
    return f"{user} ({user.get_role_display()})"


class PeoplePickerField(forms.ModelMultipleChoiceField):
    """Several people: chips and a search box."""

    widget = PeoplePickerWidget

    def label_from_instance(self, obj) -> str:
        return _person_label(obj)


class PersonPickerField(forms.ModelChoiceField):
    """One person, found by name or pinyin."""

    widget = PersonPickerWidget

    def label_from_instance(self, obj) -> str:
        return _person_label(obj)
