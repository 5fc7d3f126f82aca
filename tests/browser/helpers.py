"""Steps several browser tests share: sign a company up, open a menu entry."""

from __future__ import annotations

import re
import uuid
from urllib.parse import urlsplit

from playwright.sync_api import Page, expect

BOSS_PASSWORD = "Signup-Strong-93!"


def open_menu(page: Page, entry: str) -> None:
    """Click a menu entry as a user would: in the user menu (opened first), in the sidebar (the
    drawer opened first on a phone; the group's fly-out when the sidebar is collapsed to icons)."""
    target = page.locator(f"[data-menu={entry}]")
    if page.locator(f".user-menu [data-menu={entry}]").count():
        page.locator("[data-testid=user-menu]").click()
    elif page.locator("[data-testid=menu-button]").is_visible():
        page.locator("[data-testid=menu-button]").click()
    elif not target.is_visible():
        page.locator(f"[data-menu-group]:has([data-menu={entry}]) .menu-group-title").hover()
    target.click()


def open_user_menu(page: Page) -> None:
    """The top bar's user menu (personal pages, language, sign out)."""
    page.locator("[data-testid=user-menu]").click()


def switch_language(page: Page, code: str) -> None:
    """The language switch (in a workspace it is in the user menu); waits for the page in ``code``."""
    if page.locator("[data-testid=user-menu]").count():
        open_user_menu(page)
    page.locator(f"#language-switch button[data-lang={code}]").click()
    expect(page.locator("html")).to_have_attribute("lang", code)
    expect(page.locator(f"#language-switch button[data-lang={code}]")).to_have_class(re.compile(r"\bactive\b"))


def sign_out(page: Page) -> None:
    open_user_menu(page)
    page.locator("[data-testid=sign-out]").click()


def sign_up(page: Page, live_site: str, boss_name: str, company: str = "Test") -> str:
    """Sign a new company up; returns the workspace's base URL with its Boss signed in."""
    sub = "pw" + "".join(chr(ord("a") + int(c, 16)) for c in uuid.uuid4().hex[:13])
    workspace = f"http://{sub}.localhost:{urlsplit(live_site).port}"
    page.goto(live_site + "/signup/")
    form = page.locator("#signup-form")
    form.locator("#id_company_name").fill(f"{company} {sub} Ltd")
    form.locator("#id_admin_name").fill(boss_name)
    form.locator("#id_email").fill(f"boss@{sub}.example.com")
    form.locator("#id_subdomain").fill(sub)
    expect(page.locator("#subdomain-check")).to_have_text("✓")
    form.locator("#id_password").fill(BOSS_PASSWORD)
    form.locator("button[type=submit]").click()
    page.wait_for_url(workspace + "/workbench/")  # the schema is cloned meanwhile
    expect(page.locator("[data-testid=current-user]")).to_contain_text(boss_name)
    return workspace


def add_sales_user(page: Page, base: str, username: str, name: str, password: str) -> None:
    """As the Boss: a Sales user speaking English, through the user administration."""
    open_menu(page, "users")
    page.locator("[data-testid=new-user]").click()
    page.locator("#id_username").fill(username)
    page.locator("#id_name").fill(name)
    page.locator("#id_role").select_option("sales")
    page.locator("#id_language").select_option("en")
    page.locator("#id_password").fill(password)
    page.locator("main form[method=post] button[type=submit]").first.click()
    expect(page).to_have_url(base + "/accounts/users/")


def sign_in(page: Page, base: str, username: str, name: str, password: str) -> None:
    """Sign in to the workspace at ``base``; lands on the workbench."""
    page.goto(base + "/accounts/login/")
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill(password)
    page.locator("main form[method=post] button[type=submit]").first.click()
    expect(page).to_have_url(base + "/workbench/")
    expect(page.locator("[data-testid=current-user]")).to_contain_text(name)


def new_customer(page: Page, base: str, name: str, contact: str = "") -> str:
    """Create a customer (with a first contact when given, past a duplicate warning); returns its id."""
    page.goto(base + "/customers/new/")
    page.locator("#id_name").fill(name)
    if contact:
        page.locator("#id_contact_name").fill(contact)
    page.locator("[data-testid=save]").click()
    if page.locator("[data-testid=duplicate-warning]").count():  # a twin on purpose
        page.locator("#id_confirm_duplicates").check()
        page.locator("[data-testid=save]").click()
    expect(page).to_have_url(re.compile(re.escape(base + "/customers/") + r"\d+/$"))
    return page.url.rstrip("/").rsplit("/", 1)[1]


def pick(scope, field_id: str, query: str, option: str) -> None:
    """Choose in a picker (web/pickers.py): type ``query`` into the search box of the select
    ``#field_id`` and click the match whose text starts with ``option``."""
    box = scope.locator(f"#{field_id}_search")
    box.fill(query)
    match = scope.locator(f"#{field_id} ~ .picker [data-picker-list] [role=option]").filter(has_text=option).first
    match.click()


# Text nodes the user reads: visible, not inside inputs/selects/scripts; ASCII words of three
# letters or more that are not ``allowed`` (brands, formats, data typed by the test).
_VISIBLE_ENGLISH = r"""
(allowed) => {
  const out = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const node = walker.currentNode, el = node.parentElement;
    if (!el || el.closest("script,style,select,option,textarea,code,pre,[data-untranslated-ok]")) continue;
    const box = el.getBoundingClientRect(), style = getComputedStyle(el);
    if (!box.width || !box.height || style.visibility === "hidden" || style.display === "none") continue;
    const text = node.textContent.replace(/\S+@\S+|https?:\/\/\S+/g, " ");
    const words = (text.match(/[A-Za-z][A-Za-z'’-]{2,}/g) || []).filter((w) => !allowed.includes(w));
    if (words.length) out.push(node.textContent.trim());
  }
  return out;
}
"""


def _pending_patterns() -> list[re.Pattern]:
    """The English of msgids waiting in i18n-pending/ for the lead to merge into the catalogue
    (their translation is there, not compiled yet); nothing once they are merged."""
    import json
    from pathlib import Path

    patterns = []
    for path in (Path(__file__).resolve().parents[2] / "i18n-pending").glob("*.json"):
        for key in json.loads(path.read_text(encoding="utf-8")):
            msgid = key.split("\x04")[-1]
            parts = re.split(r"%\(\w+\)[sd]", msgid)
            patterns.append(re.compile(r"\s*" + r".*?".join(re.escape(p.strip()) for p in parts) + r"\s*", re.S))
    return patterns


def english_texts(page: Page, allowed: set[str] | list[str]) -> list[str]:
    """Visible text in English on a page of the Chinese UI (see ``_VISIBLE_ENGLISH``)."""
    pending = _pending_patterns()
    found = page.evaluate(_VISIBLE_ENGLISH, sorted(allowed))
    return [text[:80] for text in found if not any(p.fullmatch(text) for p in pending)]


def horizontal_overflow(page: Page) -> int:
    """How far the page scrolls sideways (0 or less: not at all)."""
    return page.evaluate("document.scrollingElement.scrollWidth - window.innerWidth")


def zh(msgid: str, context: str | None = None) -> str:
    """``msgid`` as the compiled zh-Hans catalogue has it: what the live server shows (the English
    itself while its translation waits in i18n-pending/ for the lead to merge)."""
    from django.utils import translation

    with translation.override("zh-hans"):
        return translation.pgettext(context, msgid) if context else translation.gettext(msgid)


def design_two_level_flow(page: Page, base: str, doc_type: str, name: str, amount: str = "10000") -> None:
    """The Boss's designer: one route over ``amount`` → the initiator's manager (经理审批), then a
    director (总监审批), for the document type ``doc_type`` (e.g. "contracts.contract")."""
    page.goto(f"{base}/approvals/flows/")
    page.locator(f"[data-testid=flow-type][data-key='{doc_type}']").click()
    page.locator("[data-testid=new-route]").click()
    form = page.locator("[data-testid=route-form]")
    form.locator("#id_name").fill(name)
    form.locator("#id_conditions-0-field").select_option("amount")
    form.locator("#id_conditions-0-op").select_option("gt")
    form.locator("#id_conditions-0-value").fill(amount)
    form.locator("#id_nodes-0-name").fill("经理审批")
    form.locator("#id_nodes-0-approver").select_option("superior")
    form.locator("#id_nodes-0-levels").fill("1")
    form.locator("#id_nodes-0-mode").select_option("any")
    form.locator("#id_nodes-1-name").fill("总监审批")
    form.locator("#id_nodes-1-approver").select_option("role")
    form.locator("#id_nodes-1-role").select_option("director")
    form.locator("#id_nodes-1-mode").select_option("any")
    form.locator("[data-testid=save-route]").click()
    expect(page).to_have_url(f"{base}/approvals/flows/{doc_type}/")
    expect(page.locator("[data-testid=route]")).to_have_count(1)
    expect(page.locator("[data-testid=route-steps] li")).to_have_count(2)


def decide_on(page: Page, base: str, document_url: str, button: str, comment: str = "", *,
              lands: str = "/approvals/") -> None:
    """Approve or reject from the document's page (``document_url``, e.g. "/quotes/12/"). An
    approver sees the document only while it waits for them, so a decision lands on their list
    (``lands``), a refused one on the document."""
    page.goto(base + document_url)
    panel = page.locator("[data-testid=approval-panel]")
    panel.locator("[data-testid=approval-comment]").fill(comment)
    panel.locator(f"[data-testid={button}]").click()
    expect(page).to_have_url(base + lands)


def flow_people_and_document(base: str, price_key: str, make) -> int:
    """In the company at ``base``: Manager ← salesperson (superior), a director, a customer and a
    product at 12,000 (price strategy ``price_key``); ``make(sales, customer, product)`` makes the
    salesperson's document (a quote, a contract ...) there and returns its pk."""
    from django_tenants.utils import schema_context

    from saas_core.accounts.models import User
    from saas_core.customers.services import create_customer
    from saas_core.products.services import create_product
    from tenants.models import Tenant
    from tests.factories import UserFactory

    schema = Tenant.objects.get(domains__domain=urlsplit(base).hostname).schema_name
    with schema_context(schema):
        boss = User.objects.get(role="boss")
        manager = UserFactory(username="qian", name="Manager Qian", role="manager")
        UserFactory(username="zhao", name="Director Zhao", role="director")
        sales = UserFactory(username="sun", name="Sales Sun", role="sales", superior=manager)
        customer = create_customer(by=sales, name="苏州精工五金有限公司", confirm_duplicates=True)
        product = create_product(by=boss, name="数控机床", prices={price_key: "12000"}, check_permission=False)
        return make(sales, customer, product)
