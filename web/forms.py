"""Form helpers shared by every page."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy

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
