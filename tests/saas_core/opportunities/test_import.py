"""Importing opportunities from xlsx/CSV through the import machinery (template, mapping, per-row
problems in the report, the customer by number or name within the importer's scope, the stage of the
row's type, the service's rules), and an exported list importing back."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from saas_core.imports.models import ImportIssue
from saas_core.opportunities.models import Opportunity
from tests.conftest import in_tenant
from tests.saas_core.imports.conftest import csv_bytes, import_kind, xlsx_bytes
from tests.saas_core.opportunities.conftest import add

pytestmark = pytest.mark.django_db

HEADER = ["机会主题", "客户名称", "机会类型", "销售阶段", "预计金额", "预计签单日期", "机会来源", "负责人", "输单原因"]


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")


def test_xlsx_import_with_a_report_of_the_bad_rows(tenant_a, org):
    east = add(tenant_a, org.sales1, "华东导入客户")
    west = add(tenant_a, org.sales_w, "华西导入客户")
    with in_tenant(tenant_a):
        number = east.number
    rows = [
        ["年度采购", number, "新客户新业务", "需求分析", "50000.50", "2027-03-31", "转介绍", "sales1", ""],
        ["招标项目", "华东导入客户", "Tender", "", "8000", "", "", "", ""],
        ["丢了", "华东导入客户", "", "Lost", "", "", "", "", "价格偏高"],
        ["没有客户", "不存在的客户", "", "", "", "", "", "", ""],
        ["别人的客户", "华西导入客户", "", "", "", "", "", "", ""],  # outside the manager's scope
        ["别的类型的阶段", "华东导入客户", "新客户新业务", "中标", "", "", "", "", ""],
        ["小数太多", "华东导入客户", "", "", "1.234", "", "", "", ""],
        ["输单无原因", "华东导入客户", "", "输单", "", "", "", "", ""],
        ["", "华东导入客户", "", "", "", "", "", "", ""],
    ]
    job = import_kind("opportunities", tenant_a, org.manager, xlsx_bytes(rows, HEADER), "opportunities.xlsx")
    assert (job.imported, job.rejected) == (3, 6), job.error
    with in_tenant(tenant_a):
        deal = Opportunity.objects.get(subject="年度采购")
        assert (deal.customer, deal.stage.name_en, deal.probability) == (east, "Needs analysis", 30)
        assert deal.expected_amount == Decimal("50000.50") and str(deal.expected_sign_on) == "2027-03-31"
        assert deal.source.key == "referral" and deal.owner == org.sales1
        assert deal.stage_changes.count() == 1  # the history starts with the import
        tender = Opportunity.objects.get(subject="招标项目")
        assert (tender.type.name_en, tender.stage.name_en) == ("Tender", "Tender notice")
        lost = Opportunity.objects.get(subject="丢了")
        assert lost.stage.outcome == "lost" and lost.lost_reason.key == "price"
        assert not Opportunity.objects.filter(customer=west).exists()
        reasons = {i.row_number: " ".join(i.reasons) for i in ImportIssue.objects.filter(job_id=job.pk)}
    assert "No customer you may see" in reasons[5] and "No customer you may see" in reasons[6]
    assert "is not a stage of the type" in reasons[7]
    assert "At most 2 decimal places" in reasons[8]
    assert "Choose why the opportunity was lost." in reasons[9]
    assert "required" in reasons[10]


def test_an_exported_list_imports_back_and_the_template_names_the_columns(tenant_a, org, client_for):
    customer = add(tenant_a, org.boss, "往返客户")
    web = client_for(tenant_a, org.boss)
    template = load_workbook(io.BytesIO(b"".join(web.get("/imports/template/opportunities.xlsx").streaming_content)))
    header = [c.value for c in template.worksheets[0][1]]
    assert "Subject *" in header and "Customer name *" in header and "Stage" in header
    job = import_kind("opportunities", tenant_a, org.boss, csv_bytes([["往返", "往返客户", "", "", "10", "", "", "", ""]], HEADER),
                               "o.csv")
    assert job.imported == 1, job.error
    exported = b"".join(web.get("/imports/export/opportunities.xlsx").streaming_content)
    job = import_kind("opportunities", tenant_a, org.boss, exported, "export.xlsx")
    assert (job.imported, job.rejected) == (1, 0), job.error
    with in_tenant(tenant_a):
        assert Opportunity.objects.filter(customer=customer, subject="往返", expected_amount=Decimal("10")).count() == 2
