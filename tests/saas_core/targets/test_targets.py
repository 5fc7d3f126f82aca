"""Sales targets (TGT-01): monthly entry with quarter and year derived, the warning (not a block)
when children sum above their parent, actuals and completion % from contracts and customers
(SQL aggregates through the measure registry), the workbench widget, the API, scope and isolation."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from saas_core.contracts import services as contracts
from saas_core.targets import measures, services
from saas_core.targets.models import Target
from saas_core.tenancy import company_today
from tests.conftest import api, in_tenant
from tests.saas_core.targets.conftest import add, contract, product

pytestmark = pytest.mark.django_db
YEAR = 2026


def test_the_measures_are_registered_by_the_apps_that_own_the_facts():
    assert [m.key for m in measures.measures()] == ["payment_amount", "contract_amount", "new_customers"]


def test_monthly_targets_derive_quarters_and_the_year_and_blank_removes_one(org, tenant_a):
    person = f"person-{org.sales1.pk}"
    with in_tenant(tenant_a):
        services.save_targets(by=org.manager, measure="contract_amount", year=YEAR, entries={
            (person, 1): "1000", (person, 2): "2000.50", (person, 3): "3000", (person, 4): "400"})
        row = next(r for r in services.grid(org.manager, "contract_amount", YEAR) if r.subject.key == person)
        assert row.quarters == [Decimal("6000.50"), Decimal("400"), 0, 0]
        assert row.year == Decimal("6400.50")
        services.save_targets(by=org.manager, measure="contract_amount", year=YEAR, entries={(person, 4): ""})
        assert not Target.objects.filter(user=org.sales1, month=date(YEAR, 4, 1)).exists()
        assert Target.objects.filter(user=org.sales1, measure="contract_amount").count() == 3


def test_bad_amounts_save_nothing_and_name_the_cell(org, tenant_a):
    person = f"person-{org.sales1.pk}"
    with in_tenant(tenant_a):
        with pytest.raises(ValidationError) as caught:
            services.save_targets(by=org.manager, measure="contract_amount", year=YEAR, entries={
                (person, 1): "500", (person, 2): "-1", (person, 3): "abc"})
        assert set(caught.value.message_dict) == {f"{person}.2", f"{person}.3"}
        assert not Target.objects.exists()
        with pytest.raises(ValidationError):
            services.save_targets(by=org.manager, measure="new_customers", year=YEAR, entries={(person, 1): "2.5"})


def test_who_may_set_what(org, tenant_a):
    with in_tenant(tenant_a):
        with pytest.raises(PermissionDenied):  # the company's target is the Boss's
            services.save_targets(by=org.director, measure="contract_amount", year=YEAR, entries={("company", 1): "1"})
        with pytest.raises(PermissionDenied):  # nobody sets their own
            services.save_targets(by=org.manager, measure="contract_amount", year=YEAR,
                                  entries={(f"person-{org.manager.pk}", 1): "1"})
        with pytest.raises(PermissionDenied):  # outside the manager's scope (West)
            services.save_targets(by=org.manager, measure="contract_amount", year=YEAR,
                                  entries={(f"person-{org.sales_w.pk}", 1): "1"})
        with pytest.raises(PermissionDenied):  # a salesperson only views
            services.save_targets(by=org.sales1, measure="contract_amount", year=YEAR,
                                  entries={(f"person-{org.sales2.pk}", 1): "1"})
        services.save_targets(by=org.boss, measure="contract_amount", year=YEAR, entries={("company", 1): "9"})
        keys = [row.subject.key for row in services.grid(org.sales1, "contract_amount", YEAR)]
        assert keys == [f"department-{org.east.pk}", f"person-{org.sales1.pk}"]


def test_children_above_their_parent_is_a_warning_and_still_saved(org, tenant_a):
    east = f"department-{org.east.pk}"
    with in_tenant(tenant_a):
        warnings = services.save_targets(by=org.boss, measure="contract_amount", year=YEAR, entries={
            (east, 5): "1000", (f"person-{org.sales1.pk}", 5): "700", (f"department-{org.shanghai.pk}", 5): "400",
            (f"department-{org.east.pk}", 6): "1000", (f"person-{org.sales1.pk}", 6): "600"})
        assert [(w["subject"].key, w["month"], w["target"], w["children"]) for w in warnings] == [
            (east, 5, Decimal("1000"), Decimal("1100"))]
        assert Target.objects.filter(month=date(YEAR, 5, 1)).count() == 3


def test_actuals_and_completion_come_from_signed_contracts_and_new_customers(org, tenant_a):
    today = company_today()
    first = date(today.year, today.month, 1)
    p = product(tenant_a, org.boss, "目标产品")
    mine = add(tenant_a, org.sales1, "目标客户")
    signed = contract(tenant_a, org.sales1, mine, [(p, "1", "3000", "0")])
    contract(tenant_a, org.sales1, mine, [(p, "1", "9999", "0")])  # a draft: not counted
    west = contract(tenant_a, org.sales_w, add(tenant_a, org.sales_w, "西部目标客户"), [(p, "1", "500", "0")])
    with in_tenant(tenant_a):
        contracts.set_status(signed, "in_progress", by=org.sales1)
        contracts.set_status(west, "in_progress", by=org.sales_w)
        person = services.Subject(services.L.PERSON, org.sales1.pk, "")
        services.save_targets(by=org.manager, measure="contract_amount", year=today.year,
                              entries={(person.key, today.month): "6000"})
        services.save_targets(by=org.manager, measure="new_customers", year=today.year,
                              entries={(person.key, today.month): "4"})
        got = {(p.measure.key, p.period): p for p in services.progress(person, today)}
        month = got[("contract_amount", "month")]
        assert (month.target, month.actual, month.percent) == (Decimal("6000"), Decimal("3000"), Decimal("50.0"))
        customers = got[("new_customers", "month")]
        assert (customers.actual, customers.percent) == (Decimal(1), Decimal("25.0"))
        company = services.Subject(services.L.COMPANY, None, "")
        assert services.actual_of(company, "contract_amount", first, services.month_end(first)) == Decimal("3500")
        east = services.Subject(services.L.DEPARTMENT, org.east.pk, "")
        assert services.actual_of(east, "contract_amount", first, services.month_end(first)) == Decimal("3000")


def test_the_workbench_widget_shows_me_and_my_team(org, tenant_a, client_for):
    today = company_today()
    with in_tenant(tenant_a):
        services.save_targets(by=org.manager, measure="contract_amount", year=today.year,
                              entries={(f"person-{org.sales1.pk}", today.month): "1234"})
    html = client_for(tenant_a, org.sales1).get("/workbench/").content.decode()
    assert 'data-testid="sales-targets"' in html and ("1,234.00" in html or "1234.00" in html)
    boss = client_for(tenant_a, org.boss).get("/workbench/").content.decode()
    assert 'data-level="company"' in boss


def test_the_page_saves_a_grid_and_shows_warnings_in_both_languages(org, tenant_a, client_for):
    web = client_for(tenant_a, org.boss)
    east, person = f"department-{org.east.pk}", f"person-{org.sales1.pk}"
    page = web.get(f"/targets/?measure=contract_amount&year={YEAR}")
    assert page.status_code == 200 and f'name="t:{person}:12"' in page.content.decode()
    saved = web.post(f"/targets/?measure=contract_amount&year={YEAR}", {f"t:{east}:1": "100", f"t:{person}:1": "150"})
    assert saved.status_code == 302
    html = web.get(saved["Location"]).content.decode()
    assert 'data-testid="target-warning"' in html
    zh = client_for(tenant_a, org.boss, HTTP_ACCEPT_LANGUAGE="zh-hans").get(saved["Location"]).content.decode()
    assert 'data-testid="target-grid"' in zh
    bad = web.post(f"/targets/?measure=contract_amount&year={YEAR}", {f"t:{person}:2": "-3"})
    assert bad.status_code == 200 and "is-invalid" in bad.content.decode()


def test_the_api_reads_and_writes_the_grid_and_isolates_companies(org, tenant_a, tenant_b, make_user):
    rest = api(tenant_a, org.manager)
    person = f"person-{org.sales1.pk}"
    wrote = rest.post("/api/v1/targets/", {"measure": "contract_amount", "year": YEAR,
                                           "targets": [{"subject": person, "month": 1, "amount": "800"}]},
                      format="json")
    assert wrote.status_code == 200, wrote.content
    row = next(r for r in wrote.json()["rows"] if r["subject"] == person)
    assert row["months"][0] == "800.000000" or Decimal(row["months"][0]) == 800
    bad = rest.post("/api/v1/targets/", {"measure": "contract_amount", "year": YEAR,
                                         "targets": [{"subject": person, "month": 1, "amount": "x"}]}, format="json")
    assert bad.status_code == 400 and f"{person}.1" in bad.json()["errors"]
    assert api(tenant_a, org.sales1).get("/api/v1/targets/progress/").status_code == 200
    boss_b = make_user(tenant_b, role="boss", username="boss-b-targets")
    other = api(tenant_b, boss_b).get(f"/api/v1/targets/?measure=contract_amount&year={YEAR}").json()
    assert person not in {r["subject"] for r in other["rows"]}
    with in_tenant(tenant_b):
        assert not Target.objects.exists()
