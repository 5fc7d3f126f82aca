"""The subscription state, shown where the trial used to be: after paying, no more "Trial until …"."""

from __future__ import annotations

import re

from billing.models import Subscription
from tenants import lifecycle
from tenants.models import Tenant
from tests.conftest import in_tenant

S = Tenant.Status


def state_line(client) -> tuple[str, str]:
    html = client.get("/workbench/").content.decode()
    found = re.search(r'data-testid="subscription-state" data-kind="([a-z_]+)">([^<]*)<', html)
    assert found, "the workbench shows no subscription state"
    return found.group(1), found.group(2)


def test_the_workbench_says_trial_then_active_with_the_renewal_after_paying(trial_a, tenant_a, boss_a, client_for,
                                                                            make_user, plan):
    from billing import services
    from tests.billing.conftest import GOOD_CARD

    sales = make_user(tenant_a, role="sales")
    kind, text = state_line(client_for(tenant_a, boss_a))
    assert kind == "trialing" and text.startswith("Trial until ")
    services.save_card(trial_a, **GOOD_CARD)
    with in_tenant(tenant_a):
        services.subscribe(trial_a, plan=plan, seats=3, modules=[])
    for user in (boss_a, sales):
        kind, text = state_line(client_for(tenant_a, user))
        assert kind == "active" and text.startswith("Subscription active; next renewal on ")
        assert "Trial" not in text
    services.set_cancel_at_period_end(Tenant.objects.get(pk=trial_a.pk), True)
    kind, text = state_line(client_for(tenant_a, boss_a))
    assert kind == "ending" and "it ends then" in text


def test_past_due_read_only_and_cancelled_say_so_with_their_dates(trial_a, tenant_a, boss_a, client_for):
    tenant = Tenant.objects.get(pk=trial_a.pk)
    expected = {S.PAST_DUE: "A payment is overdue: pay by ", S.READ_ONLY: "Read-only: a payment is overdue. Pay before ",
                S.CANCELLED: "Subscription cancelled; the data is kept until "}
    for step, start in expected.items():
        lifecycle.transition(tenant, step)
        kind, text = state_line(client_for(tenant_a, boss_a))
        assert (kind, text[:len(start)]) == (step, start)
        assert lifecycle.deadline(tenant).strftime("%Y") in text
    assert Subscription.objects.filter(tenant=tenant).exists()
