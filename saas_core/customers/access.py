"""Who may see and change one customer: role permission, data scope and shares (CUS-05)."""

from __future__ import annotations

from collections.abc import Callable

from django.db.models import Q
from django.utils import timezone

from saas_core.customers.models import Customer, CustomerShare
from saas_core.org.access import can
from saas_core.org.scope import visible_user_ids

# Checks ``link(user, customer) -> bool`` that apps register (activities: a task on the customer
# assigned to or created by the user): such a user reaching a customer out of scope is told why.
_links: list[Callable] = []


def register_link(check: Callable) -> None:
    """Register a legitimate reason for ``user`` to reach ``customer`` without seeing it."""
    if check not in _links:
        _links.append(check)


def has_link(user, customer: Customer) -> bool:
    return any(check(user, customer) for check in _links)


def _active_share(user, customer: Customer):
    now = timezone.now()
    return CustomerShare.objects.filter(customer=customer, user=user).filter(
        Q(expires_at__isnull=True) | Q(expires_at__gt=now)
    ).first()


def owns_in_scope(user, customer: Customer) -> bool:
    """The customer's owner is someone whose records ``user``'s data scope covers."""
    ids = visible_user_ids(user)
    return ids is None or customer.owner_id in ids


def can_view(user, customer: Customer) -> bool:
    if not can(user, "customers", "view"):
        return False
    if owns_in_scope(user, customer) or _active_share(user, customer) is not None:
        return True
    if customer.owner_id is None:
        # In a public pool: its members may look before they claim (pools imports this module).
        from saas_core.pools.services import may_view_in_pool

        return may_view_in_pool(user, customer)
    return False


def can_edit(user, customer: Customer) -> bool:
    """Edit right, and the customer in scope or shared with ``user`` at "read and write"."""
    if not can(user, "customers", "edit"):
        return False
    if owns_in_scope(user, customer):
        return True
    share = _active_share(user, customer)
    return share is not None and share.level == CustomerShare.Level.WRITE


def can_delete(user, customer: Customer) -> bool:
    """Delete right and the customer in scope (a share never allows deleting)."""
    return can(user, "customers", "delete") and owns_in_scope(user, customer)


def editable(queryset, user):
    """The customers of ``queryset`` that ``user`` may change (``can_edit`` of each, as one filter)."""
    if not can(user, "customers", "edit"):
        return queryset.none()
    ids = visible_user_ids(user)
    if ids is None:
        return queryset
    now = timezone.now()
    writable = CustomerShare.objects.filter(user=user, level=CustomerShare.Level.WRITE).filter(
        Q(expires_at__isnull=True) | Q(expires_at__gt=now)
    ).values("customer_id")
    return queryset.filter(Q(owner_id__in=sorted(ids)) | Q(pk__in=writable))


def visible_customer_in_query(request) -> Customer | None:
    """The customer of ``?customer=`` if the user may see it; None when it is missing, not a number,
    not there (another company's id included) or outside their scope: the pickers' JSON endpoints
    answer an empty list then."""
    raw = str(request.GET.get("customer") or "")
    customer = Customer.objects.filter(pk=raw).first() if raw.isdigit() else None
    return customer if customer is not None and can_view(request.user, customer) else None


def customer_in_query(request) -> Customer | None:
    """The customer a form was opened from (``?customer=``), None without one; 404 for one the
    user may not see or that does not exist (another company's id included). A posted
    ``customer`` is the form's picker, checked by the form."""
    from django.http import Http404

    if not request.GET.get("customer"):
        return None
    customer = visible_customer_in_query(request)
    if customer is None:
        raise Http404
    return customer
