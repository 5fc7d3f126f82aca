"""Form widgets shared by every page."""

from __future__ import annotations

from collections.abc import Callable

from django import forms
from django.utils.translation import gettext_lazy as _


class SearchableSelect(forms.Select):
    """A select that filters its options as one types (Tom Select, web/static/web/select.js).

    ``words(value, label)`` gives what else an option answers to besides its label (pinyin,
    initials, English names), so ``js`` finds 江苏省 like ``bjkj`` finds a customer.
    """

    def __init__(self, attrs: dict | None = None, choices=(), words: Callable[[str, str], str] | None = None):
        super().__init__({
            "data-searchable": "", "data-no-results": _("Nothing matches"), "data-clear-label": _("Clear"),
            **(attrs or {}),
        }, choices)
        self.words = words

    def create_option(self, name, value, label, selected, index, subindex=None, attrs=None):
        option = super().create_option(name, value, label, selected, index, subindex, attrs)
        if self.words is not None and value not in (None, ""):
            option["attrs"]["data-words"] = self.words(str(value), str(label))
        return option

    class Media:
        css = {"all": ("vendor/tom-select.bootstrap5.min.css",)}
        js = ("vendor/tom-select.complete.min.js", "web/select.js")


def use_time_zone_select(form: forms.BaseForm, name: str = "time_zone", blank_label=None) -> None:
    """The form's time-zone field as a searchable select: common zones first with friendly
    labels (UTC+08:00 中国标准时间（北京、上海）), then all the others; ``blank_label`` offers "none"."""
    from saas_core.i18n import time_zone_choices, time_zone_words

    field = form.fields[name]
    field.widget = SearchableSelect(words=lambda value, label: time_zone_words(value))
    choices = time_zone_choices()
    field.choices = [("", blank_label), *choices] if blank_label is not None else choices
