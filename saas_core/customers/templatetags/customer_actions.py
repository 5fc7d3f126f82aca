"""``{% customer_actions request.user customer as actions %}``: which of transfer / merge the 360° view offers."""

from __future__ import annotations

from django import template

from saas_core.customers import access
from saas_core.org.access import can

register = template.Library()


@register.simple_tag
def customer_actions(user, customer) -> dict[str, bool]:
    editable = access.can_edit(user, customer)
    return {
        # A pool customer is claimed or assigned from its pool, not transferred.
        "transfer": customer.owner_id is not None and can(user, "customers", "edit")
        and access.owns_in_scope(user, customer),
        "merge": editable,
    }
