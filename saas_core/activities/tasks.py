"""Periodic work of activities (Celery beat): the reminder tick and the daily jobs of each company."""

from __future__ import annotations

from datetime import timedelta

from celery import shared_task
from django.conf import settings
from django.db import connection
from django.utils import timezone

from saas_core.activities import delivery


def redispatch_seconds() -> int:
    return int(getattr(settings, "REMINDER_REDISPATCH_SECONDS", 30))


def claim_due_tenants(now=None) -> list[str]:
    """The schemas whose wake-up mark has come, each moved ``redispatch_seconds`` ahead in the
    same statement: a second tick (a second beat by mistake) finds nothing to send again, and a
    run lost with its worker is sent again once that time passes. The run sets the real mark."""
    now = now or timezone.now()
    with connection.cursor() as cursor:
        cursor.execute(
            """UPDATE public.wakeups_wakeup SET due_at = %s
               WHERE id IN (SELECT id FROM public.wakeups_wakeup WHERE due_at <= %s FOR UPDATE SKIP LOCKED)
               RETURNING schema_name""",
            [now + timedelta(seconds=redispatch_seconds()), now],
        )
        return [row[0] for row in cursor.fetchall()]


@shared_task(acks_late=True, ignore_result=True)
def deliver_reminders() -> dict:
    """This tenant's due reminders (in-app, e-mail): exactly once, safe to run twice at once."""
    return delivery.run()


@shared_task(ignore_result=True)
def reminders_tick() -> int:
    """Every few seconds (Celery beat, from public): one ``deliver_reminders`` per tenant with work due."""
    from saas_core.tenancy import fan_out_to

    return fan_out_to(claim_due_tenants(), deliver_reminders)


@shared_task
def daily_jobs() -> dict:
    """This company's daily work, by its own calendar day: auto-submit earlier days' report
    drafts (before the next working day starts) and generate today's care reminders."""
    from saas_core.activities import care, reports
    from saas_core.tenancy import company_zone

    zone = company_zone()
    today = timezone.localdate(timezone=zone)
    with timezone.override(zone):
        return {"auto_submitted": reports.auto_submit_before(today), "care_reminders": care.ensure_care_reminders(today)}


@shared_task
def daily_jobs_all_tenants() -> int:
    """Hourly: ``daily_jobs`` per live tenant (each acts on its own date, so shortly after its midnight)."""
    from saas_core.tenancy import fan_out

    return fan_out(daily_jobs)
