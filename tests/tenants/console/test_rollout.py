"""The console's rollout page (counts, errors, durations, retry) and the read-only hold of a
company whose upgrade failed."""

from __future__ import annotations

from django.test import Client

from saas_core.accounts.models import Role
from tenants.models import CompanyUpgrade, Tenant, UpgradeRun
from tests.conftest import in_tenant

U = CompanyUpgrade.State
ERROR = "crm_drill.0002_customer_note: RuntimeError: drill failure"


def _failed(info) -> Tenant:
    tenant = Tenant.objects.get(schema_name=info.schema)
    CompanyUpgrade.objects.update_or_create(tenant=tenant, defaults={
        "state": U.FAILED, "error": ERROR, "attempts": 1, "seconds": 2.5})
    return tenant


def test_rollout_page_counts_states_and_shows_errors_and_durations(console, tenant_a, tenant_b):
    _failed(tenant_a)
    CompanyUpgrade.objects.create(tenant=Tenant.objects.get(schema_name=tenant_b.schema), state=U.DONE, seconds=0.8)
    UpgradeRun.objects.create(fingerprint="f" * 64, workers=4, checked=2, skipped=1, failed=1)
    page = console.get("/console/rollout/")
    html = page.content.decode()
    assert page.context["counts"]["failed"] == 1 and page.context["counts"]["done"] >= 1
    assert 'data-testid="rollout-failed"' in html and "1 company failed to migrate" in html
    assert ERROR in html and "2.5 s" in html and "0.8 s" in html
    assert 'data-testid="upgrade-runs"' in html
    only_failed = console.get("/console/rollout/?state=failed")
    assert [t.schema_name for t, _st in only_failed.context["rows"]] == [tenant_a.schema]


def test_retry_queues_the_failed_company_and_a_successful_migration_lifts_the_hold(
        console, tenant_a, tenant_b, monkeypatch, django_capture_on_commit_callbacks):
    from saas_core.celery import app

    monkeypatch.setitem(app.conf, "task_always_eager", True)
    alpha = _failed(tenant_a)
    with django_capture_on_commit_callbacks(execute=True):
        response = console.post("/console/rollout/retry/")
    assert response.status_code == 302
    state = CompanyUpgrade.objects.get(tenant=alpha)
    # Nothing was really missing in A's schema: found complete under its lock, recorded done.
    assert (state.state, state.error, state.attempts) == (U.DONE, "", 2)
    assert console.get("/console/rollout/").context["counts"]["failed"] == 0


def test_migrate_this_company_button_queues_only_that_company(console, tenant_a, tenant_b, monkeypatch,
                                                            django_capture_on_commit_callbacks):
    from tenants import tasks

    queued = []
    monkeypatch.setattr(tasks.migrate_company, "delay", queued.append)
    beta = Tenant.objects.get(schema_name=tenant_b.schema)
    with django_capture_on_commit_callbacks(execute=True):
        console.post("/console/rollout/retry/", {"tenant": str(beta.pk), "next": "/console/rollout/?state=none"})
    assert queued == [beta.pk]
    with django_capture_on_commit_callbacks(execute=True):
        bad = console.post("/console/rollout/retry/", {"tenant": "x"})
    assert bad.status_code == 302 and queued == [beta.pk]


def test_only_vendor_staff_may_retry(client_for, tenant_a, boss_a, make_user, monkeypatch):
    from tenants import tasks

    queued = []
    monkeypatch.setattr(tasks.migrate_company, "delay", queued.append)
    _failed(tenant_a)
    for user in (boss_a, make_user(tenant_a, role=Role.SALES)):
        assert client_for(tenant_a, user).post("/console/rollout/retry/").status_code in (403, 404)
    public = Client(HTTP_HOST="localhost")
    response = public.post("/console/rollout/retry/")
    assert response.status_code == 302 and response["Location"].startswith("/console/login/")
    assert queued == []


def test_a_company_whose_upgrade_failed_is_read_only_with_a_banner_and_others_are_not(
        db, tenant_a, tenant_b, boss_a, client_for, make_user):
    _failed(tenant_a)
    client = client_for(tenant_a, boss_a)
    html = client.get("/customers/").content.decode()
    assert 'data-testid="billing-banner" data-kind="upgrade"' in html
    assert "upgrade of it did not finish" in html and 'data-testid="banner-pay"' not in html
    page = client.post("/customers/new/", {"name": "Nope"})
    assert page.status_code == 403 and "upgrade of it did not finish" in page.content.decode()
    api = client.post("/api/v1/customers/", {"name": "Nope"}, content_type="application/json")
    assert api.status_code == 403 and api.json()["code"] == "read_only"
    assert client.get("/api/v1/customers/").status_code == 200
    with in_tenant(tenant_a):
        from saas_core.customers.models import Customer

        assert not Customer.objects.filter(name="Nope").exists()
    # Company B is not held by A's failure.
    boss_b = make_user(tenant_b, role=Role.BOSS)
    other = client_for(tenant_b, boss_b)
    assert 'data-kind="upgrade"' not in other.get("/customers/").content.decode()
    assert other.post("/api/v1/customers/", {"name": "Fine"}, content_type="application/json").status_code == 201


def test_company_page_and_api_show_the_upgrade_state(console, tenant_a, tenant_b):
    alpha = _failed(tenant_a)
    html = console.get(f"/console/tenants/{alpha.pk}/").content.decode()
    assert 'data-testid="company-upgrade"' in html and ERROR in html and 'data-action="migrate-company"' in html
    data = console.get("/api/v1/console/rollout/?state=failed").json()
    assert [row["workspace"] for row in data["results"]] == [tenant_a.schema]
    assert data["results"][0]["upgrade"]["error"] == ERROR and data["upgrade_counts"]["failed"] == 1
