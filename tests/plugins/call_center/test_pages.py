"""The call-center pages: settings (Boss), call log (scope, filters, export), card, dial; isolation
between companies and the module switched off."""

from __future__ import annotations

import pytest

from plugins.call_center.models import Call, Extension, Result, Telephony
from saas_core.customers.services import create_customer
from tests.conftest import in_tenant
from tests.plugins.call_center.conftest import a_call

pytestmark = pytest.mark.django_db


def exported_rows(response) -> list[tuple]:
    import io

    from openpyxl import load_workbook

    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True).active
    return list(sheet.iter_rows(min_row=2, values_only=True))


def test_the_boss_saves_telephony_with_the_secret_encrypted_and_field_errors(desk, cc_a, client_for, settings):
    settings.CALL_CENTER_ALLOWED_HOSTS = ["127.0.0.1"]
    client = client_for(cc_a, desk.boss)
    page = client.post("/call_center/settings/", {"tel-kind": "ami", "tel-ami_host": "", "tel-ami_port": "5038",
                                                  "tel-ami_context": "from-internal"})
    assert page.status_code == 200 and "AMI host is needed for an Asterisk PBX." in page.content.decode()
    saved = client.post("/call_center/settings/", {
        "tel-kind": "ami", "tel-ami_host": "127.0.0.1", "tel-ami_port": "5038", "tel-ami_username": "crm",
        "tel-ami_secret": "pbx-secret-77", "tel-ami_context": "from-internal"})
    assert saved.status_code == 302
    with in_tenant(cc_a):
        from django.db import connection

        with connection.cursor() as cursor:
            cursor.execute("SELECT ami_secret FROM call_center_telephony WHERE id = 1")
            stored = cursor.fetchone()[0]
        assert stored.startswith("fernet:") and "pbx-secret-77" not in stored
        assert Telephony.objects.get(pk=1).ami_secret == "pbx-secret-77"
    page = client.get("/call_center/settings/").content.decode()
    assert "pbx-secret-77" not in page and "An AMI secret is stored." in page


def test_an_ami_host_inside_the_operators_network_is_refused(desk, cc_a, client_for, settings):
    settings.CALL_CENTER_ALLOWED_HOSTS = []
    page = client_for(cc_a, desk.boss).post("/call_center/settings/", {
        "tel-kind": "ami", "tel-ami_host": "10.0.0.5", "tel-ami_port": "5038", "tel-ami_username": "crm",
        "tel-ami_secret": "x", "tel-ami_context": "from-internal"})
    assert page.status_code == 200 and "data-testid=\"form-error\"" in page.content.decode() or \
        "10.0.0.5" in page.content.decode()
    with in_tenant(cc_a):
        assert Telephony.objects.get(pk=1).kind == "generic"


def test_only_the_boss_reaches_the_settings_and_maps_extensions(desk, cc_a, client_for):
    assert client_for(cc_a, desk.agents[0]).get("/call_center/settings/").status_code == 403
    boss = client_for(cc_a, desk.boss)
    answer = boss.post("/call_center/extensions/", {"ext-code": "801", "ext-user": desk.boss.pk}, follow=True)
    assert "already mapped to someone else" in answer.content.decode()
    boss.post("/call_center/extensions/", {"ext-code": "800", "ext-user": desk.boss.pk})
    with in_tenant(cc_a):
        assert Extension.objects.get(user=desk.boss).code == "800"


def test_the_call_log_lists_filters_and_exports_in_scope(desk, cc_a, client_for):
    with in_tenant(cc_a):
        mine = a_call("p1", "801")
        other = a_call("p2", "802")
    page = client_for(cc_a, desk.agents[0]).get("/call_center/").content.decode()
    assert f'data-id="{mine.pk}"' in page and f'data-id="{other.pk}"' not in page
    boss = client_for(cc_a, desk.boss)
    page = boss.get("/call_center/", {"result": "missed", "agent": desk.agents[1].pk}).content.decode()
    assert f'data-id="{other.pk}"' in page and f'data-id="{mine.pk}"' not in page
    assert 'data-testid="call-export"' in boss.get("/call_center/").content.decode()
    export = boss.get("/imports/export/calls.xlsx", {"agent": desk.agents[1].pk})
    assert export.status_code == 200 and [row[1] for row in exported_rows(export)] == [other.caller]


def test_the_card_shows_the_caller_only_to_whom_it_rang_or_who_may_see_the_call(desk, cc_a, client_for):
    with in_tenant(cc_a):
        create_customer(by=desk.boss, name="来电客户", confirm_duplicates=True, phone="13812340077",
                        owner=desk.agents[0])
        call = a_call("p3", "801", caller="13812340077", ended=False)
    card = client_for(cc_a, desk.agents[0]).get(f"/call_center/calls/{call.pk}/card/")
    assert card.status_code == 200 and "来电客户" in card.content.decode()
    assert client_for(cc_a, desk.agents[1]).get(f"/call_center/calls/{call.pk}/card/").status_code == 404


def test_an_unknown_number_offers_quick_create_with_the_number_filled_in(desk, cc_a, client_for):
    with in_tenant(cc_a):
        call = a_call("p4", "801", caller="13700001234", ended=False)
    client = client_for(cc_a, desk.agents[0])
    card = client.get(f"/call_center/calls/{call.pk}/card/").content.decode()
    assert 'data-testid="call-quick-create"' in card and "/customers/new/?phone=13700001234" in card
    assert 'value="13700001234"' in client.get("/customers/new/?phone=13700001234").content.decode()


def test_another_companys_call_is_404_by_url_card_export_and_log(desk, cc_a, tenant_b, make_user, client_for,
                                                                switch_module):
    switch_module(tenant_b, "call_center", True)
    with in_tenant(cc_a):
        call = a_call("iso-1", "801", caller="13812345678")
    boss_b = make_user(tenant_b, username="bossb2", role="boss")
    client_b = client_for(tenant_b, boss_b)
    assert client_b.get(f"/call_center/calls/{call.pk}/card/").status_code == 404
    assert 'data-testid="call-row"' not in client_b.get("/call_center/", {"q": "13812345678"}).content.decode()
    export = client_b.get("/imports/export/calls.xlsx")
    assert export.status_code == 200 and exported_rows(export) == []
    # A's session on B's host is nobody there.
    client_a_on_b = client_for(cc_a, desk.boss)
    client_a_on_b.defaults["HTTP_HOST"] = tenant_b.host
    assert client_a_on_b.get(f"/call_center/calls/{call.pk}/card/").status_code in (302, 404)


def test_the_module_off_hides_menu_panel_and_answers_404(desk, cc_a, client_for, switch_module):
    client = client_for(cc_a, desk.boss)
    workbench = client.get("/workbench/").content.decode()
    assert 'data-menu="call_log"' in workbench and "call_center/popup.js" in workbench
    assert 'data-testid="missed-calls"' in workbench
    switch_module(cc_a, "call_center", False)
    workbench = client.get("/workbench/").content.decode()
    assert 'data-menu="call_log"' not in workbench and "call_center/popup.js" not in workbench
    assert 'data-testid="missed-calls"' not in workbench
    for url in ("/call_center/", "/call_center/settings/", "/call_center/dial/", "/call_center/calls/1/card/"):
        assert client.get(url).status_code == 404, url
    assert client.get("/imports/export/calls.xlsx").status_code == 404


def test_click_to_dial_logs_the_call_and_opens_a_prefilled_follow_up(desk, cc_a, client_for,
                                                                    django_capture_on_commit_callbacks):
    with in_tenant(cc_a):
        customer = create_customer(by=desk.boss, name="回拨客户", confirm_duplicates=True, phone="13812340088",
                                   owner=desk.agents[0])
    client = client_for(cc_a, desk.agents[0])
    with django_capture_on_commit_callbacks() as queued:
        answer = client.post("/call_center/dial/", {"number": "13812340088"})
    assert answer.status_code == 302 and answer["Location"].startswith("/activities/followups/new/?")
    assert len(queued) == 1
    with in_tenant(cc_a):
        call = Call.objects.get(vendor="crm")
        assert call.direction == "out" and call.customer == customer and call.agent == desk.agents[0]
    form = client.get(answer["Location"]).content.decode()
    assert "Call with 13812340088" in form
    refused = client.post("/call_center/dial/", {"number": "x"})
    assert refused.status_code == 400 and "Enter a phone number to call." in refused.content.decode()
    no_extension = client_for(cc_a, desk.boss).post("/call_center/dial/", {"number": "13812340088"})
    assert no_extension.status_code == 400 and "You have no extension" in no_extension.content.decode()


def test_the_card_shows_owner_the_last_three_follow_ups_and_prefilled_note_and_task(desk, cc_a, client_for):
    from datetime import timedelta

    from django.utils import timezone

    from saas_core.activities import services as activities

    with in_tenant(cc_a):
        customer = create_customer(by=desk.boss, name="卡片客户", confirm_duplicates=True, phone="13812340066",
                                   owner=desk.agents[0])
        now = timezone.now()
        for n in range(4):
            activities.save_followup(None, by=desk.boss, customer=customer, subject=f"第{n}次沟通",
                                     happened_at=now - timedelta(days=4 - n))
        call = a_call("p5", "801", caller="+86 138 1234 0066", ended=False)
    card = client_for(cc_a, desk.agents[0]).get(f"/call_center/calls/{call.pk}/card/").content.decode()
    assert "Owner: Agent 1" in card
    followups = card[card.index('data-testid="call-followups"'):card.index("</ul>", card.index("call-followups"))]
    assert [f"第{n}次沟通" in followups for n in range(4)] == [False, True, True, True]
    assert followups.index("第3次沟通") < followups.index("第1次沟通")  # newest first
    assert f'href="/customers/{customer.pk}/"' in card and 'data-testid="call-open"' in card
    assert f"/activities/followups/new/?customer={customer.pk}&amp;subject=Call%20with%20%2B86%20138%201234%200066" \
        in card
    assert f'href="/activities/tasks/new/?customer={customer.pk}"' in card


def test_the_card_hides_owner_and_follow_ups_from_an_agent_outside_the_customers_scope(desk, cc_a, client_for):
    from saas_core.activities import services as activities

    with in_tenant(cc_a):
        customer = create_customer(by=desk.boss, name="别人的客户", confirm_duplicates=True, phone="13812340044",
                                   owner=desk.agents[1])
        activities.save_followup(None, by=desk.boss, customer=customer, subject="保密沟通")
        call = a_call("p6", "801", caller="13812340044", ended=False)
    card = client_for(cc_a, desk.agents[0]).get(f"/call_center/calls/{call.pk}/card/").content.decode()
    assert "别人的客户" in card and "保密沟通" not in card and 'data-testid="call-open"' not in card


def test_the_customer_360_has_a_calls_panel_in_the_viewers_scope(desk, cc_a, client_for, switch_module):
    with in_tenant(cc_a):
        customer = create_customer(by=desk.boss, name="三六零客户", confirm_duplicates=True, phone="13812340033",
                                   owner=desk.agents[0])
        a_call("p7", "801", caller="13812340033")
        a_call("p8", "802", caller="13812340033")
    url = f"/customers/{customer.pk}/panels/calls/"
    boss = client_for(cc_a, desk.boss)
    assert 'data-panel="calls"' in boss.get(f"/customers/{customer.pk}/", {"tab": "calls"}).content.decode()
    panel = boss.get(url, {"partial": "1"}).content.decode()
    assert panel.count("13812340033") == 2 and "Agent 1" in panel and "Agent 2" in panel
    own = client_for(cc_a, desk.agents[0]).get(url, {"partial": "1"}).content.decode()
    assert own.count("13812340033") == 1 and "Agent 2" not in own  # the data scope over the agents
    switch_module(cc_a, "call_center", False)
    assert 'data-panel="calls"' not in boss.get(f"/customers/{customer.pk}/", {"tab": "calls"}).content.decode()
    assert boss.get(url, {"partial": "1"}).status_code == 404


def test_click_to_dial_through_a_cloud_vendor_posts_a_signed_callback(desk, cc_a, settings):
    import json
    import threading
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    from plugins.call_center import originate, services
    from plugins.call_center.webhooks import signature
    from tests.plugins.call_center.conftest import configure
    from tests.plugins.call_center.webhook_simulator import SECRET

    received = []

    class Vendor(BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802 - the stdlib's name
            body = self.rfile.read(int(self.headers["Content-Length"]))
            received.append((dict(self.headers), body))
            self.send_response(200 if len(received) == 1 else 500)
            self.end_headers()

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Vendor)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    settings.CALL_CENTER_ALLOWED_HOSTS = ["127.0.0.1"]
    try:
        with in_tenant(cc_a):
            configure("generic", callback_url=f"http://127.0.0.1:{server.server_port}/callback")
            call = services.dial(by=desk.agents[0], number="138 1234 0022")
            assert originate.originate(call.pk) == "requested"
            headers, body = received[0]
            assert json.loads(body) == {"call_id": call.call_id, "agent": "801", "number": "13812340022"}
            assert headers["X-Signature"] == signature(SECRET, headers["X-Signature-Timestamp"], body,
                                                       vendor="generic")
            refused = services.dial(by=desk.agents[0], number="13812340023")
            assert originate.originate(refused.pk) == "failed"  # the vendor answered 500
            refused.refresh_from_db()
            assert refused.result == Result.FAILED and refused.ended_at is not None
    finally:
        server.shutdown()
