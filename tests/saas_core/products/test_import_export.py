"""Importing products from xlsx/CSV through the import machinery (template, mapping, per-row
errors, update by code, categories made from paths) and exporting the list (the cost price only
with the right)."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from saas_core.org.models import RoleSetting
from saas_core.products import services
from saas_core.products.models import Product
from saas_core.products.search import search_products
from tests.conftest import in_tenant
from tests.saas_core.imports.conftest import csv_bytes, run, uploaded, xlsx_bytes
from tests.saas_core.products.conftest import add

pytestmark = pytest.mark.django_db

HEADER = ["产品编号", "产品名称", "规格", "单位", "产品分类", "报价", "VIP价", "成本价", "停售"]


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")


def sheet(response) -> list[tuple]:
    data = b"".join(response.streaming_content)
    return [tuple(r) for r in load_workbook(io.BytesIO(data), read_only=True).worksheets[0].iter_rows(values_only=True)]


def import_products(info, user, data: bytes, name: str, mode: str = "skip"):
    with in_tenant(info):
        job = uploaded(by=user, kind="products", upload=data, filename=name, duplicate_mode=mode)
        return run(job)


ROWS = [
    ["P-1", "A4 复印纸", "70g", "箱", "办公用品 / 纸张", "120", "110.5", "80", "否"],
    ["", "订书机", "", "个", "办公用品", 25, "", "", ""],
    ["P-3", "", "", "", "", "1", "", "", ""],  # no name
    ["P-4", "负价", "", "", "", "-1", "", "", ""],  # negative price
    ["P-5", "太多小数", "", "", "", "1.234", "", "", ""],  # more decimals than the precision
]


def test_xlsx_import_with_categories_prices_and_a_report_of_bad_rows(tenant_a, org):
    job = import_products(tenant_a, org.boss, xlsx_bytes(ROWS, HEADER), "products.xlsx")
    assert (job.imported, job.rejected) == (2, 3), job.error
    with in_tenant(tenant_a):
        paper = Product.objects.get(code="P-1")
        assert services.category_path(paper.category) == "办公用品 / 纸张"
        assert services.price_map([paper])[paper.pk] == {"quote": Decimal("120.00"), "vip": Decimal("110.50")}
        assert paper.cost_price == Decimal("80") and not paper.discontinued
        stapler = Product.objects.get(name="订书机")
        assert stapler.code.startswith("CP") and stapler.category.name == "办公用品"
        assert search_products(Product.objects.all(), "fyz").get() == paper


def test_csv_update_by_code(tenant_a, org):
    add(tenant_a, org.boss, "Old name", code="P-1", prices={"quote": "100"})
    job = import_products(tenant_a, org.boss, csv_bytes([["P-1", "New name", "", "", "", "130", "", "", "是"]], HEADER),
                          "p.csv", mode="update")
    assert (job.updated, job.rejected) == (1, 0), job.error
    with in_tenant(tenant_a):
        product = Product.objects.get()
        assert product.name == "New name" and product.discontinued
        assert services.price_map([product])[product.pk]["quote"] == Decimal("130.00")


def test_a_role_without_the_cost_right_cannot_import_cost_prices(tenant_a, org, make_user):
    purchaser = make_user(tenant_a, username="buyer_imp", role="purchaser")
    with in_tenant(tenant_a):
        setting = RoleSetting.objects.get(role="purchaser")
        setting.permissions = {**(setting.permissions or {}), "products": ["view", "create", "edit", "import"]}
        setting.rights = {**(setting.rights or {}), "see_cost_price": False}
        setting.save()
    job = import_products(tenant_a, purchaser, xlsx_bytes([ROWS[0], ROWS[1]], HEADER), "p.xlsx")
    assert (job.imported, job.rejected) == (1, 1)
    with in_tenant(tenant_a):
        assert list(Product.objects.values_list("name", flat=True)) == ["订书机"]


def test_template_names_the_strategies(client_for, tenant_a, org):
    response = client_for(tenant_a, org.boss).get("/imports/template/products.xlsx")
    assert response.status_code == 200
    header = sheet(response)[0]
    assert "Product name *" in header and "Quote price" in header and "Wholesale price" in header


def test_export_the_filtered_list_with_cost_only_for_the_right(client_for, tenant_a, org):
    add(tenant_a, org.boss, "复印纸", code="P-1", prices={"quote": "120"}, cost_price="80.5")
    add(tenant_a, org.boss, "订书机", code="P-2")
    rows = sheet(client_for(tenant_a, org.boss).get("/imports/export/products.xlsx?q=fyz"))
    header = rows[0]
    assert [r[1] for r in rows[1:]] == ["复印纸"]
    assert rows[1][header.index("Quote price")] == 120 and rows[1][header.index("Cost price")] == 80.5
    with in_tenant(tenant_a):  # the manager exports (export action and right) without the cost right
        setting = RoleSetting.objects.get(role="manager")
        setting.permissions = {**(setting.permissions or {}), "products": ["view", "export"]}
        setting.save()
    response = client_for(tenant_a, org.manager).get("/imports/export/products.xlsx")
    rows = sheet(response)
    assert "Cost price" not in rows[0] and all(80.5 not in r for r in rows)
    assert "/imports/export/products.xlsx" in client_for(tenant_a, org.manager).get("/products/").content.decode()
    assert client_for(tenant_a, org.sales1).get("/imports/export/products.xlsx").status_code == 403
