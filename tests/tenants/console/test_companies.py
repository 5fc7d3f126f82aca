"""The console's company list (figures, search, sort), suspend/resume, rollout and settings."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.utils import timezone

from saas_core.accounts.models import Role
from tenants.models import Tenant, TenantAuditEntry
from tests.conftest import PASSWORD, in_tenant

pytestmark = pytest.mark.django_db
S = Tenant.Status


@pytest.fixture
def paying(tenant_a, tenant_b):
    """A pays monthly 99.00 × 3 seats + a 300.00 module; B pays yearly 1,200.00 × 2 seats."""
    from billing.models import Module, Subscription
    from tests.factories import PlanFactory

    monthly = PlanFactory(code="team", name="Team", price_per_seat_minor=9900)
    yearly = PlanFactory(code="annual", name="Annual", price_per_seat_minor=120000, interval="year")
    alpha = Tenant.objects.get(schema_name=tenant_a.schema)
    beta = Tenant.objects.get(schema_name=tenant_b.schema)
    Tenant.objects.filter(pk__in=[alpha.pk, beta.pk]).update(status=S.ACTIVE)
    sub_a = Subscription.objects.create(tenant=alpha, plan=monthly, seats=3, stripe_subscription_id="sub_a")
    sms, _ = Module.objects.update_or_create(key="sms", defaults={"price_minor": 30000, "currency": "CNY"})
    sub_a.modules.add(sms)  # (installed here: its row may exist already, from the catalogue sync)
    Subscription.objects.create(tenant=beta, plan=yearly, seats=2, stripe_subscription_id="sub_b")
    return alpha, beta


def test_the_list_shows_plan_seats_and_mrr_per_currency(console, paying):
    alpha, beta = paying
    page = console.get("/console/").content.decode()
    # 99.00 × 3 + 300.00 = 597.00; 1,200.00 × 2 / 12 = 200.00
    assert "¥597.00" in page and "¥200.00" in page
    assert 'data-currency="CNY">¥797.00' in page
    from tenants.console import queries

    figures = {t.pk: t for t in queries.with_figures(Tenant.objects.filter(pk__in=[alpha.pk, beta.pk]))}
    assert figures[alpha.pk].mrr_minor == Decimal("59700") and figures[beta.pk].mrr_minor == Decimal("20000")
    assert (figures[alpha.pk].seats, figures[alpha.pk].plan_name) == (3, "Team")


def test_mrr_counts_no_module_whose_plugin_is_not_installed(console, paying):
    """An add-on sold before issue 13 for a module not installed here, and a plan that includes one,
    are no revenue: the money is given back (crm refund-uninstalled-modules)."""
    from billing.models import Plan, Subscription
    from tests.factories import ModuleFactory

    alpha, beta = paying
    legacy_erp = ModuleFactory(key="legacy_erp", price_minor=30000)
    Subscription.objects.get(tenant=alpha).modules.add(legacy_erp)
    Plan.objects.get(code="annual").included_modules.add(ModuleFactory(key="callcenter", price_minor=5000))
    from tenants.console import queries

    figures = {t.pk: t for t in queries.with_figures(Tenant.objects.filter(pk__in=[alpha.pk, beta.pk]))}
    # A: 99.00 × 3 + SMS 300.00 (legacy_erp not counted); B: 200.00 a month less call center's 50.00
    assert figures[alpha.pk].mrr_minor == Decimal("59700") and figures[beta.pk].mrr_minor == Decimal("15000")
    assert 'data-currency="CNY">¥747.00' in console.get("/console/").content.decode()


def test_a_trial_or_unpaid_company_has_no_mrr(console, paying):
    alpha, beta = paying
    Tenant.objects.filter(pk=beta.pk).update(status=S.READ_ONLY)
    page = console.get("/console/").content.decode()
    assert "¥597.00" in page and "¥200.00" not in page


def test_search_filter_and_sort(console, paying):
    alpha, beta = paying
    rows = console.get("/console/?sort=-mrr").context["page"].object_list
    assert [t.pk for t in rows if t.pk in (alpha.pk, beta.pk)] == [alpha.pk, beta.pk]
    rows = console.get("/console/?sort=mrr").context["page"].object_list
    assert [t.pk for t in rows if t.pk in (alpha.pk, beta.pk)] == [beta.pk, alpha.pk]
    found = console.get("/console/", {"q": alpha.domains.first().domain}).context["page"].object_list
    assert [t.pk for t in found] == [alpha.pk]
    Tenant.objects.filter(pk=beta.pk).update(status=S.PAST_DUE)
    found = console.get("/console/", {"status": "past_due"}).context["page"].object_list
    assert [t.pk for t in found] == [beta.pk]
    found = console.get("/console/", {"plan": "annual"}).context["page"].object_list
    assert [t.pk for t in found] == [beta.pk]
    assert console.get("/console/", {"sort": "nonsense; drop"}).status_code == 200


def test_the_list_costs_the_same_queries_for_more_companies(console, paying, django_assert_max_num_queries):
    """Figures and last activity come from the tenant rows: no query per company."""
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        console.get("/console/?page_size=100")
    for n in range(5):
        Tenant.objects.create(schema_name=f"t_ghost{n}", name=f"Ghost {n}", status=S.ACTIVE)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = console.get("/console/?page_size=100")
    assert "Ghost 4" in response.content.decode()


def test_last_activity_is_recorded_at_most_every_few_minutes(client_for, tenant_a, boss_a, console):
    Tenant.objects.filter(schema_name=tenant_a.schema).update(last_activity_at=None)
    workspace = client_for(tenant_a, boss_a)
    assert workspace.get("/").status_code in (200, 302)
    first = Tenant.objects.get(schema_name=tenant_a.schema).last_activity_at
    assert first is not None and timezone.now() - first < timedelta(minutes=1)
    workspace.get("/customers/")
    assert Tenant.objects.get(schema_name=tenant_a.schema).last_activity_at == first  # within 5 minutes
    Tenant.objects.filter(schema_name=tenant_a.schema).update(last_activity_at=first - timedelta(minutes=6))
    workspace.get("/customers/")
    assert Tenant.objects.get(schema_name=tenant_a.schema).last_activity_at > first
    # signed-out visits are not activity
    Tenant.objects.filter(schema_name=tenant_a.schema).update(last_activity_at=None)
    client_for(tenant_a).get("/accounts/login/")
    assert Tenant.objects.get(schema_name=tenant_a.schema).last_activity_at is None


# --- suspend and resume --------------------------------------------------------------------------


def test_suspend_needs_a_reason_and_refuses_sign_in_and_use_until_resumed(console, client_for, tenant_a, boss_a, staff):
    alpha = Tenant.objects.get(schema_name=tenant_a.schema)
    Tenant.objects.filter(pk=alpha.pk).update(status=S.PAST_DUE)
    workspace = client_for(tenant_a, boss_a)
    confirm = console.get(f"/console/tenants/{alpha.pk}/suspend/").content.decode()
    assert "Suspend Alpha Trading Ltd?" in confirm and 'data-action="confirm"' in confirm
    missing = console.post(f"/console/tenants/{alpha.pk}/suspend/", {"reason": "  "}).content.decode()
    assert "This field is required" in missing
    assert Tenant.objects.get(pk=alpha.pk).suspended_at is None

    response = console.post(f"/console/tenants/{alpha.pk}/suspend/", {"reason": "Abuse report #12"})
    assert response.status_code == 302
    alpha.refresh_from_db()
    assert alpha.suspended_at is not None and alpha.suspended_reason == "Abuse report #12"
    assert alpha.status == S.PAST_DUE
    entry = TenantAuditEntry.objects.get(tenant=alpha)
    assert (entry.action, entry.reason, entry.by) == ("suspended", "Abuse report #12", staff.email)

    page = workspace.get("/customers/")
    assert page.status_code == 403 and "suspended this workspace" in page.content.decode()
    login = client_for(tenant_a).post("/accounts/login/", {"username": tenant_a.boss_username, "password": PASSWORD})
    assert login.status_code == 403 and "cannot be signed in to" in login.content.decode()
    api = client_for(tenant_a, boss_a).get("/api/v1/customers/")
    assert api.status_code == 403 and api.json()["code"] == "suspended"
    token = client_for(tenant_a).post("/api/v1/auth/token/", {"username": tenant_a.boss_username, "password": PASSWORD})
    assert token.status_code == 403
    detail = console.get(f"/console/tenants/{alpha.pk}/").content.decode()
    assert "Abuse report #12" in detail and 'data-action="resume"' in detail
    assert "Suspended" in console.get("/console/?status=suspended").content.decode()

    console.post(f"/console/tenants/{alpha.pk}/resume/", {"reason": "Resolved"})
    alpha.refresh_from_db()
    assert alpha.suspended_at is None and alpha.status == S.PAST_DUE  # the state it was in
    assert workspace.get("/customers/").status_code == 200
    assert list(TenantAuditEntry.objects.filter(tenant=alpha).values_list("action", flat=True)) == [
        "resumed", "suspended"]


def test_suspending_twice_or_resuming_an_active_company_changes_nothing(tenant_a):
    from tenants import lifecycle

    alpha = Tenant.objects.get(schema_name=tenant_a.schema)
    assert lifecycle.resume(alpha, by="ops") is False
    assert lifecycle.suspend(alpha, reason="x", by="ops") is True
    assert lifecycle.suspend(alpha, reason="again", by="ops") is False
    assert TenantAuditEntry.objects.filter(tenant=alpha).count() == 1


# --- rollout -------------------------------------------------------------------------------------


def test_rollout_shows_which_companies_lag_behind(console, tenant_a, tenant_b):
    alpha = Tenant.objects.get(schema_name=tenant_a.schema)
    with connection.cursor() as cursor:
        cursor.execute(f'SELECT id, app, name FROM "{tenant_a.schema}".django_migrations ORDER BY id DESC LIMIT 1')
        _id, app, name = cursor.fetchone()
        cursor.execute(f'DELETE FROM "{tenant_a.schema}".django_migrations WHERE id = %s', [_id])
    page = console.get("/console/rollout/")
    rows = {t.schema_name: st for t, st in page.context["rows"]}
    assert rows[tenant_a.schema].missing == 1 and rows[tenant_b.schema].missing == 0
    behind = console.get("/console/rollout/?behind=1")
    assert [t.schema_name for t, _st in behind.context["rows"]] == [tenant_a.schema]
    detail = console.get(f"/console/tenants/{alpha.pk}/").content.decode()
    assert f"{app}.{name}" in detail and "1 missing" in detail


def test_rollout_reads_a_page_of_schemas_in_one_query(console, tenant_a, tenant_b):
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        console.get("/console/rollout/")
    reads = [q["sql"] for q in queries.captured_queries if "django_migrations" in q["sql"]]
    assert len(reads) == 2  # one UNION ALL for the page's schemas, and the template's list
    assert tenant_a.schema in reads[0] and tenant_b.schema in reads[0] and "UNION ALL" in reads[0]


# --- the vendor's settings -----------------------------------------------------------------------


def test_vendor_settings_start_from_the_environment_and_drive_trial_and_lifecycle(console, settings, tenant_a):
    from tenants import lifecycle, vendor_settings

    assert vendor_settings.current().trial_days == settings.TRIAL_DAYS
    form = console.get("/console/settings/").context["form"]
    assert form.initial["grace_days"] == settings.BILLING_GRACE_DAYS
    bad = console.post("/console/settings/", {"trial_days": 0, "grace_days": 3, "read_only_days": 10,
                                              "retention_days": 60}).content.decode()
    assert "greater than or equal to 1" in bad
    response = console.post("/console/settings/", {"trial_days": 30, "grace_days": 3, "read_only_days": 10,
                                                   "retention_days": 60})
    assert response.status_code == 302
    assert vendor_settings.current().grace_days == 3

    alpha = Tenant.objects.get(schema_name=tenant_a.schema)
    now = timezone.now()
    Tenant.objects.filter(pk=alpha.pk).update(status=S.PAST_DUE, status_changed_at=now)
    alpha.refresh_from_db()
    assert lifecycle.due_step(alpha, now + timedelta(days=2)) is None
    assert lifecycle.due_step(alpha, now + timedelta(days=3, minutes=1)) == S.READ_ONLY
    assert lifecycle.deadline(alpha) == now + timedelta(days=3)


def test_signup_uses_the_vendors_trial_length(db, tenant_a):
    from tenants import provisioning, vendor_settings

    vendor_settings.update(trial_days=30, by="ops")
    ws = provisioning.create_workspace(company_name="Trial Ltd", subdomain="triallen", admin_name="T",
                                       email="t@trial.example.com", password=PASSWORD)
    left = ws.tenant.trial_ends_at - timezone.now()  # (the schema goes with the test's transaction)
    assert timedelta(days=29, hours=23) < left <= timedelta(days=30)


# --- who may reach the console -------------------------------------------------------------------

CONSOLE_PAGES = ["/console/", "/console/plans/", "/console/plans/new/", "/console/modules/", "/console/modules/new/",
                 "/console/rollout/", "/console/settings/", "/console/tenants/{pk}/", "/console/tenants/{pk}/suspend/",
                 "/console/tenants/{pk}/resume/"]


@pytest.mark.parametrize("url", CONSOLE_PAGES)
def test_no_tenant_user_or_boss_reaches_the_console(url, client_for, tenant_a, boss_a, make_user):
    alpha = Tenant.objects.get(schema_name=tenant_a.schema)
    url = url.format(pk=alpha.pk)
    sales = make_user(tenant_a, role=Role.SALES)
    for user in (boss_a, sales):
        workspace = client_for(tenant_a, user)
        assert workspace.get(url).status_code == 404  # not on a workspace host at all
        assert workspace.post(url, {"reason": "x"}).status_code in (403, 404)
    public = Client(HTTP_HOST="localhost")
    response = public.get(url)
    assert response.status_code == 302 and response["Location"].startswith("/console/login/")
    assert public.post(url, {"reason": "x", "on_sale": "0"}).status_code == 302
    assert Tenant.objects.get(pk=alpha.pk).suspended_at is None


def test_a_workspace_session_is_no_console_session(client_for, tenant_a, boss_a):
    workspace = client_for(tenant_a, boss_a)
    cookie = workspace.cookies["sessionid"].value
    public = Client(HTTP_HOST="localhost")
    public.cookies["sessionid"] = cookie
    assert public.get("/console/").status_code == 302


def test_a_deactivated_staff_member_is_signed_out(console, staff):
    staff.is_active = False
    staff.save()
    assert console.get("/console/").status_code == 302


def test_tenant_in_tenant_helper_is_unaffected(tenant_a):
    with in_tenant(tenant_a):
        assert connection.schema_name == tenant_a.schema
