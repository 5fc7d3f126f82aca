"""Reminder e-mails go out once even when a worker outlives its lease (ACT-02 "must hold").

A run that was slowed past its lease (a loaded machine, a slow SMTP server) has its rows leased
again by a second run; whatever the first run does next must neither send them nor change them.
Here the two runs are two leases taken one after the other, the first with a time that has
passed (so its lease has ended by now); tests/saas_core/activities/test_delivery_live.py does
the same with real workers and beats.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from saas_core.activities import delivery, services
from saas_core.activities.models import Delivery, Reminder
from tests.conftest import in_tenant

pytestmark = pytest.mark.django_db


def _due(users_and_titles) -> None:
    due = timezone.now() - timedelta(seconds=5)
    services.add_reminders([Reminder(user=user, remind_at=due, source="task", key=title, title=title, url="/x/")
                            for user, title in users_and_titles])
    delivery.notify_due(sms=False)


def _lease(ended: bool, limit: int = 100) -> list[tuple]:
    """A run's lease of the open e-mail deliveries; ``ended``: taken so long ago it has run out."""
    now = timezone.now()
    return delivery._lease("email", now - timedelta(seconds=delivery.lease_seconds() + 1) if ended else now, limit)


def test_a_run_whose_lease_was_taken_over_sends_nothing(org, tenant_a, mailbox):
    with in_tenant(tenant_a):
        _due([(org.sales1, "First"), (org.sales2, "Second")])
        slow = _lease(ended=True)
        again = _lease(ended=False)  # a second run takes the rows whose lease has run out
        assert sorted(r[0] for r in again) == sorted(r[0] for r in slow)
        assert delivery.email_leased(slow) == 0
        assert mailbox == []
        assert delivery.email_leased(again) == 2
        assert set(Delivery.objects.values_list("state", "attempts")) == {("sent", 2)}
    assert sorted(m["To"] for m in mailbox) == sorted([org.sales1.email, org.sales2.email])


def test_a_person_gets_only_the_reminders_still_leased_by_the_run_that_sends(org, tenant_a, mailbox):
    with in_tenant(tenant_a):
        _due([(org.sales1, "Call back A"), (org.sales1, "Call back B")])
        slow = _lease(ended=True)
        [taken] = _lease(ended=False, limit=1)  # the second run got one of the two again
        assert delivery.email_leased(slow) == 1
        assert delivery.email_leased([taken]) == 1
        assert set(Delivery.objects.values_list("state", flat=True)) == {"sent"}
    texts = [m.get_content() for m in mailbox]
    assert len(texts) == 2
    assert sum("Call back A" in t for t in texts) == 1 and sum("Call back B" in t for t in texts) == 1


def test_a_failure_after_the_lease_was_taken_over_leaves_the_other_runs_rows_alone(org, tenant_a, mailbox,
                                                                                    settings):
    with in_tenant(tenant_a):
        _due([(org.sales1, "One"), (org.sales2, "Two"), (org.sales1, "Three")])
        slow = _lease(ended=True)
        [taken] = _lease(ended=False, limit=1)
        assert delivery.email_leased([taken]) == 1  # the second run sent "One"
        settings.EMAIL_PORT = 9  # then the SMTP server went away: nothing listens there
        assert delivery.email_leased(slow) == 0
        states = dict(Delivery.objects.values_list("reminder__title", "state"))
        # "One" stays sent (an unconditional retry mark would have it sent again); the others
        # wait for their retry.
        assert states == {"One": "sent", "Two": "pending", "Three": "pending"}
    assert len(mailbox) == 1


def test_links_in_reminder_e_mails_carry_the_port_people_reach_the_workspace_on(org, tenant_a, mailbox, settings):
    """The dev run listens on :8000: a link without the port led to nothing."""
    from saas_core import links
    from tenants.models import Domain

    settings.PUBLIC_PORT, settings.USE_HTTPS = "8000", False
    links._sites.clear()
    host = Domain.objects.get(tenant__schema_name=tenant_a.schema, is_primary=True).domain
    with in_tenant(tenant_a):
        _due([(org.sales1, "Call back")])
        assert delivery.email_leased(_lease(ended=False)) == 1
    body = mailbox[0].get_content()
    assert f"http://{host}:8000/x/" in body, body
