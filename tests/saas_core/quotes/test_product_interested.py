"""The product 360°'s "customers interested" (PRD-01): one row per customer, from the opportunities
and the quotes that name the product, each counted in one aggregate and within the viewer's scope."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from saas_core.products.builtin_panels import _interested
from tests.conftest import in_tenant
from tests.saas_core.opportunities.conftest import opportunity
from tests.saas_core.quotes.conftest import add, product, quote

pytestmark = pytest.mark.django_db


def _panel(page: str) -> str:
    start = page.index('data-panel="interested"')
    return page[start:page.index("</section>", start)]


def _rows(page: str, group: str) -> list[str]:
    """The rows of one group ("Opportunities", "Quotes") of the panel, as text."""
    panel = _panel(page)
    part = panel.split(f'<h3 class="h6 small text-muted mt-2">{group}</h3>', 1)[1].split("</ul>", 1)[0]
    return [re.sub(r"<[^>]+>", "", li).strip() for li in re.findall(r"<li[^>]*>(.*?)</li>", part, re.S)]


def test_one_row_per_customer_from_opportunities_and_quotes_within_scope(org, tenant_a, client_for):
    east = add(tenant_a, org.sales1, "华东意向客户")
    east2 = add(tenant_a, org.sales1, "华东老客户")
    west = add(tenant_a, org.sales_w, "华西意向客户")
    wanted = product(tenant_a, org.boss, "意向产品")
    other = product(tenant_a, org.boss, "别的产品")
    deal = opportunity(tenant_a, org.sales1, east, "华东大单")
    first = quote(tenant_a, org.sales1, east, [(wanted, "1", "10", "0")], opportunity=deal)
    latest = quote(tenant_a, org.sales1, east, [(other, "1", "10", "0"), (wanted, "2", "10", "0")], opportunity=deal)
    quote(tenant_a, org.sales1, east2, [(other, "1", "10", "0")])  # not this product: not interested
    west_deal = opportunity(tenant_a, org.sales_w, west, "华西单")
    quote(tenant_a, org.sales_w, west, [(wanted, "1", "10", "0")], opportunity=west_deal)

    boss = client_for(tenant_a, org.boss).get(f"/products/{wanted.pk}/").content.decode()
    quotes = _rows(boss, "Quotes")
    assert len(quotes) == 2  # east's two quotes make one row
    east_row = next(r for r in quotes if "华东意向客户" in r)
    assert "2 quotes, the latest " in east_row and (latest.number in east_row or first.number in east_row)
    assert any("华西意向客户" in r and "1 quote, the latest" in r for r in quotes)
    assert "华东老客户" not in _panel(boss)
    opportunities = _rows(boss, "Opportunities")
    assert len(opportunities) == 2
    assert any("华东意向客户" in r and "1 opportunity, the latest “华东大单”" in r for r in opportunities)

    # A salesperson sees only what their scope holds: their customer, not the other salesperson's.
    own = client_for(tenant_a, org.sales1).get(f"/products/{wanted.pk}/").content.decode()
    assert "华东意向客户" in _panel(own) and "华西意向客户" not in _panel(own)
    assert len(_rows(own, "Quotes")) == 1 and len(_rows(own, "Opportunities")) == 1


def test_the_panel_is_two_queries_whatever_the_number_of_quotes(org, tenant_a, rf):
    customers = [add(tenant_a, org.sales1, f"客户{i}") for i in range(5)]
    wanted = product(tenant_a, org.boss, "热门产品")
    for i, customer in enumerate(customers):
        deal = opportunity(tenant_a, org.sales1, customer, f"商机{i}")
        for _ in range(3):
            quote(tenant_a, org.sales1, customer, [(wanted, "1", "10", "0")], opportunity=deal)
    request = rf.get("/")
    request.user = org.boss
    with in_tenant(tenant_a), translation.override("en"), CaptureQueriesContext(connection) as queries:
        groups = _interested(request, wanted)["groups"]
    rows = {g["label"]: g["rows"] for g in groups}
    assert len(rows["Quotes"]) == 5 and len(rows["Opportunities"]) == 5
    assert all("3 quotes" in r["what"] for r in rows["Quotes"])
    assert len([q for q in queries.captured_queries if "quotes_quote" in q["sql"]]) == 2
