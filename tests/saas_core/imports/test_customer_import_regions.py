"""Imported provinces and cities get their standard names (issue 14): 江苏 / 江苏省 / Jiangsu are
one province in every report; a place that cannot be matched rejects its row, naming the value."""

from __future__ import annotations

import pytest
from django.utils import translation

from saas_core.customers.models import Customer
from tests.conftest import in_tenant
from tests.saas_core.imports.conftest import csv_bytes, import_file
from tests.saas_core.imports.test_customer_import import report_rows

pytestmark = pytest.mark.django_db

HEADER = ["客户名称", "省份", "城市", "区县"]


def test_import_normalises_places_and_rejects_unknown_ones(tenant_a, boss_a):
    rows = [
        ["甲公司", "江苏", "南京", ""],
        ["乙公司", "江苏省", "南京市", "玄武"],
        ["丙公司", "Jiangsu", "Suzhou", ""],
        ["丁公司", "", "无锡", ""],  # the province found from the city
        ["戊公司", "北京", "海淀", ""],  # a district typed as the city
        ["己公司", "江苏", "杭州", ""],  # not a city of 江苏
        ["庚公司", "火星", "", ""],
        ["辛公司", "", "", ""],
    ]
    job = import_file(tenant_a, boss_a, csv_bytes(rows, HEADER), "places.csv")
    assert (job.imported, job.rejected) == (6, 2), job.error
    with in_tenant(tenant_a):
        found = {c.name: (c.province, c.city, c.district) for c in Customer.objects.all()}
        by_province = sorted(set(Customer.objects.exclude(province="").values_list("province", flat=True)))
    assert found == {
        "甲公司": ("江苏省", "南京市", ""), "乙公司": ("江苏省", "南京市", "玄武区"), "丙公司": ("江苏省", "苏州市", ""),
        "丁公司": ("江苏省", "无锡市", ""), "戊公司": ("北京市", "北京市", "海淀区"), "辛公司": ("", "", ""),
    }
    assert by_province == ["北京市", "江苏省"]  # one bar per province
    by_row = {r[0]: r for r in report_rows(job)[1:]}
    assert by_row[7][2] == "City: “杭州” is not a city of 江苏省."
    assert by_row[8][2] == "Province: “火星” is not a province of China; choose one from the list."


def test_import_errors_in_chinese(tenant_a, boss_a):
    with in_tenant(tenant_a):
        boss_a.language = "zh-hans"
        boss_a.save(update_fields=["language"])
    with translation.override("zh-hans"):
        job = import_file(tenant_a, boss_a, csv_bytes([["己公司", "江苏", "杭州", ""]], HEADER), "places.csv")
    assert job.rejected == 1
    reasons = report_rows(job)[1][2]
    assert reasons == "城市：“杭州”不是江苏省的城市。" or reasons == "城市: “杭州”不是江苏省的城市。"


def test_updating_import_keeps_the_place_standard(tenant_a, boss_a):
    import_file(tenant_a, boss_a, csv_bytes([["甲公司", "江苏", "南京", ""]], HEADER), "a.csv")
    job = import_file(tenant_a, boss_a, csv_bytes([["甲公司", "浙江", "杭州", "西湖"]], HEADER), "b.csv", mode="update")
    assert job.status == "done", job.error
    with in_tenant(tenant_a):
        customer = Customer.objects.get(name="甲公司")
    assert (customer.province, customer.city, customer.district) == ("浙江省", "杭州市", "西湖区")
