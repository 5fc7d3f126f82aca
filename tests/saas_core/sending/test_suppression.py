"""The suppression list as users meet it: addresses matched however they were typed, adding is
idempotent (tests/saas_core/sending/test_suppression_race.py: also under a race), the page and the API with clear errors and the role's rights,
import and export, and company A never seeing or lifting company B's entries."""

from __future__ import annotations

import io

import pytest
from django.core.exceptions import ValidationError
from openpyxl import load_workbook

from saas_core.sending import suppression
from saas_core.sending.models import Channel, Reason, Suppression
from tests.conftest import in_tenant
from tests.saas_core.imports.conftest import run, uploaded, xlsx_bytes
from tests.saas_core.org.conftest import build_org

pytestmark = pytest.mark.django_db


@pytest.fixture
def org(tenant_a, boss_a, make_user):
    return build_org(tenant_a, boss_a, make_user)


def test_addresses_match_however_they_were_typed(tenant_a, boss_a):
    with in_tenant(tenant_a):
        entry = suppression.suppress(Channel.EMAIL, "  Li.Lei@Example.COM ", by=boss_a, note="asked by phone")
        again = suppression.suppress(Channel.EMAIL, "li.lei@example.com", reason=Reason.COMPLAINT)
        phone = suppression.suppress(Channel.SMS, "+86 138-1234-5678", reason=Reason.OPT_OUT)
        assert again.pk == entry.pk and again.reason == Reason.MANUAL  # the first reason stays
        assert entry.address == "li.lei@example.com" and phone.address == "13812345678"
        assert suppression.suppressed(Channel.SMS, ["13812345678", "13900000000"]) == {"13812345678"}
        assert not suppression.is_suppressed(Channel.EMAIL, "13812345678")  # channel-aware
        with pytest.raises(ValidationError) as refused:
            suppression.refuse(Channel.EMAIL, "li.lei@example.com", "Li.Lei@Example.COM", field="to")
        assert "Li.Lei@Example.COM is on the suppression list" in str(refused.value.message_dict["to"])
        with pytest.raises(ValidationError) as bad:
            suppression.suppress(Channel.EMAIL, "not-an-address", by=boss_a)
        assert "is not an e-mail address" in str(bad.value.message_dict["address"])
        assert Suppression.objects.count() == 2


def test_the_page_adds_searches_and_lifts_by_rights(tenant_a, org, client_for):
    boss = client_for(tenant_a, org.boss)
    bad = boss.post("/sending/suppression/", {"add-channel": "email", "add-address": "nope", "add-reason": "manual"})
    assert bad.status_code == 200 and "is not an e-mail address" in bad.content.decode()
    added = boss.post("/sending/suppression/", {"add-channel": "sms", "add-address": "138 0000 1111",
                                                "add-reason": "manual", "add-note": "do not call"})
    assert added.status_code == 302
    page = boss.get("/sending/suppression/?q=1380000").content.decode()
    assert 'href="tel:13800001111"' in page and "do not call" in page
    sales = client_for(tenant_a, org.sales1)
    assert "13800001111" in sales.get("/sending/suppression/").content.decode()
    with in_tenant(tenant_a):
        entry = Suppression.objects.get()
    assert sales.post(f"/sending/suppression/{entry.pk}/lift/").status_code == 403  # sales may not lift
    assert client_for(tenant_a, org.maintainer).get("/sending/suppression/").status_code == 403
    assert boss.post(f"/sending/suppression/{entry.pk}/lift/").status_code == 302
    with in_tenant(tenant_a):
        assert not Suppression.objects.exists()


def test_api_adds_idempotently_filters_and_answers_400_with_the_field(tenant_a, org, client_for):
    api = client_for(tenant_a, org.sales1)
    first = api.post("/api/v1/suppression/", {"channel": "email", "address": "A@b.cn", "reason": "unsubscribe"},
                     content_type="application/json")
    assert first.status_code == 201 and first.json()["address"] == "a@b.cn"
    second = api.post("/api/v1/suppression/", {"channel": "email", "address": "a@B.cn"},
                      content_type="application/json")
    assert second.json()["id"] == first.json()["id"]
    bad = api.post("/api/v1/suppression/", {"channel": "fax", "address": "1"}, content_type="application/json")
    assert bad.status_code == 400 and "channel" in bad.json()["errors"]
    bad_phone = api.post("/api/v1/suppression/", {"channel": "sms", "address": "12"}, content_type="application/json")
    assert bad_phone.status_code == 400 and "is not a mobile number" in bad_phone.json()["errors"]["address"][0]
    api.post("/api/v1/suppression/", {"channel": "sms", "address": "13900001111"}, content_type="application/json")
    listed = api.get("/api/v1/suppression/?channel=sms").json()
    assert [r["address"] for r in listed["results"]] == ["13900001111"]
    assert api.delete(f"/api/v1/suppression/{first.json()['id']}/").status_code == 403
    assert client_for(tenant_a, org.boss).delete(f"/api/v1/suppression/{first.json()['id']}/").status_code == 204


def test_company_b_cannot_see_or_lift_company_a_entries(tenant_a, tenant_b, boss_a, client_for):
    from saas_core.accounts.models import User

    with in_tenant(tenant_a):
        entry = suppression.suppress(Channel.EMAIL, "secret@a-corp.cn", by=boss_a)
    with in_tenant(tenant_b):
        boss_b = User.objects.get(username=tenant_b.boss_username)
    b = client_for(tenant_b, boss_b)
    assert b.get(f"/api/v1/suppression/{entry.pk}/").status_code == 404
    assert b.delete(f"/api/v1/suppression/{entry.pk}/").status_code == 404
    assert b.post(f"/sending/suppression/{entry.pk}/lift/").status_code == 404
    assert "secret@a-corp.cn" not in b.get("/sending/suppression/").content.decode()
    assert "secret@a-corp.cn" not in b.get("/api/v1/suppression/?search=secret").content.decode()
    export = b.get("/imports/export/suppression.xlsx")
    assert b"secret" not in b"".join(export.streaming_content)
    with in_tenant(tenant_a):
        assert Suppression.objects.filter(pk=entry.pk).exists()


def test_import_then_export_the_list(tenant_a, org, client_for, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    rows = [["Wang@Example.com", "", "退订", "from the old ESP"], ["+86 139 0000 2222", "短信", "", ""],
            ["not an address", "邮件", "", ""], ["wang@example.com", "", "", "twice in the file"]]
    with in_tenant(tenant_a):
        job = uploaded(by=org.boss, kind="suppression", upload=xlsx_bytes(rows, ["邮箱", "渠道", "原因", "备注"]),
                       filename="list.xlsx", duplicate_mode="skip")
        job = run(job)
    assert (job.imported, job.rejected, job.skipped) == (2, 1, 1), job.error  # the bad address; the repeat
    with in_tenant(tenant_a):
        wang = Suppression.objects.get(channel="email")
        assert (wang.address, wang.reason, wang.note) == ("wang@example.com", Reason.OPT_OUT, "from the old ESP")
        assert Suppression.objects.get(channel="sms").reason == Reason.IMPORTED
    response = client_for(tenant_a, org.boss).get("/imports/export/suppression.xlsx?channel=email")
    data = b"".join(response.streaming_content)
    sheet = list(load_workbook(io.BytesIO(data), read_only=True).worksheets[0].iter_rows(values_only=True))
    assert [r[0] for r in sheet[1:]] == ["wang@example.com"]
    assert client_for(tenant_a, org.sales1).get("/imports/export/suppression.xlsx").status_code == 403
