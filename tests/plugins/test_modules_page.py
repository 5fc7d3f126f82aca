"""The Boss's "Modules" page and ``/api/v1/modules/``: has, could add, what each does."""

from __future__ import annotations

import re

import pytest

from saas_core.accounts.models import Role

pytestmark = pytest.mark.django_db


def test_the_boss_sees_what_the_company_has_and_could_add(tenant_a, client_for, make_user, switch_module):
    boss = make_user(tenant_a, role=Role.BOSS)
    client = client_for(tenant_a, boss)
    page = client.get("/modules/").content.decode()
    assert "You could add" in page and "SMS gateway" in page and "Not in your subscription" in page
    assert client.get("/api/v1/modules/").json()[0] | {"description": ""} == {
        "key": "sms", "name": "SMS gateway", "description": "", "enabled": False, "source": "none",
        "price_minor": 0, "currency": "CNY",
    }

    switch_module(tenant_a, "sms", True)
    page = client.get("/modules/").content.decode()
    assert "Switched on by the vendor" in page
    assert page.index("SMS gateway") < page.index("You could add")
    assert client.get("/api/v1/modules/").json()[0]["enabled"] is True


def test_the_subscription_decides_without_an_override(tenant_a, client_for, make_user):
    from billing.models import Module, Plan, Subscription
    from plugins import enablement
    from tenants.models import Tenant

    alpha = Tenant.objects.get(schema_name=tenant_a.schema)
    plan = Plan.objects.create(code="pro", name="Pro")
    plan.included_modules.add(Module.objects.get(key="sms"))
    Subscription.objects.create(tenant=alpha, plan=plan)
    enablement._cache.pop(alpha.pk, None)
    try:
        rows = client_for(tenant_a, make_user(tenant_a, role=Role.BOSS)).get("/api/v1/modules/").json()
        assert (rows[0]["enabled"], rows[0]["source"]) == (True, "plan")
    finally:
        enablement._cache.pop(alpha.pk, None)


def test_only_the_boss_opens_the_modules_page(tenant_a, client_for, make_user):
    sales = client_for(tenant_a, make_user(tenant_a, role=Role.SALES))
    assert sales.get("/modules/").status_code == 403
    assert sales.get("/api/v1/modules/").status_code == 403


def test_a_module_not_in_the_subscription_links_to_the_subscription_page_with_it_ticked(
        tenant_a, client_for, make_user, switch_module):
    from billing import services as billing
    from billing.models import Plan
    from tenants.models import Tenant

    billing.start_trial(Tenant.objects.get(schema_name=tenant_a.schema), Plan.objects.create(code="basic", name="Basic"))
    client = client_for(tenant_a, make_user(tenant_a, role=Role.BOSS))
    page = client.get("/modules/").content.decode()
    link = '<a class="btn btn-sm btn-primary" href="/billing/?add_module=sms" data-testid="add-to-subscription">'
    assert link + "Add to subscription</a>" in page
    ticked = re.compile(r'<input [^>]*name="modules" value="sms"[^>]* checked[ >]')
    billing_page = client.get("/billing/?add_module=sms").content.decode()
    assert ticked.search(billing_page), re.findall(r"<input [^>]*modules[^>]*>", billing_page)
    assert not ticked.search(client.get("/billing/").content.decode())
    # A key that is not on sale ticks nothing.
    assert not re.search(r'name="modules"[^>]* checked[ >]', client.get("/billing/?add_module=nonsense").content.decode())

    # Switched on by the vendor (or already in the subscription): nothing to add.
    switch_module(tenant_a, "sms", True)
    assert 'href="/billing/?add_module=sms" data-testid="add-to-subscription"' not in client.get("/modules/").content.decode()
