"""The SMS pages and API as users meet them: sending, the Boss's settings (secrets never shown
back), the log by org tree (nobody deletes it), tenant isolation, and the module switched off."""

from __future__ import annotations

import re

import pytest

from plugins.sms import services
from plugins.sms.models import SmsMessage, SmsSettings, SmsTemplate
from saas_core.accounts.models import Role
from tests.conftest import in_tenant
from tests.plugins.sms.conftest import gateway
from tests.saas_core.org.conftest import build_org

pytestmark = pytest.mark.django_db


@pytest.fixture
def org(tenant_a, boss_a, make_user, sms_a):
    with in_tenant(tenant_a):
        gateway("development", signature="阿尔法")
    return build_org(tenant_a, boss_a, make_user)


def send_as(tenant, user, number, body="hi", callbacks=None):
    with in_tenant(tenant):
        return services.send_single(by=user, number=number, body=body)


def test_the_contacts_mobile_link_opens_the_send_page_which_sends(tenant_a, org, client_for,
                                                                  django_capture_on_commit_callbacks):
    from saas_core.customers.services import create_customer

    with in_tenant(tenant_a):
        customer = create_customer(by=org.boss, name="联系测试", confirm_duplicates=True,
                                   contact={"name": "王五", "mobile": "13811112222"})
        contact = customer.contacts.get()
    client = client_for(tenant_a, org.boss)
    listing = client.get("/customers/contacts/").content.decode()
    link = re.search(r'href="(/sms/\?[^"]+)"[^>]*data-phone-action="sms"', listing)
    assert link, "no SMS link beside the mobile number"
    page = client.get(link.group(1).replace("&amp;", "&")).content.decode()
    assert 'value="13811112222"' in page and "王五" in page
    preview = client.post("/sms/", {"number": "13811112222", "contact": contact.pk, "body": "{contact}您好",
                                    "action": "preview"}).content.decode()
    assert "【阿尔法】王五您好" in preview and 'data-testid="sms-part"' in preview
    with django_capture_on_commit_callbacks():
        response = client.post("/sms/", {"number": "13811112222", "contact": contact.pk, "body": "{contact}您好"})
    assert response.status_code == 302 and response["Location"] == "/sms/log/"
    with in_tenant(tenant_a):
        message = SmsMessage.objects.get()
    assert message.contact_id == contact.pk and message.body == "【阿尔法】王五您好"


def test_api_send_preview_and_errors(tenant_a, org, client_for, django_capture_on_commit_callbacks):
    api = client_for(tenant_a, org.sales1)
    preview = api.post("/api/v1/sms/messages/preview/", {"body": "好" * 71}, content_type="application/json").json()
    assert preview["part_count"] == 2 and preview["per_part"] == 67 and preview["cost"] == "0.10"
    bad = api.post("/api/v1/sms/messages/", {"number": "12", "body": "hi"}, content_type="application/json")
    assert bad.status_code == 400 and "number" in bad.json()["errors"]
    unknown = api.post("/api/v1/sms/messages/", {"number": "13800000000", "body": "{nope}"},
                       content_type="application/json")
    assert unknown.status_code == 400 and "{nope}" in unknown.json()["detail"]
    with django_capture_on_commit_callbacks():
        sent = api.post("/api/v1/sms/messages/", {"number": "13800000000", "body": "hi"},
                        content_type="application/json")
    assert sent.status_code == 201 and sent.json()["status"] == "queued"
    no_phone = api.post("/api/v1/sms/messages/test/", {"body": "hi"}, content_type="application/json")
    assert no_phone.status_code == 400 and "mobile number" in no_phone.json()["detail"]


def test_the_log_is_read_by_the_sender_and_superiors_and_deleted_by_nobody(tenant_a, org, client_for,
                                                                           django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks():
        mine = send_as(tenant_a, org.sales1, "13800000001")
        peer = send_as(tenant_a, org.sales2, "13800000002")
        west = send_as(tenant_a, org.sales_w, "13800000003")

    def visible(user):
        rows = client_for(tenant_a, user).get("/api/v1/sms/messages/").json()["results"]
        return {row["id"] for row in rows}

    assert visible(org.sales1) == {mine.pk}
    assert visible(org.manager) == {mine.pk, peer.pk}  # his two people, not the west
    assert visible(org.director) == {mine.pk, peer.pk, west.pk}
    assert visible(org.boss) == {mine.pk, peer.pk, west.pk}
    sales1 = client_for(tenant_a, org.sales1)
    assert sales1.get(f"/api/v1/sms/messages/{peer.pk}/").status_code == 404
    page = sales1.get("/sms/log/").content.decode()
    assert "13800000001" in page and "13800000002" not in page
    boss = client_for(tenant_a, org.boss)
    for method in ("delete", "put", "patch"):
        assert getattr(boss, method)(f"/api/v1/sms/messages/{mine.pk}/").status_code == 405
    assert "delete" not in page.lower().replace("cannot be deleted", "")
    with in_tenant(tenant_a):
        assert SmsMessage.objects.count() == 3


def test_the_settings_page_never_shows_the_secret(tenant_a, org, client_for):
    boss = client_for(tenant_a, org.boss)
    response = boss.post("/sms/settings/", {
        "gw-provider": "twilio", "gw-access_key_id": "AC123", "gw-access_key_secret": "very-secret-token",
        "gw-sender_number": "+15005550006", "gw-signature": "", "gw-price": "0.07", "gw-currency": "usd",
        "gw-monthly_quota": "500", "gw-endpoint": "", "gw-app_id": "", "gw-region": "",
    })
    assert response.status_code == 302
    with in_tenant(tenant_a):
        config = SmsSettings.objects.get()
    assert (config.access_key_secret, config.price_per_part_minor, config.currency) == ("very-secret-token", 7, "USD")
    page = boss.get("/sms/settings/").content.decode()
    assert "very-secret-token" not in page and 'data-testid="sms-secret-stored"' in page
    api = boss.get("/api/v1/sms/settings/").json()
    assert "access_key_secret" not in api and api["has_secret"] is True
    patched = boss.patch("/api/v1/sms/settings/", {"monthly_quota": 800, "access_key_secret": ""},
                         content_type="application/json")
    assert patched.status_code == 200 and "very-secret-token" not in patched.content.decode()
    with in_tenant(tenant_a):
        assert SmsSettings.objects.get().access_key_secret == "very-secret-token"
    # a director may edit templates but not the gateway
    director = client_for(tenant_a, org.director)
    assert director.get("/api/v1/sms/settings/").status_code == 403
    assert 'data-testid="sms-settings-form"' not in director.get("/sms/settings/").content.decode()
    assert director.post("/api/v1/sms/templates/", {"name": "祝福", "body": "{contact}生日快乐"},
                         content_type="application/json").status_code == 201
    assert client_for(tenant_a, org.sales1).get("/sms/settings/").status_code == 403


def test_tenant_b_cannot_reach_a_s_sms_by_any_url(tenant_a, tenant_b, org, client_for, make_user, switch_module,
                                                   django_capture_on_commit_callbacks):
    switch_module(tenant_b, "sms", True)
    with in_tenant(tenant_a):
        template = SmsTemplate.objects.create(name="A的模板", body="hi", created_by=org.boss)
        entry = services.add_opt_out("13800000009", by=org.boss)
        services.save_settings(by=org.boss, signature="阿尔法机密", monthly_quota=777)
    with django_capture_on_commit_callbacks():
        message = send_as(tenant_a, org.boss, "13800000001", body="A的秘密短信")
    boss_b = make_user(tenant_b, role=Role.BOSS)
    b = client_for(tenant_b, boss_b)
    assert b.get(f"/api/v1/sms/messages/{message.pk}/").status_code == 404
    assert b.get(f"/api/v1/sms/templates/{template.pk}/").status_code == 404
    assert b.patch(f"/api/v1/sms/templates/{template.pk}/", {"name": "x"},
                   content_type="application/json").status_code == 404
    assert b.delete(f"/api/v1/sms/opt-outs/{entry.pk}/").status_code == 404
    assert b.get(f"/sms/templates/{template.pk}/").status_code == 404
    assert b.post(f"/sms/opt-outs/{entry.pk}/remove/").status_code == 404
    settings_b = b.get("/api/v1/sms/settings/").json()
    assert settings_b["monthly_quota"] != 777 and "阿尔法机密" not in str(settings_b)
    for url in ("/api/v1/sms/messages/", "/sms/log/", "/api/v1/sms/templates/", "/sms/settings/",
                "/api/v1/sms/opt-outs/"):
        body = b.get(url).content.decode()
        assert "A的秘密短信" not in body and "A的模板" not in body and "13800000009" not in body, url
    assert b.patch("/api/v1/sms/settings/", {"monthly_quota": 1}, content_type="application/json").status_code == 200
    with in_tenant(tenant_a):
        assert services.gateway_settings().monthly_quota == 777
    # A's session means nothing on B's host
    a_client = client_for(tenant_a, org.boss)
    assert a_client.get("/api/v1/sms/messages/", HTTP_HOST=tenant_b.host).status_code in (401, 403)


def test_switched_off_the_module_is_gone_and_its_task_refuses(tenant_a, org, client_for, switch_module,
                                                              django_capture_on_commit_callbacks):
    from plugins.sms.tasks import send_message

    with django_capture_on_commit_callbacks():
        message = send_as(tenant_a, org.boss, "13800000001")
    switch_module(tenant_a, "sms", False)
    boss = client_for(tenant_a, org.boss)
    for url in ("/sms/", "/sms/log/", "/sms/group/", "/sms/settings/"):
        assert boss.get(url).status_code == 404, url
    for url in ("/api/v1/sms/messages/", "/api/v1/sms/settings/", "/api/v1/sms/usage/"):
        response = boss.get(url)
        assert response.status_code == 404 and response["Content-Type"].startswith("application/json"), url
    workbench = boss.get("/workbench/").content.decode()
    assert 'data-menu="sms_' not in workbench
    assert 'data-phone-action="sms"' not in boss.get("/customers/contacts/").content.decode()
    with in_tenant(tenant_a):
        assert send_message.apply(args=[message.pk]).get() == {"refused": "module_off", "module": "sms"}
        message.refresh_from_db()
    assert message.status == SmsMessage.Status.QUEUED and message.attempts == 0
    switch_module(tenant_a, "sms", True)  # the data is still there
    assert boss.get("/api/v1/sms/messages/").json()["count"] == 1


def test_group_page_preview_test_and_send(tenant_a, org, client_for, django_capture_on_commit_callbacks):
    from saas_core.customers.services import create_customer

    with in_tenant(tenant_a):
        org.boss.mobile = "13900000000"
        org.boss.save(update_fields=["mobile"])
        for i in range(3):
            create_customer(by=org.boss, name=f"群发{i}", city="杭州", confirm_duplicates=True,
                            contact={"name": f"群{i}", "mobile": f"1350000000{i}"})
        services.add_opt_out("13500000002", by=org.boss)
    boss = client_for(tenant_a, org.boss)
    form = {"kind": "customers", "city": "杭州", "body": "好" * 80}
    preview = boss.post("/sms/group/", {**form, "action": "preview"}).content.decode()
    assert 'data-testid="sms-recipients">2<' in preview and 'data-testid="sms-total-parts">4<' in preview
    assert "1 opted out" in preview and "Send a test to your own phone" in preview
    refused = boss.post("/sms/group/", {**form, "action": "send"}).content.decode()
    assert "as a test first" in refused
    with django_capture_on_commit_callbacks():
        boss.post("/sms/group/", {**form, "action": "test"})
        sent = boss.post("/sms/group/", {**form, "action": "send", "save_as": "杭州客户"})
    assert sent.status_code == 302 and "/sms/log/?batch=" in sent["Location"]
    log = boss.get(sent["Location"]).content.decode()
    assert "2 recipients, 4 parts, 1 opted-out numbers skipped" in log


def _failed(tenant, user, number="13800000001", body="报价已发出，请查收", callbacks=None):
    message = send_as(tenant, user, number, body=body)
    with in_tenant(tenant):
        SmsMessage.objects.filter(pk=message.pk).update(status=SmsMessage.Status.FAILED, error_code="isv.DAY_LIMIT",
                                                        error_message="触发日发送限额")
        services.refund(message)
    return message


def test_a_failed_text_is_sent_again_once_from_the_log(tenant_a, org, client_for, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks():
        failed = _failed(tenant_a, org.sales1)
    client = client_for(tenant_a, org.sales1)
    page = client.get("/sms/log/").content.decode()
    assert 'data-action="resend"' in page and "isv.DAY_LIMIT" in page
    with in_tenant(tenant_a):
        used = services.quota_used()
    with django_capture_on_commit_callbacks() as callbacks:
        response = client.post(f"/sms/log/{failed.pk}/resend/", {"next": "/sms/log/?status=failed"})
    assert response.status_code == 302 and response["Location"] == "/sms/log/?status=failed"
    assert len(callbacks) == 1  # handed to the worker once committed
    with in_tenant(tenant_a):
        again = SmsMessage.objects.get(resent_from=failed)
        assert (again.number, again.body, again.status) == (failed.number, failed.body, SmsMessage.Status.QUEUED)
        assert again.body.count("【阿尔法】") == 1  # the signature is not added a second time
        assert services.quota_used() == used + again.parts
        failed.refresh_from_db()
        assert failed.status == SmsMessage.Status.FAILED  # the log keeps what happened
    page = client.get("/sms/log/").content.decode()
    assert "The text to 13800000001 is on its way again." in page and 'data-testid="sms-resent"' in page
    twice = client.post(f"/sms/log/{failed.pk}/resend/", follow=True).content.decode()
    assert "has been sent again already" in twice
    api = client_for(tenant_a, org.sales1)
    assert api.post(f"/api/v1/sms/messages/{failed.pk}/resend/").status_code == 400
    assert api.post(f"/api/v1/sms/messages/{again.pk}/resend/").json()["detail"].endswith("this one is “Queued”.")
    with in_tenant(tenant_a):
        assert SmsMessage.objects.filter(resent_from__isnull=False).count() == 1


def test_resend_by_api_and_who_may_not(tenant_a, tenant_b, org, client_for, make_user, switch_module,
                                       django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks():
        failed = _failed(tenant_a, org.manager, number="13800000002")
        opted = _failed(tenant_a, org.manager, number="13800000003")
    with in_tenant(tenant_a):
        services.add_opt_out("13800000003", by=org.manager)
    # Someone who cannot read the manager's log gets a 404, by page and API.
    assert client_for(tenant_a, org.sales1).post(f"/sms/log/{failed.pk}/resend/").status_code == 404
    assert client_for(tenant_a, org.sales1).post(f"/api/v1/sms/messages/{failed.pk}/resend/").status_code == 404
    switch_module(tenant_b, "sms", True)
    boss_b = make_user(tenant_b, role=Role.BOSS)
    assert client_for(tenant_b, boss_b).post(f"/api/v1/sms/messages/{failed.pk}/resend/").status_code == 404
    boss = client_for(tenant_a, org.boss)
    refused = boss.post(f"/api/v1/sms/messages/{opted.pk}/resend/")
    assert refused.status_code == 400 and "opted out" in refused.json()["detail"]
    with django_capture_on_commit_callbacks():
        created = boss.post(f"/api/v1/sms/messages/{failed.pk}/resend/")
    assert created.status_code == 201 and created.json()["resent_from"] == failed.pk
    assert created.json()["sender"] == str(org.boss)


@pytest.mark.parametrize(("body", "field"), [
    ({"name": "Shanghai VIPs", "filters": {"grade": 3}}, "kind"),  # kind missing
    ({"kind": "customers", "filters": {}}, "name"),  # name missing
    ({"name": "Shanghai VIPs", "kind": "customers", "filters": ["grade"]}, "filters"),  # not an object
    ({"name": "Shanghai VIPs", "kind": "customers", "filters": {"grade": "three"}}, "filters"),
])
def test_a_saved_filter_with_a_missing_or_bad_field_is_a_400_naming_it(tenant_a, org, client_for, body, field):
    from plugins.sms.models import SmsAudience

    answer = client_for(tenant_a, org.boss).post("/api/v1/sms/audiences/", body, content_type="application/json")
    assert answer.status_code == 400, answer.content
    assert field in answer.json()["errors"]
    with in_tenant(tenant_a):
        assert not SmsAudience.objects.exists()


def test_a_saved_filter_without_filters_is_everyone_of_its_kind(tenant_a, org, client_for):
    answer = client_for(tenant_a, org.boss).post("/api/v1/sms/audiences/", {"name": "Everyone", "kind": "contacts"},
                                                 content_type="application/json")
    assert answer.status_code == 201, answer.content
    assert (answer.json()["kind"], answer.json()["filters"]) == ("contacts", {})


@pytest.mark.parametrize(("language", "label"), [("en", "To: 收件测试 · 赵六"), ("zh-hans", "收件人：收件测试 · 赵六")])
def test_the_send_page_labels_the_recipient_as_such_not_as_a_date(tenant_a, org, client_for, language, label):
    """msgid "To" was shared with the date filters' "to" date: the recipient read 截止日期."""
    from saas_core.customers.services import create_customer

    with in_tenant(tenant_a):
        customer = create_customer(by=org.boss, name="收件测试", confirm_duplicates=True,
                                   contact={"name": "赵六", "mobile": "13811113333"})
        contact = customer.contacts.get()
        org.boss.language = language  # a signed-in user reads their own language
        org.boss.save(update_fields=["language"])
    page = client_for(tenant_a, org.boss).get(
        f"/sms/?contact={contact.pk}&number=13811113333").content.decode()
    shown = re.search(r'data-testid="sms-contact">([^<]*)<', page).group(1)
    assert shown == label and "截止日期" not in shown
