"""Import/export fixtures: a private media folder, files built in memory, jobs run synchronously."""

from __future__ import annotations

import csv
import io

import pytest
from openpyxl import Workbook

from tests.conftest import in_tenant

HEADER_ZH = ["客户名称", "客户性质", "所属行业", "电话", "邮箱", "联系人", "手机", "职务"]


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    return tmp_path / "media"


def xlsx_bytes(rows: list[list], header: list[str] | None = None) -> bytes:
    """A real workbook written by openpyxl (shared strings, as Excel writes them)."""
    wb = Workbook()
    ws = wb.active
    ws.append(header or HEADER_ZH)
    for row in rows:
        ws.append(row)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def csv_bytes(rows: list[list], header: list[str] | None = None, encoding: str = "utf-8") -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header or HEADER_ZH)
    writer.writerows(rows)
    return out.getvalue().encode(encoding)


def uploaded(**kwargs):
    """``services.create_job`` (the web request: cheap checks only), then what the worker does
    with the upload (``read_file``: the header and the first rows)."""
    from saas_core.imports import services

    job = services.create_job(**kwargs)
    return services.read_file(job.pk)


def run(job):
    """Queue and run a job in this process (the task's code, without the broker)."""
    from saas_core.imports import services

    services.start(job, by=job.created_by, enqueue=False)
    return services.run_job(job.pk)


def import_kind(kind: str, tenant, user, data: bytes, name: str, mode: str = "skip", **kwargs):
    """Upload ``data`` as an import of ``kind`` (an importer's key) by ``user`` and run it."""
    with in_tenant(tenant):
        job = uploaded(by=user, kind=kind, upload=data, filename=name, duplicate_mode=mode, **kwargs)
        return run(job)


def import_file(info, user, data: bytes, name: str, mode: str = "skip", **kwargs):
    return import_kind("customers", info, user, data, name, mode, **kwargs)


GOOD = [
    ["上海浦江物流有限公司", "企业", "物流/运输", "021-5888 6666", "info@pujiang.cn", "王芳", "+86 139 1234 5678", "经理"],
    ["Pacific Rim Trading Co., Ltd.", "enterprise", "Import and export", "", "", "David Wang", "13800001111", "CEO"],
    ["张三", "个人", "", "", "", "张三", "13600002222", ""],
]
BAD = [
    ["", "企业", "", "", "", "无名", "13700003333", ""],  # missing name
    ["坏邮箱有限公司", "企业", "", "", "not-an-email", "", "", ""],  # bad e-mail
    ["未知行业有限公司", "企业", "造飞船", "", "", "", "", ""],  # unknown dictionary value
    ["长" * 201, "企业", "", "", "", "", "", ""],  # over-long name
    ["联系人坏了有限公司", "企业", "", "", "", "李" * 101, "13500004444", ""],  # contact name too long: no half customer
]
