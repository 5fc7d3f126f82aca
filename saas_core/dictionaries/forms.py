"""Forms of the dictionary pages (the rules themselves are in services)."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from saas_core.dictionaries.models import DictionaryItem, DictionaryType, in_language
from saas_core.dictionaries.services import LABEL_MAX
from web.forms import NOT_SET, add_service_errors

EXTRA_PREFIX = "extra__"


class TypeFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100)


class ItemForm(forms.Form):
    """Both labels, the code (when adding) and the attributes the list declares (e.g. probability)."""

    label_zh = forms.CharField(label=_("Label (Chinese)"), required=False, max_length=LABEL_MAX)
    label_en = forms.CharField(label=_("Label (English)"), required=False, max_length=LABEL_MAX)
    key = forms.CharField(
        label=_("Code"), required=False, max_length=64,
        help_text=_("Optional; made from the English label if empty. It cannot be changed later."),
    )

    def __init__(self, dtype: DictionaryType, *args, item: DictionaryItem | None = None, **kwargs):
        self.dtype, self.item = dtype, item
        if item is not None:
            kwargs.setdefault("initial", {
                "label_zh": item.label_zh, "label_en": item.label_en,
                **{EXTRA_PREFIX + name: value for name, value in (item.extra or {}).items()},
            })
        super().__init__(*args, **kwargs)
        if item is not None:
            del self.fields["key"]
        for spec in dtype.extra_fields or []:
            self.fields[EXTRA_PREFIX + spec["name"]] = self._extra_field(spec)

    @staticmethod
    def _extra_field(spec: dict) -> forms.Field:
        label = in_language(spec.get("label_zh", ""), spec.get("label_en", "")) or spec["name"]
        kind = spec.get("kind", "text")
        if kind == "int":
            return forms.IntegerField(label=label, required=False, min_value=spec.get("min"), max_value=spec.get("max"))
        if kind == "choice":
            choices = [("", NOT_SET)] + [(c[0], in_language(c[1], c[2])) for c in spec.get("choices", [])]
            return forms.ChoiceField(label=label, required=False, choices=choices)
        return forms.CharField(label=label, required=False, max_length=100)

    def clean(self):
        data = super().clean()
        if not (data.get("label_zh") or "").strip() and not (data.get("label_en") or "").strip():
            self.add_error("label_zh", _("Enter the value in at least one language."))
        return data

    @property
    def extra(self) -> dict:
        return {
            name[len(EXTRA_PREFIX):]: value
            for name, value in self.cleaned_data.items()
            if name.startswith(EXTRA_PREFIX) and value not in (None, "")
        }

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        kwargs = {"label_zh": data.get("label_zh", ""), "label_en": data.get("label_en", "")}
        if self.dtype.extra_fields:
            kwargs["extra"] = self.extra
        if self.item is None:
            kwargs["key"] = data.get("key", "")
        return kwargs

    def add_service_errors(self, exc: ValidationError) -> None:
        add_service_errors(self, exc)


class RenameForm(forms.Form):
    label_zh = forms.CharField(label=_("Label (Chinese)"), required=False, max_length=LABEL_MAX)
    label_en = forms.CharField(label=_("Label (English)"), required=False, max_length=LABEL_MAX)
