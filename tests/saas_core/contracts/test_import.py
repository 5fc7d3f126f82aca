"""Importing contracts and orders from xlsx/CSV: header + line rows grouped by the document
number, each document made by its service or not at all, every row of a refused document in the
report; the file's numbers are kept, a number the company has is skipped, and the company's own
numbering never hands out an imported number again."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from saas_core.contracts import numbering
from saas_core.contracts.models import Contract
from saas_core.imports.models import ImportIssue
from saas_core.orders.models import Order
from tests.conftest import in_tenant
from tests.saas_core.contracts.conftest import add, contract, product
from tests.saas_core.imports.conftest import csv_bytes, import_kind, xlsx_bytes

pytestmark = pytest.mark.django_db
CONTRACT_HEADER = ["合同编号", "客户名称", "合同名称", "开始日期", "结束日期", "产品", "数量", "单价", "折扣(%)", "整单折扣"]
ORDER_HEADER = ["Order number", "Customer name", "Order date", "Receiver", "Product", "Quantity", "Unit price"]


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")


def test_contract_rows_make_whole_contracts_or_none_with_a_report(tenant_a, org):
    customer = add(tenant_a, org.sales1, "导入合同客户")
    product(tenant_a, org.boss, "导入服务器", code="CT-1")
    product(tenant_a, org.boss, "导入停售", code="CT-3", discontinued=True)
    year = date.today().year
    taken = f"HT{year}01-0001"
    rows = [
        [taken, "导入合同客户", "年度合同", f"{year}-01-01", f"{year}-12-31", "CT-1", "2", "1000", "", "100"],
        [taken, "", "", "", "", "CT-1", "1", "500", "10", ""],
        ["OLD-2", "导入合同客户", "坏合同", f"{year}-01-01", f"{year - 1}-12-31", "CT-1", "1", "1", "", ""],  # ends first
        ["OLD-3", "导入合同客户", "停售", "", "", "CT-3", "1", "1", "", ""],
        ["OLD-3", "", "", "", "", "CT-1", "1", "1", "", ""],
    ]
    job = import_kind("contracts", tenant_a, org.manager, xlsx_bytes(rows, CONTRACT_HEADER), "contracts.xlsx")
    assert (job.imported, job.rejected) == (2, 3), job.error
    with in_tenant(tenant_a):
        made = Contract.objects.get()
        assert (made.number, made.customer, made.title, made.status) == (taken, customer, "年度合同", "draft")
        assert made.total == Decimal("2350.00")  # 2 × 1000 + 500 − 10 % − 100
        reasons = {i.row_number: " ".join(i.reasons) for i in ImportIssue.objects.filter(job_id=job.pk)}
        assert set(reasons) == {4, 5, 6} and "end date" in reasons[4]
    again = import_kind("contracts", tenant_a, org.manager, csv_bytes(rows[:2], CONTRACT_HEADER), "contracts.csv")
    assert (again.imported, again.skipped) == (0, 2)
    # The company's numbering skips the imported number of its own pattern.
    p = product(tenant_a, org.boss, "新合同产品", code="CT-9")
    with in_tenant(tenant_a):
        from django.db import transaction

        with transaction.atomic():
            assert numbering.next_number("contract", date(year, 1, 5)) == f"HT{year}01-0002"
    fresh = contract(tenant_a, org.sales1, customer, [(p, "1", "1", "0")])
    assert fresh.number != taken


def test_order_rows_with_english_headers_make_orders_awaiting_confirmation(tenant_a, org):
    add(tenant_a, org.sales1, "导入订单客户")
    product(tenant_a, org.boss, "导入螺栓", code="OR-1")
    rows = [["EXT-9", "导入订单客户", "2026-02-01", "张三", "OR-1", "5", "2.5"],
            ["EXT-9", "", "", "", "OR-1", "-1", ""]]
    job = import_kind("orders", tenant_a, org.manager, csv_bytes(rows, ORDER_HEADER), "orders.csv")
    assert (job.imported, job.rejected) == (0, 2)
    job = import_kind("orders", tenant_a, org.manager, csv_bytes(rows[:1], ORDER_HEADER), "orders.csv")
    assert job.imported == 1, job.error
    with in_tenant(tenant_a):
        order = Order.objects.get()
        assert (order.number, order.status, order.receiver, order.total) == ("EXT-9", "draft", "张三", Decimal("12.50"))
