"""Form helpers shared by every page."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
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


class RecordFilterForm(forms.Form):
    """The filters every owned record's list shares (opportunities, quotes ...): a search, the owner,
    the customer it was opened from, "only mine", and an optional date window (``window``: the
    names of its start and end fields) whose end may not come before its start. Subclasses add
    their own fields and give ``field_order``."""

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

