"""The vendor manages plans and modules in the console; each save is synced to Stripe (localstripe)."""

from __future__ import annotations

import pytest
import stripe

from billing import stripe_api
from billing.models import Module, Plan
from tests.conftest import free_port

pytestmark = pytest.mark.django_db


def plan_form(**overrides) -> dict:
    data = {"code": "growth", "name": "Growth", "description": "", "price": "129.50", "currency": "CNY",
            "interval": "month", "min_seats": 1, "storage_quota_mb": 2048, "sort_order": 5}
    data.update(overrides)
    return data


def test_a_new_plan_is_saved_in_minor_units_and_exists_at_stripe(console, stripe_server):
    from tests.factories import ModuleFactory

    sms = ModuleFactory(key="sms", name="SMS")
    response = console.post("/console/plans/new/", {**plan_form(), "included_modules": ["sms"]})
    assert response.status_code == 302 and response["Location"] == "/console/plans/"
    plan = Plan.objects.get(code="growth")
    assert plan.price_per_seat_minor == 12950 and list(plan.included_modules.all()) == [sms]
    assert plan.stripe_plan_id == "crm_plan_growth_12950_cny_month"
    stripe_api.configure()
    remote = stripe.Plan.retrieve(plan.stripe_plan_id)
    assert (remote.amount, remote.currency, remote.interval) == (12950, "cny", "month")
    page = console.get("/console/plans/").content.decode()
    assert "¥129.50" in page and "crm_plan_growth_12950_cny_month" in page

    # a price change is a new Stripe plan; the code cannot change (it names the product)
    console.post(f"/console/plans/{plan.pk}/", {**plan_form(code="renamed", price="139", interval="year")})
    plan.refresh_from_db()
    assert plan.code == "growth" and plan.price_per_seat_minor == 13900
    assert stripe.Plan.retrieve("crm_plan_growth_13900_cny_year").interval == "year"


def test_bad_prices_are_named(console, stripe_server):
    page = console.post("/console/plans/new/", plan_form(price="12.345")).content.decode()
    assert "Ensure that there are no more than 2 decimal places" in page
    page = console.post("/console/plans/new/", plan_form(price="1.50", currency="JPY")).content.decode()
    assert "JPY has 0 decimal places" in page
    page = console.post("/console/plans/new/", plan_form(price="-1")).content.decode()
    assert "greater than or equal to 0" in page
    assert not Plan.objects.filter(code="growth").exists()


def test_nothing_is_saved_when_stripe_is_unreachable(console, settings, stripe_server):
    from tests.factories import PlanFactory

    plan = PlanFactory(code="steady", name="Steady", price_per_seat_minor=5000)
    settings.STRIPE_API_BASE = f"http://127.0.0.1:{free_port()}"  # nobody listens there
    page = console.post("/console/plans/new/", plan_form()).content.decode()
    assert "Stripe could not be reached, so nothing was saved" in page
    assert not Plan.objects.filter(code="growth").exists()
    page = console.post(f"/console/plans/{plan.pk}/", plan_form(code="steady", name="Changed", price="60")).content.decode()
    assert "Stripe could not be reached" in page
    plan.refresh_from_db()
    assert (plan.name, plan.price_per_seat_minor, plan.stripe_plan_id) == ("Steady", 5000, "")
    page = console.post(f"/console/plans/{plan.pk}/on-sale/", {"on_sale": "0"}, follow=True).content.decode()
    assert "Stripe could not be reached" in page
    plan.refresh_from_db()
    assert plan.active


def test_archiving_a_plan_takes_it_off_sale_but_keeps_subscribers(console, stripe_server, tenant_a):
    from billing import services
    from tenants.models import Tenant
    from tests.factories import PlanFactory

    plan = PlanFactory(code="old", name="Old")
    services.start_trial(Tenant.objects.get(schema_name=tenant_a.schema), plan)
    console.post(f"/console/plans/{plan.pk}/on-sale/", {"on_sale": "0"})
    plan.refresh_from_db()
    assert not plan.active and plan.subscriptions.count() == 1
    assert 'data-action="unarchive"' in console.get("/console/plans/").content.decode()
    console.post(f"/console/plans/{plan.pk}/on-sale/", {"on_sale": "1"})
    plan.refresh_from_db()
    assert plan.active


def test_modules_are_created_edited_and_archived(console, stripe_server):
    Module.objects.filter(key="sms").delete()  # the catalogue sync's row: the vendor adds it here instead
    response = console.post("/console/modules/new/", {"key": "sms", "name": "SMS", "description": "",
                                                      "price": "300", "currency": "CNY", "sort_order": 3})
    assert response.status_code == 302
    module = Module.objects.get(key="sms")
    assert module.price_minor == 30000 and module.stripe_plan_id == "crm_module_sms_30000_cny_month"
    duplicate = console.post("/console/modules/new/", {"key": "sms", "name": "Again", "price": "1",
                                                       "currency": "CNY", "sort_order": 1}).content.decode()
    assert "already exists" in duplicate and Module.objects.get(key="sms").name == "SMS"
    console.post("/console/modules/sms/", {"key": "other", "name": "Texts", "price": "350.00",
                                           "currency": "CNY", "sort_order": 3})
    module.refresh_from_db()
    assert (module.key, module.name, module.price_minor) == ("sms", "Texts", 35000)
    stripe_api.configure()
    assert stripe.Plan.retrieve("crm_module_sms_35000_cny_month").amount == 35000
    console.post("/console/modules/sms/on-sale/", {"on_sale": "0"})
    module.refresh_from_db()
    assert not module.active


def test_the_console_cannot_sell_enable_or_include_a_module_that_is_not_installed(console, stripe_server, tenant_a):
    """legacy_erp has a catalogue row (made before issue 13) but no plugin in this installation."""
    from billing import services
    from billing.models import ModuleOverride
    from tenants.models import Tenant
    from tests.factories import ModuleFactory, PlanFactory

    absent = ModuleFactory(key="legacy_erp", name="Legacy ERP", price_minor=30000)
    plan = PlanFactory(code="team", name="Team")
    tenant = Tenant.objects.get(schema_name=tenant_a.schema)
    services.start_trial(tenant, plan)
    form = {"key": "sfa", "name": "SFA sequences", "price": "200", "currency": "CNY", "sort_order": 5}
    created = console.post("/console/modules/new/", form)
    assert created.status_code == 200
    assert "No module with the key “sfa” is installed here" in created.content.decode()
    api = console.post("/api/v1/console/modules/", form, content_type="application/json")
    assert api.status_code == 400 and "sfa" in str(api.json()["errors"]["key"])
    assert not Module.objects.filter(key="sfa").exists()

    listing = console.get("/console/modules/").content.decode()
    row = listing.split('data-item="legacy_erp"')[1].split("</tr>")[0]
    assert 'data-testid="not-installed"' in row
    assert {m["key"]: m["installed"] for m in console.get("/api/v1/console/modules/").json()}["legacy_erp"] is False

    switched = console.post(f"/console/tenants/{tenant.pk}/modules/legacy_erp/", {"state": "on"}, follow=True)
    assert "The module “legacy_erp” is not installed here" in switched.content.decode()
    assert not ModuleOverride.objects.filter(tenant=tenant, module=absent).exists()

    edited = console.post(f"/console/plans/{plan.pk}/", plan_form(code="team", included_modules=["legacy_erp"]))
    assert edited.status_code == 200 and "legacy_erp is not one of the available choices" in edited.content.decode()
    assert not plan.included_modules.exists()

    assert console.post("/console/modules/legacy_erp/on-sale/", {"on_sale": "0"}).status_code == 302  # archiving is fine
    again = console.post("/console/modules/legacy_erp/on-sale/", {"on_sale": "1"}, follow=True).content.decode()
    assert "No module with the key “legacy_erp” is installed here" in again
    absent.refresh_from_db()
    assert not absent.active
