"""The call-center module in Chromium: a call pops on the right agent's page in the right company
and nowhere else; a queue rings three agents and one answers; an unknown caller is created from
the card; click-to-dial logs the call and opens a prefilled follow-up; a tab that opens while a
call rings still gets the card, and so does one whose socket was down while it rang; switched
off, no menu, no script, no card, 404s.

Calls are fed the way the AMI adapter feeds them (``services.ingest(..., inline=True)`` in this
process), so the path from the event to the card is the product's own: the call state machine,
``notify_user``, the Redis channel layer, the WebSocket under uvicorn, popup.js.
"""

from __future__ import annotations

import time
import uuid
from datetime import UTC, datetime
from urllib.parse import urlsplit

import pytest
from django.test import Client
from playwright.sync_api import expect

from tests.browser.conftest import new_tab, require_browser_stack
from tests.conftest import PASSWORD, _workspace, in_tenant

require_browser_stack()
pytestmark = pytest.mark.live


class Company:
    def __init__(self, site: str, label: str, codes: tuple[str, ...] = ("801", "802", "803")):
        from billing.overrides import set_override
        from plugins.call_center.models import Extension, Telephony
        from saas_core.accounts.models import User
        from tenants.models import Tenant
        from tests.factories import UserFactory

        self.info = _workspace("cc" + uuid.uuid4().hex[:10], f"Call {label} Ltd")
        self.base = f"http://{self.info.host}:{urlsplit(site).port}"
        self.tenant = Tenant.objects.get(schema_name=self.info.schema)
        set_override(self.tenant, "call_center", True)
        with in_tenant(self.info):
            self.boss = User.objects.get(username=self.info.boss_username)
            Telephony.objects.update_or_create(pk=1, defaults={"kind": "generic", "webhook_secret": "s"})
            self.agents = []
            for n, code in enumerate(codes, start=1):
                agent = UserFactory(role="sales", name=f"{label} Agent {n}", password=PASSWORD, language="en")
                Extension.objects.create(code=code, user=agent)
                self.agents.append(agent)

    def session(self, user) -> dict:
        client = Client(HTTP_HOST=self.info.host)
        with in_tenant(self.info):
            client.force_login(user)
        return {"name": "sessionid", "value": client.cookies["sessionid"].value, "domain": self.info.host,
                "path": "/"}

    def ring(self, call_id: str, caller: str, codes, event: str = "ringing") -> None:
        from plugins.call_center import services
        from plugins.call_center.services import TelephonyEvent

        with in_tenant(self.info):
            services.ingest([TelephonyEvent(vendor="ami", call_id=call_id, event=event, at=datetime.now(UTC),
                                            caller=caller, agents=list(codes))], inline=True)


def open_desk(browser, errors, company: Company, user, path: str = "/workbench/", width: int = 1440):
    tab = new_tab(browser, errors)
    tab.set_viewport_size({"width": width, "height": 900})
    tab.context.add_cookies([company.session(user)])
    tab.goto(company.base + path)
    expect(tab.locator("[data-realtime]")).to_have_attribute("data-realtime-state", "open")
    return tab


@pytest.fixture
def server_errors():
    errors: list[str] = []
    yield errors
    if errors:
        pytest.fail("the server answered with errors: " + "; ".join(errors), pytrace=False)


@pytest.fixture
def tabs():
    opened = []
    yield opened
    for tab in opened:
        tab.context.close()


def test_a_call_pops_on_the_right_agents_page_in_the_right_company_only(live_site, browser, server_errors, tabs):
    from saas_core.customers.services import create_customer

    x, y = Company(live_site, "X"), Company(live_site, "Y")
    with in_tenant(x.info):
        create_customer(by=x.boss, name="来电测试客户", confirm_duplicates=True, owner=x.agents[0],
                        contact={"name": "王经理", "mobile": "13812345678"})
    x1 = open_desk(browser, server_errors, x, x.agents[0], "/customers/")
    x2 = open_desk(browser, server_errors, x, x.agents[1])
    y1 = open_desk(browser, server_errors, y, y.agents[0])  # same extension 801, other company
    phone = open_desk(browser, server_errors, x, x.agents[0], width=390)
    tabs.extend([x1, x2, y1, phone])

    x.ring("pop-1", "+86 138 1234 5678", ["801"])
    card = x1.locator("[data-testid=call-card]")
    expect(card).to_be_visible()
    expect(card.locator("[data-testid=call-customer]")).to_contain_text("来电测试客户")
    expect(card.locator("[data-testid=call-customer]")).to_contain_text("王经理")
    expect(phone.locator("[data-testid=call-card]")).to_be_in_viewport()
    time.sleep(1.5)  # long enough for a stray event to have arrived
    expect(x2.locator("[data-testid=call-card]")).to_have_count(0)
    expect(y1.locator("[data-testid=call-card]")).to_have_count(0)

    card.locator("[data-testid=call-open]").click()
    expect(x1.locator("h1")).to_contain_text("来电测试客户")


def test_queue_rings_three_agents_one_answers_and_the_others_see_who(live_site, browser, server_errors, tabs):
    x = Company(live_site, "Q")
    desks = [open_desk(browser, server_errors, x, agent) for agent in x.agents]
    tabs.extend(desks)
    x.ring("queue-1", "021-5555 0001", ["801", "802", "803"])
    for tab in desks:
        expect(tab.locator("[data-testid=call-card]")).to_be_visible()
    x.ring("queue-1", "021-5555 0001", ["802"], event="answered")
    for tab in (desks[0], desks[2]):
        expect(tab.locator("[data-testid=call-taken]")).to_have_text("Taken by Q Agent 2")
    expect(desks[1].locator("[data-testid=call-card]")).to_have_attribute("data-state", "answered")


def test_an_unknown_caller_is_created_from_the_card_with_the_number_filled_in(live_site, browser, server_errors,
                                                                              tabs):
    x = Company(live_site, "U")
    tab = open_desk(browser, server_errors, x, x.agents[0])
    tabs.append(tab)
    x.ring("unknown-1", "13700001234", ["801"])
    expect(tab.locator("[data-testid=call-unknown]")).to_be_visible()
    tab.locator("[data-testid=call-quick-create]").click()
    expect(tab.locator("#id_phone")).to_have_value("13700001234")


def test_a_tab_opened_while_a_call_rings_still_gets_the_card(live_site, browser, server_errors, tabs):
    x = Company(live_site, "P")
    x.ring("pending-1", "13700005678", ["801"])
    tab = open_desk(browser, server_errors, x, x.agents[0])
    tabs.append(tab)
    expect(tab.locator("[data-testid=call-card]")).to_be_visible()
    # The socket drops (a network blip): the tab is back within 5 s.
    tab.evaluate("window.crmRealtime.drop()")
    expect(tab.locator("[data-realtime]")).to_have_attribute("data-realtime-state", "open", timeout=5000)


def test_a_call_that_rang_while_the_socket_was_down_pops_once_the_tab_is_back(live_site, browser, server_errors,
                                                                             tabs):
    x = Company(live_site, "G")
    tab = open_desk(browser, server_errors, x, x.agents[0])
    tabs.append(tab)
    # The network goes: the socket drops and every reconnection attempt fails for now.
    tab.evaluate("""() => { window.__RealWebSocket = window.WebSocket;
        window.WebSocket = function () {  // refused at the handshake, as an unreachable server would be
            return new window.__RealWebSocket('ws://' + window.location.host + '/ws/unreachable/'); };
        window.crmRealtime.drop(); }""")
    expect(tab.locator("[data-realtime]")).to_have_attribute("data-realtime-state", "closed")
    x.ring("gap-1", "13700004321", ["801"])  # pushed to nobody: the tab is not listening
    time.sleep(1.5)
    expect(tab.locator("[data-testid=call-card]")).to_have_count(0)
    # The network is back: the next attempt (at most 4 s away) connects and asks what it missed.
    tab.evaluate("() => { window.WebSocket = window.__RealWebSocket; }")
    expect(tab.locator("[data-realtime]")).to_have_attribute("data-realtime-state", "open", timeout=5000)
    expect(tab.locator("[data-testid=call-card]")).to_be_visible()
    expect(tab.locator("[data-testid=call-number]")).to_have_text("13700004321")


def test_click_to_dial_logs_the_call_and_opens_a_prefilled_follow_up(live_site, browser, server_errors, tabs):
    from saas_core.customers.services import create_customer

    x = Company(live_site, "D")
    with in_tenant(x.info):
        customer = create_customer(by=x.boss, name="回拨客户", confirm_duplicates=True, owner=x.agents[0],
                                   contact={"name": "李工", "mobile": "13812340088"})
    tab = open_desk(browser, server_errors, x, x.agents[0], "/customers/contacts/")
    tabs.append(tab)
    tab.locator("[data-phone-action=dial]").first.click()
    tab.locator("[data-testid=dial-now]").click()
    expect(tab.locator("#id_subject")).to_have_value("Call with 13812340088")
    tab.locator("main form[method=post] button[type=submit]").first.click()
    expect(tab.locator("[data-testid=form-error]")).to_have_count(0)
    tab.goto(x.base + "/call_center/")
    row = tab.locator("[data-testid=call-row]")
    expect(row).to_have_count(1)
    expect(row).to_contain_text("回拨客户")
    expect(row).to_contain_text("Outgoing")
    with in_tenant(x.info):
        from saas_core.activities.models import FollowUp

        assert FollowUp.objects.filter(customer=customer, subject="Call with 13812340088").exists()


def test_switched_off_no_menu_no_script_no_card_and_404(live_site, browser, server_errors, tabs):
    from billing.overrides import set_override

    x = Company(live_site, "O")
    set_override(x.tenant, "call_center", False)
    tab = open_desk(browser, server_errors, x, x.agents[0])
    tabs.append(tab)
    expect(tab.locator("[data-menu=call_log]")).to_have_count(0)
    expect(tab.locator("script[src*='call_center/popup.js']")).to_have_count(0)
    x.ring("off-1", "13700009999", ["801"])
    time.sleep(1.5)
    expect(tab.locator("[data-testid=call-card]")).to_have_count(0)
    for path in ("/call_center/", "/call_center/settings/", "/call_center/dial/"):
        assert tab.goto(x.base + path).status == 404
