"""Approval notices by e-mail through the reminder channels (APR-01): the approver when a record
reaches them, the initiator (and the people it was copied to) when it is approved or rejected;
sent over real SMTP (aiosmtpd on loopback) by the reminder delivery run, each once."""

from __future__ import annotations

import pytest

from saas_core.activities import delivery
from saas_core.activities.models import Delivery, Notification
from saas_core.approvals import services
from tests.conftest import in_tenant

pytestmark = pytest.mark.django_db


def _mail(org, tenant_a):
    with in_tenant(tenant_a):
        for i, user in enumerate((org.sales1, org.manager, org.director, org.cs)):
            type(user).objects.filter(pk=user.pk).update(email=f"person{i}@example.com")


def _deliver(tenant_a, mailbox) -> list[tuple[str, str]]:
    with in_tenant(tenant_a):
        delivery.run()
    got = [(m["To"], m["Subject"]) for m in mailbox]
    mailbox.clear()
    return got


def test_each_step_tells_the_right_people_by_email_once(org, tenant_a, big_quote, mailbox):
    _mail(org, tenant_a)
    with in_tenant(tenant_a):
        approval = services.submit(big_quote, by=org.sales1)
    sent = _deliver(tenant_a, mailbox)
    assert [to for to, _subject in sent] == ["person1@example.com"]  # the manager
    assert "waiting for your approval" in sent[0][1] and big_quote.number in sent[0][1]
    with in_tenant(tenant_a):
        services.cc(approval, by=org.sales1, users=[org.cs])
        services.approve(approval, by=org.manager)
    sent = _deliver(tenant_a, mailbox)
    assert sorted(to for to, _s in sent) == ["person2@example.com", "person3@example.com"]  # director, the CC
    with in_tenant(tenant_a):
        services.reject(approval, by=org.director, comment="Too expensive")
    sent = _deliver(tenant_a, mailbox)
    assert sorted(to for to, _s in sent) == ["person0@example.com", "person3@example.com"]
    assert all("rejected by" in subject for _to, subject in sent)
    assert _deliver(tenant_a, mailbox) == []  # a second run sends nothing again
    with in_tenant(tenant_a):
        assert not Delivery.objects.exclude(state="sent").exists()


def test_the_same_notice_offered_twice_is_stored_and_sent_once(org, tenant_a, big_quote, mailbox):
    _mail(org, tenant_a)
    with in_tenant(tenant_a):
        approval = services.submit(big_quote, by=org.sales1)
        # A retried call reaching the notice again (same approval, same latest event).
        services._notify([org.manager.pk], "%(document)s is waiting for your approval", approval)
        assert Notification.objects.filter(user=org.manager, url=approval.url).count() == 1
    assert len(_deliver(tenant_a, mailbox)) == 1


def test_nothing_goes_out_when_the_decision_rolls_back(org, tenant_a, big_quote, mailbox):
    from django.db import transaction

    _mail(org, tenant_a)
    with in_tenant(tenant_a):
        with pytest.raises(RuntimeError), transaction.atomic():
            services.submit(big_quote, by=org.sales1)
            raise RuntimeError("the request failed after the submission")
        assert not Delivery.objects.exists()
    assert _deliver(tenant_a, mailbox) == []
