"""The vendor console's REST API on the public host: /api/v1/console/… (vendor staff only)."""

from __future__ import annotations

import pytest
from django.test import Client

from billing.models import Module, Plan
from saas_core.accounts.models import Role
from tenants.models import Tenant, TenantAuditEntry
from tests.conftest import PASSWORD, free_port

pytestmark = pytest.mark.django_db


def test_a_token_for_staff_only_then_the_company_list(public_client, staff, tenant_a, boss_a):
    denied = public_client.post("/api/v1/console/auth/token/", {"username": tenant_a.boss_username,
                                                               "password": PASSWORD})
    assert denied.status_code == 400
    token = public_client.post("/api/v1/console/auth/token/", {"username": staff.username, "password": PASSWORD})
    assert token.status_code == 200
    api = Client(HTTP_HOST="localhost", HTTP_AUTHORIZATION=f"Token {token.json()['token']}")
    body = api.get("/api/v1/console/tenants/", {"q": "alpha"}).json()
    assert [t["workspace"] for t in body["results"]] == [tenant_a.schema]
    assert set(body["results"][0]) >= {"status", "plan", "seats", "mrr", "currency", "last_activity_at"}
    assert "mrr_totals" in body
    assert api.get("/api/v1/console/tenants/", {"plan": "nosuch"}).status_code == 400


def test_suspend_and_resume_through_the_api(console, tenant_a, client_for, boss_a):
    alpha = Tenant.objects.get(schema_name=tenant_a.schema)
    missing = console.post(f"/api/v1/console/tenants/{alpha.pk}/suspend/", {}, content_type="application/json")
    assert missing.status_code == 400 and "reason" in missing.json()["errors"]
    done = console.post(f"/api/v1/console/tenants/{alpha.pk}/suspend/", {"reason": "Chargeback"},
                        content_type="application/json").json()
    assert done["suspended"] is True and done["audit"][0]["action"] == "suspended"
    assert client_for(tenant_a, boss_a).get("/api/v1/me/").json()["code"] == "suspended"
    resumed = console.post(f"/api/v1/console/tenants/{alpha.pk}/resume/", {}, content_type="application/json").json()
    assert resumed["suspended"] is False and resumed["status"] == alpha.status
    assert TenantAuditEntry.objects.filter(tenant=alpha).count() == 2
    assert console.post(f"/api/v1/console/tenants/{alpha.pk}/explode/", {}).status_code == 404
    assert console.get("/api/v1/console/tenants/999999/").status_code == 404


def test_plans_and_modules_through_the_api(console, stripe_server, settings):
    created = console.post("/api/v1/console/plans/", {
        "code": "api-plan", "name": "API plan", "price": "88.80", "currency": "CNY", "interval": "month",
        "min_seats": 1, "storage_quota_mb": 100, "sort_order": 1, "included_modules": []},
        content_type="application/json")
    assert created.status_code == 201, created.json()
    plan = Plan.objects.get(code="api-plan")
    assert plan.price_per_seat_minor == 8880 and created.json()["stripe_plan_id"] == plan.stripe_plan_id
    changed = console.patch(f"/api/v1/console/plans/{plan.pk}/", {"price": "99"}, content_type="application/json")
    assert changed.status_code == 200 and changed.json()["price"] == "99.00" and changed.json()["name"] == "API plan"
    bad = console.patch(f"/api/v1/console/plans/{plan.pk}/", {"price": "1.234", "interval": "week"},
                        content_type="application/json")
    assert bad.status_code == 400 and set(bad.json()["errors"]) == {"price", "interval"}
    archived = console.patch(f"/api/v1/console/plans/{plan.pk}/", {"active": False}, content_type="application/json")
    assert archived.json()["active"] is False

    Module.objects.filter(key="sms").delete()  # an installed module the vendor has not priced yet
    settings.STRIPE_API_BASE = f"http://127.0.0.1:{free_port()}"
    down = console.post("/api/v1/console/modules/", {"key": "sms", "name": "SMS", "price": "10", "currency": "CNY",
                                                     "sort_order": 1}, content_type="application/json")
    assert down.status_code == 400 and "Stripe could not be reached" in down.json()["detail"]
    assert not Module.objects.filter(key="sms").exists()


def test_vendor_settings_through_the_api(console):
    assert console.put("/api/v1/console/settings/", {"grace_days": 0}, content_type="application/json").status_code == 400
    saved = console.patch("/api/v1/console/settings/", {"grace_days": 5}, content_type="application/json").json()
    assert saved["grace_days"] == 5
    assert console.get("/api/v1/console/settings/").json()["grace_days"] == 5
    assert console.get("/api/v1/console/rollout/").json()["template_migrations"] > 0


@pytest.mark.parametrize("url", ["/api/v1/console/tenants/", "/api/v1/console/plans/", "/api/v1/console/modules/",
                                 "/api/v1/console/settings/", "/api/v1/console/rollout/", "/api/v1/console/schema/"])
def test_the_console_api_is_for_vendor_staff_on_the_public_host_only(url, client_for, tenant_a, boss_a, make_user):
    assert Client(HTTP_HOST="localhost").get(url).status_code in (401, 403)
    for user in (boss_a, make_user(tenant_a, role=Role.SALES)):
        assert client_for(tenant_a, user).get(url).status_code == 404  # no console on a workspace host
    from django.db import connection

    from saas_core.accounts.models import User

    connection.set_schema_to_public()  # (a workspace request leaves the connection on its schema)
    plain = User.objects.create_user(username="plain@example.com", password=PASSWORD)
    public = Client(HTTP_HOST="localhost")
    public.force_login(plain)
    assert public.get(url).status_code == 403


@pytest.fixture
def module_row(db):
    from tests.factories import ModuleFactory

    return ModuleFactory(key="sms", name="SMS", price_minor=30000, stripe_plan_id="plan_sms")


@pytest.fixture
def plan_row(tenant_a, module_row):
    """A plan including SMS, which tenant A pays for (so its row has a plan, seats and MRR)."""
    from billing.models import Subscription
    from tests.factories import PlanFactory

    plan = PlanFactory(code="team", name="Team", price_per_seat_minor=9900)
    plan.included_modules.add(module_row)
    Subscription.objects.create(tenant=Tenant.objects.get(schema_name=tenant_a.schema), plan=plan, seats=3,
                                stripe_subscription_id="sub_a")
    return plan


def _as_requests(response, method: str, url: str):
    """A Django test response as the response schemathesis validates."""
    import requests
    from schemathesis.core.transport import Response

    return Response(status_code=response.status_code, headers={k.lower(): [v] for k, v in response.headers.items()},
                    content=response.content, request=requests.Request(method, "http://localhost" + url).prepare(),
                    elapsed=0.0, message="", encoding="utf-8", http_version="1.1", verify=False)


def test_the_console_api_answers_as_its_published_schema_says(console, tenant_a, plan_row, module_row):
    """The console API is in a schema of its own (it lives on the public host), served to staff;
    each read operation's answer, with data behind it, matches it."""
    import schemathesis

    served = console.get("/api/v1/console/schema/?format=json")
    assert served.status_code == 200
    document = served.json()
    assert document["info"]["title"] == "CRM console API"
    schema = schemathesis.openapi.from_dict(document)
    alpha = Tenant.objects.get(schema_name=tenant_a.schema)
    reads = {"/api/v1/console/tenants/": "/api/v1/console/tenants/",
             "/api/v1/console/tenants/{id}/": f"/api/v1/console/tenants/{alpha.pk}/",
             "/api/v1/console/rollout/": "/api/v1/console/rollout/",
             "/api/v1/console/plans/": "/api/v1/console/plans/",
             "/api/v1/console/plans/{id}/": f"/api/v1/console/plans/{plan_row.pk}/",
             "/api/v1/console/modules/": "/api/v1/console/modules/",
             "/api/v1/console/modules/{id}/": f"/api/v1/console/modules/{module_row.key}/",
             "/api/v1/console/settings/": "/api/v1/console/settings/"}
    for template, url in reads.items():
        answer = console.get(url)
        assert answer.status_code == 200, (url, answer.content)
        schema[template]["GET"].validate_response(_as_requests(answer, "GET", url))
    held = f"/api/v1/console/tenants/{alpha.pk}/suspend/"
    answer = console.post(held, {"reason": "Chargeback"}, content_type="application/json")
    schema["/api/v1/console/tenants/{id}/{action}/"]["POST"].validate_response(_as_requests(answer, "POST", held))
    refused = console.post(held, {}, content_type="application/json")
    assert refused.status_code == 400
    schema["/api/v1/console/tenants/{id}/{action}/"]["POST"].validate_response(_as_requests(refused, "POST", held))
