"""The Boss's "first steps" card on the workbench (issue 14: a new company's first hour needs no
documentation): five steps with links, ticked as they are done, gone when all are; only the Boss
sees it."""

from __future__ import annotations

import re

import pytest
from django.utils import timezone

from saas_core.activities import reports, services
from tests.conftest import in_tenant
from tests.saas_core.customers.conftest import add

pytestmark = pytest.mark.django_db


def steps(html: str) -> dict[str, tuple[str, str]]:
    """step key -> (done flag, link or "")"""
    found = re.findall(r'data-step="(\w+)" data-done="([01])">(.*?)</li>', html, re.S)
    return {key: (done, (re.search(r'href="([^"]+)"', body) or [None, ""])[1]) for key, done, body in found}


def test_the_boss_follows_five_steps_to_the_end(client_for, tenant_a, make_user):
    boss = make_user(tenant_a, role="boss")
    client = client_for(tenant_a, boss)
    first = steps(client.get("/workbench/").content.decode())
    today = timezone.localdate().isoformat()
    # Tenant A was provisioned with its own Boss: a second user is there, so "invite" is ticked.
    assert first == {
        "customer": ("0", "/customers/new/"), "followup": ("0", "/activities/followups/new/"),
        "task": ("0", "/activities/tasks/new/?kind=task"), "report": ("0", f"/activities/reports/write/{today}/"),
        "colleague": ("1", ""),
    }
    for _done, url in first.values():
        if url:
            assert client.get(url).status_code == 200, url

    customer = add(tenant_a, boss, "第一步科技")
    with in_tenant(tenant_a):
        services.save_followup(None, by=boss, customer=customer, subject="电话")
    ticked = steps(client.get("/workbench/").content.decode())
    assert ticked["customer"] == ("1", "") and ticked["followup"] == ("1", "") and ticked["task"][0] == "0"

    with in_tenant(tenant_a):
        services.create_task(by=boss, kind="task", title="准备", starts_at=timezone.now())
        reports.save_report(by=boss, day=timezone.localdate(), summary="今天", submit=True)
    assert 'data-testid="first-steps"' not in client.get("/workbench/").content.decode()


def test_only_the_boss_sees_the_card(client_for, tenant_a, make_user):
    sales = make_user(tenant_a, role="sales")
    assert 'data-testid="first-steps"' not in client_for(tenant_a, sales).get("/workbench/").content.decode()
