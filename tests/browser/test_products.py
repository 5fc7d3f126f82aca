"""The product catalogue in a real browser (issue 15): the Boss builds a category tree, drags
categories to reorder and nest them (kept after a reload), creates products with prices in a
category, finds one by pinyin in the list; at 1440 px and at 390 px (the list collapses to
cards, no page scrolls sideways)."""

from __future__ import annotations

import pytest

from tests.browser.conftest import require_browser_stack

require_browser_stack()
from playwright.sync_api import Page, expect  # noqa: E402

from tests.browser.helpers import open_menu, sign_up  # noqa: E402

pytestmark = [pytest.mark.browser, pytest.mark.live]

NO_SIDEWAYS_SCROLL = "() => document.documentElement.scrollWidth <= document.documentElement.clientWidth"


def add_category(page: Page, name: str, parent: str = "") -> None:
    form = page.locator("[data-testid=add-category]")
    form.locator("#id_name").fill(name)
    if parent:
        value = form.locator("#id_parent option", has_text=parent).first.get_attribute("value")
        form.locator("#id_parent").select_option(value)
    form.locator("button[type=submit]").click()
    expect(page.locator("#category-tree li.category-node .category-name", has_text=name)).to_be_visible()


def node(page: Page, name: str):
    return page.locator("#category-tree li.category-node", has=page.locator(f":scope > .category-row .category-name:text-is('{name}')"))


def top_level(page: Page) -> list[str]:
    return page.locator("#category-tree > ul > li > .category-row .category-name").all_inner_texts()


def children(page: Page, name: str) -> list[str]:
    return node(page, name).locator(":scope > ul > li > .category-row .category-name").all_inner_texts()


def drag(page: Page, name: str, onto: str, where: str) -> None:
    """Drag ``name`` by its handle onto ``onto``'s row: its upper edge, middle or lower edge."""
    row = node(page, onto).locator(":scope > .category-row")
    box = row.bounding_box()
    y = {"before": 2, "inside": box["height"] / 2, "after": box["height"] - 2}[where]
    with page.expect_response(lambda r: "/move/" in r.url and r.request.method == "POST") as answer:
        node(page, name).locator(":scope > .category-row .drag-handle").drag_to(row, target_position={"x": 40, "y": y})
    assert answer.value.ok


@pytest.mark.parametrize("width", [1440, 390])
def test_category_tree_drag_and_products(page: Page, live_site, screenshots, width):
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    base = sign_up(page, live_site, "Qian Hua", company="Catalogue Test")
    page.set_viewport_size({"width": width, "height": 900})
    open_menu(page, "products")
    expect(page).to_have_url(base + "/products/")
    page.locator("[data-testid=categories-link]").click()
    for name, parent in (("办公用品", ""), ("纸张", "办公用品"), ("笔", "办公用品"), ("电子产品", "")):
        add_category(page, name, parent)
    assert top_level(page) == ["办公用品", "电子产品"] and children(page, "办公用品") == ["纸张", "笔"]

    drag(page, "电子产品", onto="办公用品", where="before")
    drag(page, "笔", onto="纸张", where="before")
    drag(page, "纸张", onto="电子产品", where="inside")
    page.reload()
    assert top_level(page) == ["电子产品", "办公用品"]
    assert children(page, "办公用品") == ["笔"] and children(page, "电子产品") == ["纸张"]
    assert page.evaluate(NO_SIDEWAYS_SCROLL)
    page.screenshot(path=str(screenshots / f"product_categories_{width}.png"), full_page=True)

    for name, price, category in (("A4 复印纸", "120", "纸张"), ("中性笔", "2.5", "笔")):
        page.goto(base + "/products/new/")
        form = page.locator("[data-testid=product-form]")
        form.locator("#id_name").fill(name)
        form.locator("#id_price_quote").fill(price)
        form.locator("#id_category").select_option(form.locator("#id_category option", has_text=category).first.get_attribute("value"))
        form.locator("[data-testid=save]").click()
        expect(page.locator("[data-testid=prices]")).to_contain_text(f"{float(price):.2f}")
    # A price with too many decimals is refused next to its input, nothing saved.
    page.goto(base + "/products/new/")
    form = page.locator("[data-testid=product-form]")
    form.locator("#id_name").fill("坏价格")
    form.locator("#id_price_quote").fill("1.234")
    form.locator("[data-testid=save]").click()
    expect(page.locator("[data-error-for=price_quote]")).to_be_visible()

    page.goto(base + "/products/?q=fyz")
    rows = page.locator("[data-testid=product-table] tbody tr[data-product]")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("A4 复印纸")
    expect(rows.first).to_contain_text("120.00")
    assert page.evaluate(NO_SIDEWAYS_SCROLL)
    if width == 390:  # the list is cards: no header row, each cell labelled
        expect(page.locator("[data-testid=product-table] thead")).to_be_hidden()
    page.screenshot(path=str(screenshots / f"product_list_{width}.png"), full_page=True)
    rows.first.locator("a").first.click()
    expect(page.locator("[data-panel=interested]")).to_be_visible()
    assert page.evaluate(NO_SIDEWAYS_SCROLL)
    assert not errors, errors
