"""A company's lifecycle state: the one field (``Tenant.status``) and its allowed transitions.

trialing → active → past_due → read_only → cancelled → deleted. Paying (a subscription Stripe
reports paid) brings back ``active`` from any state before ``deleted``. The periodic step
(``advance``) moves companies along when their time is up; every other move comes from billing
(``billing.services.reconcile``). The periods come from the vendor's settings
(tenants.vendor_settings). The vendor's suspension is separate (``suspended_at``): a hold the
vendor places and lifts (``suspend`` / ``resume``, each with an audit entry) that paying must not
lift; while it holds, the workspace refuses sign-in and use (billing.middleware), and lifting it
gives back exactly the state the company was in, because ``status`` never changed.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tenants import vendor_settings
from tenants.models import Tenant, TenantAuditEntry

log = logging.getLogger(__name__)
S = Tenant.Status

TRANSITIONS: dict[str, frozenset[str]] = {
    # Only signup makes a company ready (tenants.provisioning); nothing else moves it.
    S.PROVISIONING: frozenset(),
    S.TRIALING: frozenset({S.ACTIVE, S.PAST_DUE, S.CANCELLED}),
    S.ACTIVE: frozenset({S.PAST_DUE, S.CANCELLED}),
    S.PAST_DUE: frozenset({S.ACTIVE, S.READ_ONLY, S.CANCELLED}),
    S.READ_ONLY: frozenset({S.ACTIVE, S.CANCELLED}),
    S.CANCELLED: frozenset({S.ACTIVE, S.DELETED}),
    S.DELETED: frozenset(),
}
WRITABLE = frozenset({S.TRIALING, S.ACTIVE, S.PAST_DUE})


class TransitionNotAllowed(Exception):
    pass


def transition(tenant: Tenant, to: str, *, reason: str = "") -> bool:
    """Move ``tenant`` to ``to`` if allowed; False when it is already there.

    The row is locked, so a webhook and the periodic step cannot both act on a stale state.
    """
    with transaction.atomic():
        locked = Tenant.objects.select_for_update().get(pk=tenant.pk)
        if locked.status == to:
            return False
        if to not in TRANSITIONS[locked.status]:
            raise TransitionNotAllowed(f"{locked.status} → {to}")
        locked.status = to
        locked.status_changed_at = timezone.now()
        locked.save(update_fields=["status", "status_changed_at"])
    tenant.status, tenant.status_changed_at = locked.status, locked.status_changed_at
    log.info("tenant %s: %s (%s)", tenant.schema_name, to, reason)
    if to == S.DELETED:
        _drop_data(tenant)
    return True


def may_write(tenant: Tenant) -> bool:
    return tenant.status in WRITABLE and tenant.suspended_at is None


def due_step(tenant: Tenant, now: datetime | None = None) -> str | None:
    """The state the company's time has run out into, if any."""
    now = now or timezone.now()
    if tenant.status == S.TRIALING:
        return S.PAST_DUE if tenant.trial_ends_at and tenant.trial_ends_at <= now else None
    until = deadline(tenant)
    if until is None or until > now:
        return None
    return {S.PAST_DUE: S.READ_ONLY, S.READ_ONLY: S.CANCELLED, S.CANCELLED: S.DELETED}[tenant.status]


def advance(tenant: Tenant, now: datetime | None = None) -> str | None:
    """One periodic step for one company (idempotent: a second run finds nothing due)."""
    tenant = Tenant.objects.get(pk=tenant.pk)
    step = due_step(tenant, now)
    if step is None:
        return None
    transition(tenant, step, reason="time is up")
    return step


def deadline(tenant: Tenant) -> datetime | None:
    """When the next automatic step happens (shown on the banner)."""
    if tenant.status == S.TRIALING:
        return tenant.trial_ends_at
    periods = vendor_settings.current()
    days = {S.PAST_DUE: periods.grace_days, S.READ_ONLY: periods.read_only_days,
            S.CANCELLED: periods.retention_days}.get(tenant.status)
    since = tenant.status_changed_at or tenant.created_at
    return since + timedelta(days=days) if days is not None else None


def suspend(tenant: Tenant, *, reason: str, by: str) -> bool:
    """The vendor's hold: sign-in and use are refused until ``resume``; False if already held."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": [_("Say why the workspace is suspended (it is kept in the audit log).")]})
    return _hold(tenant, on=True, reason=reason, by=by)


def resume(tenant: Tenant, *, reason: str = "", by: str) -> bool:
    """Lift the vendor's hold; the company is back in the state it was in. False if not held."""
    return _hold(tenant, on=False, reason=(reason or "").strip(), by=by)


def _hold(tenant: Tenant, *, on: bool, reason: str, by: str) -> bool:
    with transaction.atomic():
        locked = Tenant.objects.select_for_update().get(pk=tenant.pk)
        if (locked.suspended_at is not None) == on:
            return False
        if locked.status == S.DELETED:
            raise ValidationError(_("This company's data has been deleted; there is nothing to suspend or resume."))
        locked.suspended_at = timezone.now() if on else None
        locked.suspended_reason = reason[:300] if on else ""
        locked.save(update_fields=["suspended_at", "suspended_reason"])
        TenantAuditEntry.objects.create(
            tenant=locked, action=TenantAuditEntry.Action.SUSPENDED if on else TenantAuditEntry.Action.RESUMED,
            reason=reason[:300], by=by[:254],
        )
    tenant.suspended_at, tenant.suspended_reason = locked.suspended_at, locked.suspended_reason
    log.info("tenant %s: %s by %s (%s)", tenant.schema_name, "suspended" if on else "resumed", by, reason)
    return True


def refusal_message(tenant: Tenant) -> str:
    """Why writes are refused and how to get them back."""
    if tenant.suspended_at is not None:
        return suspended_message()
    if tenant.status == S.CANCELLED:
        return _("The subscription of this workspace is cancelled, so it is read-only. The Boss can export "
                 "the data or subscribe again on the Subscription page to restore full access.")
    return _("This workspace is read-only because a payment is overdue. Reading and exporting still work; "
             "the Boss can pay on the Subscription page to restore full access at once.")


def suspended_message() -> str:
    return _("The service provider has suspended this workspace, so it cannot be signed in to or used for now. "
             "Your data is kept; please contact the service provider to resume it.")


def _drop_data(tenant: Tenant) -> None:
    """Deletion at the end of retention: the schema and the host go; the row stays as a record."""
    from tenants.models import Domain
    from tenants.schema_clone import drop_schema

    schema = tenant.schema_name
    drop_schema(schema)  # in steps: one DROP SCHEMA would lock every object of the schema at once
    Domain.objects.filter(tenant=tenant).delete()
    from django.core.files.storage import default_storage

    _remove_tree(default_storage, f"attachments/{schema}")
    _remove_tree(default_storage, f"exports/{schema}")
    if tenant.logo:
        tenant.logo.delete(save=False)
        Tenant.objects.filter(pk=tenant.pk).update(logo="")


def _remove_tree(storage, path: str) -> None:
    try:
        folders, files = storage.listdir(path)
    except (FileNotFoundError, NotADirectoryError):
        return
    for name in files:
        storage.delete(f"{path}/{name}")
    for name in folders:
        _remove_tree(storage, f"{path}/{name}")
