"""Importing quotes from xlsx/CSV: one row per line grouped by the quote number, each quote made by
the service (its rules, its totals) or not at all, with every row of a refused quote in the report;
a number the company already has is skipped."""

from __future__ import annotations

from decimal import Decimal

import pytest

from saas_core.imports.models import ImportIssue
from saas_core.quotes.models import Quote
from tests.conftest import in_tenant
from tests.saas_core.imports.conftest import csv_bytes, import_kind, xlsx_bytes
from tests.saas_core.quotes.conftest import add, product

pytestmark = pytest.mark.django_db

HEADER = ["报价单号", "客户名称", "主题", "报价日期", "有效期至", "产品", "数量", "单价", "折扣(%)", "整单折扣"]


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")


def test_lines_grouped_by_number_make_whole_quotes_or_none(tenant_a, org):
    customer = add(tenant_a, org.sales1, "导入报价客户")
    paper = product(tenant_a, org.boss, "导入复印纸", code="IMP-1", quote_price="100.00")
    pen = product(tenant_a, org.boss, "导入签字笔", code="IMP-2", quote_price="5.00")
    old = product(tenant_a, org.boss, "导入停售品", code="IMP-3", discontinued=True)
    rows = [
        ["BJ-001", "导入报价客户", "年度采购", "2026-12-01", "2026-12-31", "IMP-1", "3", "", "10", "2.50"],
        ["BJ-001", "", "", "", "", "导入签字笔", "10", "4.80", "", ""],
        ["BJ-002", "导入报价客户", "有坏行", "2026-12-01", "", "IMP-1", "1", "", "", ""],
        ["BJ-002", "", "", "", "", "IMP-3", "1", "", "", ""],  # discontinued: the whole quote is refused
        ["BJ-003", "导入报价客户", "", "", "", "IMP-2", "0", "", "", ""],  # quantity 0
        ["BJ-004", "", "", "", "", "IMP-2", "1", "", "", ""],  # no customer on its first row
    ]
    job = import_kind("quotes", tenant_a, org.manager, xlsx_bytes(rows, HEADER), "quotes.xlsx")
    assert (job.imported, job.rejected) == (2, 4), job.error
    with in_tenant(tenant_a):
        quote = Quote.objects.get()
        lines = list(quote.lines.order_by("position").values_list("product_id", "quantity", "unit_price", "total"))
        assert (quote.number, quote.customer, quote.subject, quote.owner) == ("BJ-001", customer, "年度采购", org.manager)
        assert str(quote.valid_until) == "2026-12-31"
        # 3 × 100 − 10 % = 270.00 (the quote strategy's price), 10 × 4.80 = 48.00; less 2.50.
        assert lines == [(paper.pk, Decimal("3"), Decimal("100"), Decimal("270")), (pen.pk, Decimal("10"), Decimal("4.8"),
                                                                                    Decimal("48"))]
        assert quote.total == Decimal("315.50")
        reasons = {i.row_number: " ".join(i.reasons) for i in ImportIssue.objects.filter(job_id=job.pk)}
    assert old.name in reasons[4] and old.name in reasons[5]  # both rows of BJ-002 say why
    assert set(reasons) == {4, 5, 6, 7}
    assert "first row" in reasons[7]
    # The same file again: BJ-001 exists, so its rows are skipped, not doubled.
    again = import_kind("quotes", tenant_a, org.manager, csv_bytes(rows[:2], HEADER), "quotes.csv")
    assert (again.imported, again.skipped) == (0, 2)
    with in_tenant(tenant_a):
        assert Quote.objects.count() == 1


def test_the_customer_must_be_in_the_importer_s_scope(tenant_a, org):
    add(tenant_a, org.sales_w, "西区报价客户")
    product(tenant_a, org.boss, "范围产品", code="IMP-9")
    job = import_kind("quotes", tenant_a, org.manager, csv_bytes([["X-1", "西区报价客户", "", "", "", "IMP-9", "1", "", "", ""]],
                                                        HEADER), "q.csv")
    assert (job.imported, job.rejected) == (0, 1)
    with in_tenant(tenant_a):
        assert not Quote.objects.exists()
        assert "No customer you may see" in " ".join(ImportIssue.objects.get(job_id=job.pk).reasons)
