from __future__ import annotations

from django import template
from django.urls import NoReverseMatch, reverse

register = template.Library()


@register.filter
def customer_url(customer) -> str:
    """The customer's 360° page, or "" while the customer pages are not installed."""
    pk = getattr(customer, "pk", customer)
    try:
        return reverse("customers:detail", args=[pk])
    except NoReverseMatch:
        return ""
