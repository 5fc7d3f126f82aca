"""Periodic work of customers (Celery; autodiscovered)."""

from __future__ import annotations

from celery import shared_task
from django.db import transaction
from django.utils import timezone

from saas_core.customers.models import Customer
from saas_core.tenancy import company_today


def clear_expired_hot_flags(today=None) -> int:
    """Hot flags whose expiry has passed (``hot_until`` before today) are cleared; returns how many.

    The heat, reason and expiry go with the flag, so the data log shows one change per customer.
    A second run finds nothing. "Today" is the company's date (its time zone).
    """
    today = today or company_today()
    with transaction.atomic():
        return Customer._base_manager.filter(is_hot=True, hot_until__lt=today).update(
            is_hot=False, heat=None, hot_reason=None, hot_until=None, updated_at=timezone.now(),
        )


@shared_task
def clear_expired_hot() -> int:
    """This tenant's expired hot flags (CUS-04); safe to run twice."""
    return clear_expired_hot_flags()


@shared_task
def clear_expired_hot_all_tenants() -> int:
    from saas_core.tenancy import fan_out

    return fan_out(clear_expired_hot)
