"""Form helpers shared by every page."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.forms.utils import flatatt
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy, pgettext_lazy

# The empty choice of a select, instead of Django's "---------" (issue 14).
NOT_SET = gettext_lazy("(not set)")
DJANGO_BLANK = "---------"


def name_empty_choice(field: forms.Field) -> None:
    """Give a select's empty choice words ("请选择" / "(not set)") where it still has Django's dashes."""
    if isinstance(field, forms.ModelChoiceField):  # its options read empty_label as they are rendered
        if field.empty_label == DJANGO_BLANK:
            field.empty_label = NOT_SET
        return
    if not isinstance(field, forms.ChoiceField):
        return
    choices = list(field.choices)  # a model field's blank choice comes as an iterator
    if choices and choices[0][0] == "" and choices[0][1] == DJANGO_BLANK:
        field.choices = [("", NOT_SET), *choices[1:]]


def select_options(choices, selected="") -> SafeString:
    """``<option>`` tags for ``choices`` ((value, text) pairs), the one equal to ``selected`` chosen.

    A list page's selects (owner: everyone in the company, stage: every type's stages) and its
    batch form's "transfer to" list were a loop of template tags per option: built here in one
    pass, they cost a tenth as much."""
    selected = "" if selected is None else str(selected)
    return format_html_join("", '<option value="{}"{}>{}</option>', (
        (value, " selected" if str(value) == selected else "", text) for value, text in choices))


def add_service_errors(form: forms.BaseForm, exc: ValidationError) -> None:
    """Show a service's ValidationError on the form: by field where the form has it, else on top.

    Services check the business rules (so the API, imports and tasks get them too); pages call
    the service and use this to put its answer next to the inputs.
    """
    if not hasattr(exc, "error_dict"):
        form.add_error(None, exc.messages)
        return
    for field, errors in exc.message_dict.items():
        form.add_error(field if field in form.fields else None, errors)


# A date filter's input (the browser's date picker, ISO in the query string).
DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class RecordFilterForm(forms.Form):
    """The filters every owned record's list shares (opportunities, quotes, contracts, orders): a
    search, the owner, the customer it was opened from, "only mine", and an optional date window
    (``window``: the names of its start and end fields; ``window_field``: the record's date they
    filter) whose end may not come before its start. Subclasses add their own fields and give
    ``field_order``; the list, its export, the API and a report's drill-down read the query string
    through ``read`` and narrow the records through ``narrow``, so they agree on what a filter means."""

    window: tuple[str, str] | None = None
    window_field: str = ""  # the record's date the window filters (found_on, quoted_on ...)

    q = forms.CharField(label=gettext_lazy("Search"), required=False, max_length=100)
    owner = forms.ModelChoiceField(label=gettext_lazy("Owner"), queryset=None, required=False)
    customer = forms.IntegerField(required=False, widget=forms.HiddenInput)
    mine = forms.BooleanField(label=gettext_lazy("Only mine"), required=False)

    def __init__(self, *args, user=None, **kwargs):
        from django.contrib.auth import get_user_model

        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["owner"].queryset = get_user_model().objects.filter(is_active=True).order_by("name", "username")
        self.fields["owner"].empty_label = pgettext_lazy("owner filter", "Anyone")

    @classmethod
    def read(cls, data, user) -> tuple[RecordFilterForm, dict]:
        """The filter form of a query string and its valid values (an invalid field is left out,
        and shown on the form, rather than an error page)."""
        from web.navigation import valid_filters

        form = cls(data or None, user=user)
        return form, valid_filters(form)

    @classmethod
    def narrow(cls, queryset, filters: dict, user):
        """``queryset`` narrowed by the shared filters' valid values: owner, only mine, customer, window."""
        import datetime as dt

        if filters.get("owner"):
            queryset = queryset.filter(owner=filters["owner"])
        if filters.get("mine"):
            queryset = queryset.filter(owner=user)
        if filters.get("customer"):
            queryset = queryset.filter(customer_id=filters["customer"])
        if cls.window and cls.window_field:
            start, end = (filters.get(name) for name in cls.window)
            if isinstance(start, dt.date):
                queryset = queryset.filter(**{f"{cls.window_field}__gte": start})
            if isinstance(end, dt.date):
                queryset = queryset.filter(**{f"{cls.window_field}__lte": end})
        return queryset

    def clean(self):
        data = super().clean()
        if self.window:
            start, end = (data.get(name) for name in self.window)
            if start and end and start > end:
                self.add_error(self.window[1], gettext_lazy("The end of the window must not be before its start."))
        return data



def _choices_of(field: forms.ChoiceField) -> list:
    """A select's (value, text) pairs; a model's rows in one plain query (iterating the field's
    choices runs a COUNT and a server-side cursor)."""
    name_empty_choice(field)
    if isinstance(field, forms.ModelChoiceField):
        empty = [("", field.empty_label)] if field.empty_label is not None else []
        return empty + [(obj.pk, field.label_from_instance(obj)) for obj in field.queryset]
    return list(field.choices)


def filter_controls(form: forms.Form, choices: dict | None = None) -> list[tuple[forms.BoundField, SafeString]]:
    """A list's filter form ready for web/_filters.html: each visible field but "only mine" with
    its control's HTML, built here in one pass: Django's widget templates (a template per input,
    a loop of tags per option) were half of a list page's time. A select's options are its
    field's choices, or ``choices[name]`` ((value, text) pairs: stages named with their type)."""
    out = []
    for field in form.visible_fields():
        if field.name == "mine":
            continue
        widget = field.field.widget
        css = ("form-select" if isinstance(field.field, forms.ChoiceField) else "form-control") + " form-control-sm"
        attrs = field.build_widget_attrs({**widget.attrs, "class": css + (" is-invalid" if field.errors else ""),
                                          "id": field.auto_id})
        attrs.pop("required", None)
        if isinstance(field.field, forms.ChoiceField):
            rows = (choices or {}).get(field.name)
            if rows is None:
                rows = _choices_of(field.field)
            value = field.value()
            control = format_html('<select name="{}"{}>{}</select>', field.html_name, flatatt(attrs),
                                  select_options(rows, "" if value is None else value))
        else:
            kind = attrs.pop("type", None) or getattr(widget, "input_type", "text")
            value = widget.format_value(field.value())
            control = format_html('<input type="{}" name="{}"{}{}>', kind, field.html_name,
                                  format_html(' value="{}"', value) if value not in (None, "") else "", flatatt(attrs))
        out.append((field, control))
    return out
