"""Funnel and forecast figures (OPP-02) against hand-computed ones, per data scope, with drill-downs."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from io import BytesIO

import openpyxl
import pytest

from saas_core.opportunities import funnel, services
from tests.conftest import api, in_tenant
from tests.saas_core.opportunities.conftest import add, opportunity, standard_type

pytestmark = pytest.mark.django_db

D = Decimal


@pytest.fixture
def deals(org, tenant_a):
    """sales1: initial 100 (2027-01-15) and 200 (2027-01-20), needs 300 (2027-02-01), proposal 400 (no date),
    won 1000, lost 500; sales_w: initial 999 (2027-01-05)."""
    customer = add(tenant_a, org.sales1, "漏斗客户")
    west = add(tenant_a, org.sales_w, "西部漏斗客户")
    rows = [
        ("A", "Initial contact", "100", date(2027, 1, 15)), ("B", "Initial contact", "200", date(2027, 1, 20)),
        ("C", "Needs analysis", "300", date(2027, 2, 1)), ("D", "Proposal and quote", "400", None),
        ("E", "Won", "1000", date(2026, 11, 1)), ("F", "Lost", "500", date(2026, 11, 2)),
    ]
    for subject, stage_name, amount, day in rows:
        opportunity(tenant_a, org.sales1, customer, subject, stage_name=stage_name, expected_amount=D(amount),
                    expected_sign_on=day)
    opportunity(tenant_a, org.sales_w, west, "W", stage_name="Initial contact", expected_amount=D("999"),
                expected_sign_on=date(2027, 1, 5))


def _standard(figures):
    with_name = {f.type.name_en: f for f in figures.funnels}
    return with_name["New business"]


def test_the_salespersons_funnel_matches_the_hand_computed_figures(org, tenant_a, deals):
    with in_tenant(tenant_a):
        figures = funnel.figures(services.opportunities_for(org.sales1), list_url="/opportunities/")
        f = _standard(figures)
        assert (f.count, f.amount, f.won_count, f.won_amount, f.lost_count, f.lost_amount, f.win_rate) == (
            6, D("2500.00"), 1, D("1000.00"), 1, D("500.00"), D("50.0"))
        assert [(r.stage.name_en, r.count, r.amount, r.count_share, r.amount_share, r.conversion) for r in f.rows] == [
            ("Initial contact", 2, D("300.00"), D("33.3"), D("12.0"), D("60.0")),
            ("Needs analysis", 1, D("300.00"), D("16.7"), D("12.0"), D("66.7")),
            ("Proposal and quote", 1, D("400.00"), D("16.7"), D("16.0"), D("50.0")),
            ("Negotiation", 0, D("0.00"), D("0"), D("0"), D("100.0")),
        ]
        assert [(r.month, r.count, r.amount, r.weighted) for r in figures.forecast] == [
            ("2027-01", 2, D("300.00"), D("30.00")), ("2027-02", 1, D("300.00"), D("90.00")),
            ("none", 1, D("400.00"), D("200.00")),
        ]
        assert figures.weighted == D("320.00") and figures.forecast_amount == D("1000.00")


def test_the_boss_sees_everyones_and_filters_give_page_and_all_totals(org, tenant_a, deals, client_for):
    with in_tenant(tenant_a):
        boss = funnel.figures(services.opportunities_for(org.boss))
        assert _standard(boss).count == 7 and boss.weighted == D("419.90")  # + 999 × 10 %
    web = client_for(tenant_a, org.boss)
    page = web.get(f"/opportunities/funnel/?owner={org.sales_w.pk}").content.decode()
    assert 'data-testid="total-count">1<' in page and 'data-testid="all-count">7<' in page
    assert 'data-testid="total-weighted">99.90<' in page and 'data-testid="all-weighted">419.90<' in page


def test_every_figure_drills_down_to_the_opportunities_behind_it(org, tenant_a, deals, client_for):
    with in_tenant(tenant_a):
        figures = funnel.figures(services.opportunities_for(org.sales1), list_url="/opportunities/")
    web = client_for(tenant_a, org.sales1)
    f = _standard(figures)
    for row in f.rows:
        listed = web.get(row.url).content.decode().count('data-testid="opportunity-row"')
        assert listed == row.count, row.stage.name_en
    assert web.get(f.won_url).content.decode().count('data-testid="opportunity-row"') == 1
    january = next(r for r in figures.forecast if r.month == "2027-01")
    page = web.get(january.url).content.decode()
    assert page.count('data-testid="opportunity-row"') == 2 and ">A<" in page and ">B<" in page
    undated = next(r for r in figures.forecast if r.month == "none")
    assert ">D<" in web.get(undated.url).content.decode()


def test_the_funnel_page_api_and_export_respect_the_scope(org, tenant_a, deals, client_for):
    page = client_for(tenant_a, org.sales1).get("/opportunities/funnel/").content.decode()
    assert 'data-testid="total-count">6<' in page and 'id="funnel-data"' in page
    data = api(tenant_a, org.sales1).get("/api/v1/opportunities/funnel/").json()
    assert data["weighted"] == "320.00" and data["count"] == 6
    export = client_for(tenant_a, org.manager).get("/opportunities/funnel/export.xlsx")
    assert export.status_code == 200
    book = openpyxl.load_workbook(BytesIO(b"".join(export.streaming_content)))
    forecast = list(book.worksheets[1].iter_rows(values_only=True))
    assert forecast[-1][1] == "Total" and D(str(forecast[-1][4])) == D("320")
    assert client_for(tenant_a, org.sales1).get("/opportunities/funnel/export.xlsx").status_code == 403


def test_the_funnel_reads_a_few_queries_whatever_the_number_of_opportunities(org, tenant_a, deals, django_assert_max_num_queries):
    with in_tenant(tenant_a):
        standard_type()
        scoped = services.opportunities_for(org.boss)
        with django_assert_max_num_queries(4):
            funnel.figures(scoped)
