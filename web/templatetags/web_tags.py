from __future__ import annotations

import functools

from django import forms, template
from django.utils.html import format_html, format_html_join

register = template.Library()


@register.filter
def bs(field, autofocus=False):
    """Render a form field with Bootstrap's classes, marking it invalid when it has errors;
    ``field|bs:True`` also gives it the autofocus attribute (see ``focus_field``)."""
    from web.forms import name_empty_choice

    widget = field.field.widget
    if isinstance(widget, forms.RadioSelect | forms.CheckboxSelectMultiple):
        return _choices(field, autofocus)
    if isinstance(widget, forms.Select):
        name_empty_choice(field.field)
    kind = getattr(widget, "input_type", None)
    css = "form-check-input" if kind in ("checkbox", "radio") else ("form-select" if kind == "select" else "form-control")
    if field.errors:
        css += " is-invalid"
    attrs = {"class": css}
    if autofocus:
        attrs["autofocus"] = True
    return field.as_widget(attrs=attrs)


def _choices(field, autofocus=False):
    """Radio buttons and check boxes side by side, each with its label (Bootstrap's form-check);
    Django's own markup would put the input class on the wrapper too."""
    css = "form-check-input" + (" is-invalid" if field.errors else "")
    for index, sub in enumerate(field.subwidgets):
        sub.data["attrs"]["class"] = css
        if autofocus and index == 0:
            sub.data["attrs"]["autofocus"] = True
    items = format_html_join(
        "", '<div class="form-check form-check-inline">{}<label class="form-check-label" for="{}">{}</label></div>',
        ((sub.tag(), sub.id_for_label, sub.choice_label) for sub in field.subwidgets),
    )
    return format_html('<div id="{}">{}</div>', field.auto_id, items)


@register.simple_tag(takes_context=True)
def focus_field(context, form, wanted="") -> str:
    """The name of the field a form page puts the cursor in, by the autofocus attribute (no
    script): the first with an error, else the first one types in. Once per page: a
    later form on the same page gets none, and ``wanted=False`` (a form below a page's main
    content, e.g. a reply under a report) opts out. ``form``: a form or a list of its fields."""
    request = context.get("request")
    if wanted is False or getattr(request, "_autofocus_given", False):
        return ""
    fields = [f for f in (form.visible_fields() if hasattr(form, "visible_fields") else form)
              if not f.field.disabled and not f.field.widget.attrs.get("readonly")]
    if not fields:
        return ""
    if request is not None:
        request._autofocus_given = True
    typed = [f for f in fields if not isinstance(f.field.widget, _CLICKED)]
    return next((f for f in fields if f.errors), (typed or fields)[0]).name


# Fields one clicks rather than types in (a preset "company / person" choice): the cursor
# starts in the first field one types in, e.g. the customer's name.
_CLICKED = (forms.RadioSelect, forms.CheckboxInput, forms.CheckboxSelectMultiple)


@register.simple_tag(takes_context=True)
def sort_header(context, field: str, label: str):
    """A column header that sorts by ``field`` and flips direction on a second click."""
    request = context["request"]
    current = context.get("sort", "")
    params = request.GET.copy()
    params.pop("page", None)
    active = current.lstrip("-") == field
    descending = current.startswith("-")
    params["sort"] = field if (active and descending) else (f"-{field}" if active else field)
    css = "sort" + (" active" if active else "") + (" desc" if active and descending else "")
    return format_html('<a class="{}" href="?{}" data-sort="{}">{}</a>', css, params.urlencode(), field, label)


@register.simple_tag(takes_context=True)
def page_url(context, page_number: int) -> str:
    params = context["request"].GET.copy()
    params["page"] = page_number
    return "?" + params.urlencode()


@register.filter
def day_or_moment(value) -> str:
    """A planned moment as the user gave it (``saas_core.moments.day_or_moment``)."""
    from saas_core import moments

    return moments.day_or_moment(value)


@register.simple_tag
def page_size_choices(page) -> list[tuple[int, bool]]:
    """The pager's sizes, the page's own marked: read from the page, so a view cannot forget to
    pass them (notifications, imports and announcements showed an empty select; issue 14)."""
    from web.pagination import PAGE_SIZES

    current = page.paginator.per_page
    sizes = PAGE_SIZES if current in PAGE_SIZES else sorted({*PAGE_SIZES, current})
    return [(size, size == current) for size in sizes]


@register.filter
def minor_units(amount) -> str:
    """Integer minor units (fen, cents) as a decimal amount: 1990 -> "19.90"."""
    from decimal import Decimal

    try:
        return f"{(Decimal(int(amount)) / 100):.2f}"
    except (TypeError, ValueError):
        return ""


@register.simple_tag(takes_context=True)
def phone_actions(context, number: str, contact=None) -> list[dict]:
    """Links the enabled modules offer beside a phone number (click-to-SMS, click-to-dial)."""
    from plugins.gate import phone_actions as actions

    request = context.get("request")
    return actions(request, number, contact) if request is not None else []


@register.simple_tag
@functools.cache  # the same few icons on every page: built once per process
def icon(name: str, size: int = 16, css: str = ""):
    """An inline SVG icon of ``web.icons`` (decorative: hidden from screen readers)."""
    from web.icons import PATHS

    paths = format_html_join("", '<path d="{}"/>', ((d,) for d in PATHS[name]))
    return format_html(
        '<svg class="icon {}" width="{}" height="{}" viewBox="0 0 16 16" fill="currentColor" aria-hidden="true">{}</svg>',
        css, size, size, paths,
    )


def _dialable(number: str) -> str:
    """What a phone dials: the normalised digits (+86 and separators dropped, an extension cut),
    with the "+" kept for a number of another country."""
    from saas_core.customers.phones import normalise_phone

    digits = normalise_phone(number or "")
    text = (number or "").strip().replace("＋", "+")
    foreign = text.startswith("+") and not text.startswith("+86") or digits.startswith("00") and not digits.startswith("0086")
    return ("+" + digits.lstrip("0") if foreign else digits)


@register.filter
def is_mobile(number: str) -> bool:
    """A mainland mobile number (11 digits from 1), which can also take a text message."""
    digits = _dialable(number)
    return len(digits) == 11 and digits.startswith("1")


@register.filter
def tel_href(number: str) -> str:
    return "tel:" + _dialable(number)


@register.filter
def sms_href(number: str) -> str:
    return "sms:" + _dialable(number)
