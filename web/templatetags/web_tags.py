from __future__ import annotations

from django import forms, template
from django.utils.html import format_html, format_html_join

register = template.Library()


@register.filter
def bs(field, autofocus=False):
    """Render a form field with Bootstrap's classes, marking it invalid when it has errors;
    ``field|bs:True`` also gives it the autofocus attribute (see ``focus_field``)."""
    widget = field.field.widget
    if isinstance(widget, forms.RadioSelect | forms.CheckboxSelectMultiple):
        return _choices(field, autofocus)
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
