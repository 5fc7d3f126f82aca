"""A module whose plugin is not installed here is never sold, priced or enabled; what was sold
of it before is ended at Stripe and refunded by a one-off command (issue 13)."""

from __future__ import annotations

import logging

import pytest
import stripe
from django.core.exceptions import ValidationError
from django.core.management import call_command

from billing import services, stripe_api
from billing.entitlements import enabled_module_keys
from billing.models import ModuleOverride, Subscription
from saas_core import cli
from tests.conftest import in_tenant


def test_the_subscription_page_does_not_offer_or_sell_a_module_that_is_not_installed(
        paying_a, tenant_a, boss_a, client_for, plan, module, absent_module):
    client = client_for(tenant_a, boss_a)
    page = client.get("/billing/").content.decode()
    assert 'value="sms"' in page and 'value="legacy_erp"' not in page
    invoices = len(services.invoices(paying_a))
    for step in ("review", "confirm"):
        response = client.post(f"/billing/{step}/", {"plan": plan.pk, "seats": 3, "modules": ["legacy_erp"]})
        assert response.status_code == 400
        assert "legacy_erp is not one of the available choices" in response.content.decode()
    assert len(services.invoices(paying_a)) == invoices  # nothing charged
    assert not Subscription.objects.get(tenant=paying_a).modules.exists()


def test_the_api_refuses_a_module_that_is_not_installed_and_charges_nothing(
        paying_a, tenant_a, boss_a, client_for, absent_module):
    client = client_for(tenant_a, boss_a)
    invoices = len(services.invoices(paying_a))
    for step in ("quote", "change"):
        response = client.post(f"/api/v1/billing/{step}/", {"plan": "team", "seats": 3, "modules": ["legacy_erp"]},
                               content_type="application/json")
        assert response.status_code == 400
        assert "No module “legacy_erp” is on sale" in str(response.json()["errors"]["modules"])
    assert len(services.invoices(paying_a)) == invoices
    assert "legacy_erp" not in enabled_module_keys(paying_a.pk)


def test_the_billing_service_refuses_it_too(paying_a, tenant_a, plan, absent_module):
    """Whoever calls the service (a task, a future page) meets the same rule."""
    with in_tenant(tenant_a), pytest.raises(ValidationError) as exc:
        services.change(paying_a, plan=plan, seats=3, modules=[absent_module])
    assert "not available in this installation: Legacy ERP" in exc.value.message_dict["modules"][0]


def test_a_module_row_without_its_plugin_never_counts_as_enabled(
        trial_a, tenant_a, boss_a, client_for, plan, absent_module):
    """Rows written before the fix (a plan including it, an add-on, a vendor's switch) enable nothing,
    and no page says the company has it."""
    plan.included_modules.add(absent_module)
    Subscription.objects.get(tenant=trial_a).modules.add(absent_module)
    ModuleOverride.objects.create(tenant=trial_a, module=absent_module, enabled=True)
    assert enabled_module_keys(trial_a.pk) == frozenset()
    client = client_for(tenant_a, boss_a)
    assert "Legacy ERP" not in client.get("/billing/account/").content.decode().split('data-testid="account-modules"')[1][:200]
    assert "legacy_erp" not in client.get("/api/v1/billing/account/").json()["modules"]
    assert "Legacy ERP" not in client.get("/modules/").content.decode()
    billing_page = client.get("/billing/").content.decode()
    assert "Legacy ERP" not in billing_page.split('data-testid="subscription-modules"')[1].split("</dd>")[0]
    assert client.get("/api/v1/billing/subscription/").json()["subscription"]["modules"] == []


@pytest.fixture
def sold_before_the_fix(paying_a, tenant_a, absent_module):
    """A paid add-on subscription to the absent module, made the way billing made it before the fix."""
    subscription = Subscription.objects.get(tenant=paying_a)
    with in_tenant(tenant_a):
        services._add_modules(paying_a, subscription, [absent_module])
    subscription.refresh_from_db()
    assert "legacy_erp" in subscription.stripe_module_subscriptions
    return subscription


def test_the_command_ends_the_add_on_refunds_it_and_logs_once(sold_before_the_fix, caplog, capsys):
    subscription = sold_before_the_fix
    module_sub_id = subscription.stripe_module_subscriptions["legacy_erp"]["id"]
    stripe_api.configure()
    paid = [i for i in stripe.Invoice.list(subscription=module_sub_id).data if i.status == "paid"]
    assert [i.amount_paid for i in paid] == [30000]

    with caplog.at_level(logging.INFO, logger="billing.uninstalled"):
        call_command("refund_uninstalled_modules")
    lines = [r.getMessage() for r in caplog.records if r.name == "billing.uninstalled"]
    assert len(lines) == 1
    assert subscription.tenant.schema_name in lines[0] and "legacy_erp" in lines[0] and "¥300.00" in lines[0]

    assert stripe.Subscription.retrieve(module_sub_id).status == "canceled"
    refunds = stripe.Refund.list(payment_intent=paid[0].payment_intent).data
    assert [r.amount for r in refunds] == [30000]
    subscription.refresh_from_db()
    assert subscription.stripe_module_subscriptions == {} and not subscription.modules.exists()
    main = stripe_api.retrieve_subscription(subscription.stripe_subscription_id)
    assert main.status == "active"  # the plan itself is untouched

    caplog.clear()
    capsys.readouterr()
    cli.main(["refund-uninstalled-modules"])  # the same through the `crm` console script: nothing more
    assert "no company has an add-on module that is not installed" in capsys.readouterr().out
    assert not [r for r in caplog.records if r.name == "billing.uninstalled"]
    assert [r.amount for r in stripe.Refund.list(payment_intent=paid[0].payment_intent).data] == [30000]


def test_a_run_that_stopped_half_way_is_finished_without_refunding_twice(sold_before_the_fix):
    """Stripe refunded, then the run died before our mirror was updated: the next run refunds nothing more."""
    subscription = sold_before_the_fix
    module_sub_id = subscription.stripe_module_subscriptions["legacy_erp"]["id"]
    stripe_api.cancel_now(module_sub_id)
    assert stripe_api.refund_subscription_payments(module_sub_id, description="x", metadata={}) == {"cny": 30000}
    from billing.uninstalled import refund_uninstalled_modules

    [outcome] = refund_uninstalled_modules()
    assert outcome.refunded == {} and not outcome.error
    subscription.refresh_from_db()
    assert subscription.stripe_module_subscriptions == {}


@pytest.fixture
def plan_with_absent_module(paying_a, plan, absent_module):
    """Tenant A has paid a month of a plan that (since before issue 13) includes the absent module."""
    plan.included_modules.add(absent_module)
    return Subscription.objects.get(tenant=paying_a)


def test_the_command_credits_the_absent_modules_part_of_a_plan_once(plan_with_absent_module, capsys):
    subscription = plan_with_absent_module
    stripe_api.configure()
    [paid] = [i for i in stripe.Invoice.list(subscription=subscription.stripe_subscription_id).data
              if i.status == "paid"]
    assert paid.amount_paid == 3 * 9900

    call_command("refund_uninstalled_modules")
    assert "credited the plan's part for legacy_erp; refunded ¥297.00" in capsys.readouterr().out
    # The module's 300.00 a month, capped at what the invoice paid (297.00)
    assert [r.amount for r in stripe.Refund.list(payment_intent=paid.payment_intent).data] == [29700]
    assert stripe_api.retrieve_subscription(subscription.stripe_subscription_id).status == "active"

    call_command("refund_uninstalled_modules")
    assert "refunded nothing" in capsys.readouterr().out
    assert [r.amount for r in stripe.Refund.list(payment_intent=paid.payment_intent).data] == [29700]


def test_the_plan_part_is_given_back_on_top_of_other_refunds_only_up_to_what_was_paid(plan_with_absent_module,
                                                                                       absent_module):
    """A refund made earlier for another reason stays; the part is what the module costs a month."""
    subscription = plan_with_absent_module
    absent_module.price_minor = 5000
    absent_module.save()
    stripe_api.configure()
    [paid] = [i for i in stripe.Invoice.list(subscription=subscription.stripe_subscription_id).data
              if i.status == "paid"]
    stripe.Refund.create(payment_intent=paid.payment_intent, amount=1000)  # e.g. a goodwill refund
    from billing.uninstalled import refund_uninstalled_modules

    [outcome] = refund_uninstalled_modules()
    assert outcome.refunded == {"cny": 5000} and outcome.in_plan == ["legacy_erp"] and not outcome.error
    [again] = refund_uninstalled_modules()
    assert again.refunded == {}
    assert sorted(r.amount for r in stripe.Refund.list(payment_intent=paid.payment_intent).data) == [1000, 5000]


def test_the_subscription_page_says_which_of_the_plans_modules_is_not_available(plan_with_absent_module, module,
                                                                                 plan, tenant_a, boss_a, client_for):
    plan.included_modules.add(module)
    page = client_for(tenant_a, boss_a).get("/billing/").content.decode()
    row = page.split('data-testid="subscription-plan-modules"')[1].split("</dd>")[0]
    assert "Legacy ERP" in row and "SMS" in row
    assert row.count('data-testid="not-installed"') == 1
    assert row.index("Legacy ERP") < row.index("not-installed") < row.index("SMS")
