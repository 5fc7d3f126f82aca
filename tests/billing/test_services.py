"""Catalogue sync, trial, card, pay, change with proration, cancel, seats — against localstripe."""

from __future__ import annotations

from datetime import timedelta

import pytest
import stripe
from django.core.exceptions import ValidationError
from django.utils import timezone

from billing import proration, services, stripe_api
from billing.models import Subscription
from tenants.models import Tenant
from tests.billing.conftest import DECLINED_CARD, GOOD_CARD
from tests.conftest import in_tenant


def test_catalogue_sync_creates_stripe_plans_once_and_a_new_plan_for_a_new_price(stripe_server, plan, module,
                                                                                 absent_module):
    from billing.models import Module, Plan

    counts = {"plans": Plan.objects.count(), "modules": Module.objects.installed().count()}
    assert services.sync_catalogue() == counts
    absent_module.refresh_from_db()
    assert absent_module.stripe_plan_id == ""  # a module that is not installed is not put on sale at Stripe
    with pytest.raises(stripe.InvalidRequestError):
        stripe.Product.retrieve("crm_module_legacy_erp")
    plan.refresh_from_db()
    stripe_api.configure()
    remote = stripe.Plan.retrieve(plan.stripe_plan_id)
    assert (remote.amount, remote.currency, remote.interval) == (9900, "cny", "month")
    assert services.sync_catalogue() == counts  # again: nothing new, no error
    stripe_plans = sum(counts.values())
    assert len(stripe.Plan.list(limit=100).data) == stripe_plans
    plan.price_per_seat_minor = 12900
    plan.save()
    services.sync_catalogue()
    plan.refresh_from_db()
    assert stripe.Plan.retrieve(plan.stripe_plan_id).amount == 12900
    assert len(stripe.Plan.list(limit=100).data) == stripe_plans + 1


def test_signup_starts_a_trial_on_the_plan_picked(db, plan, big_plan, settings):
    from tenants import provisioning

    ws = provisioning.create_workspace(company_name="Gamma", subdomain="gamma-trial", admin_name="G",
                                       email="g@gamma.example.com", password="Correct-Horse-77", plan=big_plan)
    subscription = Subscription.objects.get(tenant=ws.tenant)
    assert subscription.plan == big_plan
    assert subscription.seats == settings.TRIAL_SEATS
    assert ws.tenant.status == Tenant.Status.TRIALING
    assert ws.tenant.trial_ends_at > timezone.now() + timedelta(days=settings.TRIAL_DAYS - 1)


def test_pay_makes_the_company_active_with_a_paid_invoice(paying_a, tenant_a):
    subscription = Subscription.objects.get(tenant=paying_a)
    assert paying_a.status == Tenant.Status.ACTIVE
    assert subscription.stripe_subscription_id and subscription.current_period_end > timezone.now()
    assert (subscription.card_brand, subscription.card_last4) == ("visa", "4242")
    invoices = services.invoices(paying_a)
    assert [(i.status, i.total) for i in invoices] == [("paid", 3 * 9900)]


def test_declined_card_is_refused_with_a_message_and_nothing_changes(trial_a, plan, tenant_a):
    services.save_card(trial_a, **DECLINED_CARD)
    with in_tenant(tenant_a), pytest.raises(ValidationError) as exc:
        services.subscribe(trial_a, plan=plan, seats=3, modules=[])
    assert "declined" in exc.value.message_dict["card"][0]
    trial_a.refresh_from_db()
    assert trial_a.status == Tenant.Status.TRIALING
    assert Subscription.objects.get(tenant=trial_a).stripe_subscription_id == ""


def test_bad_card_fields_are_named(trial_a):
    with pytest.raises(ValidationError) as exc:
        services.save_card(trial_a, number="4242", exp_month=13, exp_year=1999, cvc="x")
    assert set(exc.value.message_dict) == {"number", "exp_month", "exp_year", "cvc"}


def test_upgrade_quote_is_the_price_difference_for_the_rest_of_the_period(paying_a, plan, big_plan, tenant_a):
    subscription = Subscription.objects.get(tenant=paying_a)
    with in_tenant(tenant_a):
        quote = services.quote_change(paying_a, plan=big_plan, seats=4, modules=[])
    fraction = proration.remaining_fraction(subscription.current_period_start, subscription.current_period_end)
    expected = round((4 * 19900 - 3 * 9900) * float(fraction))
    assert abs(quote.proration - expected) <= 1
    assert quote.proration > 0 and quote.plan_total == 4 * 19900
    with in_tenant(tenant_a):
        booked = services.change(paying_a, plan=big_plan, seats=4, modules=[])
    subscription.refresh_from_db()
    assert (subscription.plan, subscription.seats) == (big_plan, 4)
    remote = stripe_api.retrieve_subscription(subscription.stripe_subscription_id)
    assert (remote["items"].data[0].plan.id, remote["items"].data[0].quantity) == (big_plan.stripe_plan_id, 4)
    pending = [i for i in stripe.InvoiceItem.list(customer=subscription.stripe_customer_id).data if i.invoice is None]
    assert [i.amount for i in pending] == [booked.proration]  # ours only: localstripe's own credit is gone


def test_downgrade_books_a_credit(paying_a, plan, tenant_a):
    with in_tenant(tenant_a):
        quote = services.change(paying_a, plan=plan, seats=2, modules=[])
    assert quote.proration < 0
    assert Subscription.objects.get(tenant=paying_a).seats == 2


def test_adding_a_module_charges_its_month_and_enables_it(paying_a, plan, module, tenant_a):
    from billing.entitlements import enabled_module_keys

    with in_tenant(tenant_a):
        quote = services.quote_change(paying_a, plan=plan, seats=3, modules=[module])
        assert (quote.charged_now, quote.proration) == (30000, 0)
        services.change(paying_a, plan=plan, seats=3, modules=[module])
    assert "sms" in enabled_module_keys(paying_a.pk)
    assert sorted(i.total for i in services.invoices(paying_a)) == [29700, 30000]
    with in_tenant(tenant_a):
        removal = services.change(paying_a, plan=plan, seats=3, modules=[])
    assert removal.module_credit > 0
    assert "sms" not in enabled_module_keys(paying_a.pk)


def test_fewer_seats_than_active_users_is_refused(paying_a, plan, tenant_a, make_user):
    make_user(tenant_a)
    make_user(tenant_a)
    with in_tenant(tenant_a), pytest.raises(ValidationError) as exc:
        services.quote_change(paying_a, plan=plan, seats=2, modules=[])
    assert "3 users are active" in exc.value.message_dict["seats"][0]


def test_cancel_at_period_end_and_resume(paying_a, tenant_a):
    with in_tenant(tenant_a):
        assert services.set_cancel_at_period_end(paying_a, True).cancel_at_period_end is True
        assert services.set_cancel_at_period_end(paying_a, False).cancel_at_period_end is False
    paying_a.refresh_from_db()
    assert paying_a.status == Tenant.Status.ACTIVE


def _fail_renewal(tenant: Tenant) -> None:
    """What Stripe does at renewal with a card that is now declined (driven through localstripe)."""
    subscription = Subscription.objects.get(tenant=tenant)
    services.save_card(tenant, **DECLINED_CARD)
    stripe_api.configure()
    invoice = stripe.Invoice.create(customer=subscription.stripe_customer_id,
                                    subscription=subscription.stripe_subscription_id)
    assert stripe.Invoice.pay(invoice.id).status == "open"


def test_failed_renewal_makes_past_due_and_paying_restores_active(paying_a, tenant_a):
    _fail_renewal(paying_a)
    subscription = services.reconcile(Subscription.objects.get(tenant=paying_a))
    paying_a.refresh_from_db()
    assert paying_a.status == Tenant.Status.PAST_DUE
    with in_tenant(tenant_a), pytest.raises(ValidationError):
        services.pay_overdue(paying_a)  # still the declined card
    services.save_card(paying_a, **GOOD_CARD)
    with in_tenant(tenant_a):
        services.pay_overdue(paying_a)
    paying_a.refresh_from_db()
    assert paying_a.status == Tenant.Status.ACTIVE
    assert subscription.pk


def test_paying_from_read_only_restores_active(paying_a, tenant_a):
    from tenants import lifecycle

    _fail_renewal(paying_a)
    services.reconcile(Subscription.objects.get(tenant=paying_a))
    lifecycle.transition(paying_a, Tenant.Status.READ_ONLY)
    services.reconcile(Subscription.objects.get(tenant=paying_a))
    paying_a.refresh_from_db()
    assert paying_a.status == Tenant.Status.READ_ONLY  # still unpaid: not moved back to past due
    services.save_card(paying_a, **GOOD_CARD)
    with in_tenant(tenant_a):
        services.pay_overdue(paying_a)
    paying_a.refresh_from_db()
    assert paying_a.status == Tenant.Status.ACTIVE


def test_seat_limit_refuses_a_user_beyond_the_paid_seats(paying_a, tenant_a, make_user):
    from saas_core.accounts import services as accounts

    make_user(tenant_a)
    make_user(tenant_a)  # Boss + 2 = 3 seats
    with in_tenant(tenant_a), pytest.raises(ValidationError) as exc:
        accounts.create_user(username="one-too-many", password="Correct-Horse-77", name="X", role="sales")
    assert "All 3 paid seats are in use" in exc.value.messages[0]
    assert "Add seats" in exc.value.messages[0]
    with in_tenant(tenant_a):
        disabled = accounts.create_user(username="inactive", password="Correct-Horse-77", name="Y", role="sales",
                                        is_active=False)
        with pytest.raises(ValidationError):
            accounts.set_active(disabled, True)


def test_invoices_of_another_company_are_not_found(paying_a, tenant_b, stripe_server):
    other = Tenant.objects.get(schema_name=tenant_b.schema)
    mine = services.invoices(paying_a)[0]
    assert services.invoice(paying_a, mine.id).id == mine.id
    assert services.invoice(other, mine.id) is None
    assert services.invoices(other) == []
