"""The region picker on forms: province, city and district as three cascading searchable selects."""

from __future__ import annotations

from functools import lru_cache

from django import forms
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from saas_core import regions
from web.widgets import SearchableSelect

REGION_FIELDS = ("province", "city", "district")


@lru_cache(maxsize=8192)
def _words(value: str, label: str) -> str:
    return regions.search_words(value)


def _choices(names: list[str], current: str) -> list[tuple[str, str]]:
    # A value typed before the picker existed (or abroad) stays choosable until it is changed.
    extra = [(current, current)] if current and current not in names else []
    return [("", _("(not set)")), *((n, n) for n in names), *extra]


def use_region_picker(form: forms.BaseForm) -> None:
    """Turn the form's province/city/district fields into the picker, offering the cities of
    the chosen province and the districts of the chosen city; the browser (web/select.js)
    refills them when the province or city changes. The service normalises and checks the
    names (``saas_core.regions.resolve``)."""

    def current(name: str) -> str:
        if form.is_bound:
            return (form.data.get(form.add_prefix(name)) or "").strip()
        instance = getattr(form, "instance", None)
        return str(form.initial.get(name) or getattr(instance, name, "") or "")

    province, city = current("province"), current("city")
    province_division = regions.province(province)
    city_division = regions.city(province, city)
    options = {
        "province": regions.province_names(),
        "city": [c.name for c in province_division.children] if province_division else [],
        "district": [d.name for d in city_division.children] if city_division else [],
    }
    for name in REGION_FIELDS:
        if name not in form.fields:
            continue
        attrs = {"data-region": name}
        if name == "province":
            attrs["data-regions-url"] = reverse("web:regions")
        field = form.fields[name]
        field.widget = SearchableSelect(attrs=attrs, choices=_choices(options[name], current(name)), words=_words)
