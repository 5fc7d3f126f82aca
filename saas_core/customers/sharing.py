"""Sharing a customer with colleagues, and transferring customers to a new owner (CUS-05).

Rules (the web pages, the API and the CLI all call these):

- ``share``: whoever may edit the customer (``customers.access.can_edit``: the edit right and
  the customer in their data scope, or shared with them at "read and write") may share it
  with other enabled users who may view customers, at "read" or "read and write", with an
  optional expiry in the future. Sharing with yourself or with the owner is refused; sharing
  again with someone updates their share (level and expiry).
- ``unshare``: whoever may edit the customer removes anyone's share; anyone may give up a
  share made to themselves.
- ``transfer``: a change of owner needs the edit right and every customer *in the user's own
  data scope*; a share, even at "read and write", never allows giving a customer away, since
  the owner side decides who owns it. The receiving user must be enabled and allowed to view
  customers. All the customers move or none (one transaction, rows locked); their data log
  shows the owner change; a share the new owner held on them is dropped (they own it now).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from saas_core.customers.access import can_edit, owns_in_scope
from saas_core.customers.models import Customer, CustomerShare
from saas_core.org.access import can, require

LEVELS = tuple(CustomerShare.Level.values)


def _check_recipient(user, *, field: str) -> None:
    if user is None or user.deleted_at is not None or not user.is_active:
        raise ValidationError({field: [_("Choose an enabled user.")]})
    if not can(user, "customers", "view"):
        raise ValidationError({field: [_("%(user)s may not view customers.") % {"user": user}]})


def _require_edit(user, customer: Customer) -> None:
    require(user, "customers", "edit")
    if not can_edit(user, customer):
        raise PermissionDenied(
            _("“%(customer)s” is shared with you read-only; you may not change or share it.") % {"customer": customer}
        )


@transaction.atomic
def share(
    customer: Customer, with_users: Iterable, level: str = CustomerShare.Level.READ, expires_at: datetime | None = None,
    *, by,
) -> list[CustomerShare]:
    """Share ``customer`` with each of ``with_users``; an existing share of theirs is updated."""
    _require_edit(by, customer)
    users = list(dict.fromkeys(with_users))
    if not users:
        raise ValidationError({"users": [_("Choose at least one colleague.")]})
    if level not in LEVELS:
        raise ValidationError({"level": [_("Choose “read” or “read and write”.")]})
    if expires_at is not None and expires_at <= timezone.now():
        raise ValidationError({"expires_at": [_("The expiry must be in the future.")]})
    for user in users:
        if user.pk == by.pk:
            raise ValidationError({"users": [_("You cannot share a customer with yourself.")]})
        if user.pk == customer.owner_id:
            raise ValidationError({"users": [_("%(user)s owns this customer already.") % {"user": user}]})
        _check_recipient(user, field="users")
    shares = []
    for user in users:
        obj, _created = CustomerShare.objects.update_or_create(
            customer=customer, user=user, defaults={"level": level, "expires_at": expires_at, "shared_by": by},
        )
        shares.append(obj)
    return shares


@transaction.atomic
def unshare(customer: Customer, user, *, by) -> bool:
    """Remove ``user``'s share of ``customer``; True if there was one."""
    if user.pk != by.pk:
        _require_edit(by, customer)
    deleted, _detail = CustomerShare.objects.filter(customer=customer, user=user).delete()
    return bool(deleted)


def shares_of(customer: Customer, *, include_expired: bool = True):
    """The customer's shares (with their users), newest first."""
    shares = CustomerShare.objects.filter(customer=customer).select_related("user", "shared_by")
    if not include_expired:
        shares = shares.filter(Q(expires_at__isnull=True) | Q(expires_at__gt=timezone.now()))
    return shares.order_by("-created_at", "-id")


def is_expired(share_obj: CustomerShare) -> bool:
    return share_obj.expires_at is not None and share_obj.expires_at <= timezone.now()


# --- transfer --------------------------------------------------------------------------------


def pooled_refusal(customers) -> str | None:
    """Why customers in a public pool cannot be transferred, or None: a pool customer has no
    owner while it waits there, and leaves the pool by being claimed or assigned (pools app),
    which keeps the pool's log and rules."""
    pooled = [c for c in customers if c.owner_id is None]
    if not pooled:
        return None
    names = ", ".join(f"“{c}”" for c in pooled[:5]) + ("…" if len(pooled) > 5 else "")
    return ngettext(
        "%(names)s is in a public pool: assign it from the pool instead.",
        "%(names)s are in a public pool: assign them from the pool instead.", len(pooled),
    ) % {"names": names}


@transaction.atomic
def transfer(customers, to_user, *, by) -> int:
    """Give ``customers`` (one, or an iterable / queryset of them or of their ids) to ``to_user``.

    All or nothing: every customer is checked (locked, in id order, so two transfers of the
    same customers queue up) before any moves. Returns how many changed owner.
    """
    require(by, "customers", "edit")
    _check_recipient(to_user, field="to_user")
    if isinstance(customers, Customer):
        customers = [customers]
    ids = sorted({c if isinstance(c, int) else c.pk for c in customers})
    if not ids:
        raise ValidationError({"ids": [_("Choose at least one customer.")]})
    locked = list(Customer.objects.select_for_update().filter(pk__in=ids).order_by("pk"))
    if len(locked) != len(ids):
        raise ValidationError({"ids": [_("Some of these customers no longer exist.")]})
    if message := pooled_refusal(locked):
        raise ValidationError({"ids": [message]})
    refused = [c for c in locked if not owns_in_scope(by, c)]
    if refused:
        names = ", ".join(f"“{c}”" for c in refused[:5]) + ("…" if len(refused) > 5 else "")
        raise PermissionDenied(
            _("You may only transfer customers within your data scope; not: %(names)s.") % {"names": names}
        )
    moving = [c.pk for c in locked if c.owner_id != to_user.pk]
    if moving:
        Customer.objects.filter(pk__in=moving).update(owner=to_user, updated_at=timezone.now())
        CustomerShare.objects.filter(customer_id__in=moving, user=to_user).delete()
    return len(moving)
