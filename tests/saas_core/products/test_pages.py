"""The product pages: list with filters and batch actions, create/edit with field errors, the 360°
with price history and panels, deletion to the recycle bin, categories (tree, drag to move) and
price strategies; cost price only for roles with the right; another company's ids answer 404."""

from __future__ import annotations

from decimal import Decimal

import pytest

from saas_core.org.models import RoleSetting
from saas_core.products import panels, services
from saas_core.products.models import Category, PriceStrategy, Product
from tests.conftest import in_tenant
from tests.saas_core.products.conftest import add

pytestmark = pytest.mark.django_db


def form(**fields) -> dict:
    data = {"name": "", "code": "", "spec": "", "unit": "", "barcode": "", "category": "", "remark": ""}
    return data | fields


def test_create_a_product_with_prices_then_see_it_in_the_list(client_for, tenant_a, org):
    client = client_for(tenant_a, org.director)
    page = client.get("/products/new/").content.decode()
    assert 'name="price_quote"' in page and 'name="cost_price"' in page
    response = client.post("/products/new/", form(name="激光打印机", unit="台", price_quote="1999", price_vip="1800",
                                                    cost_price="1200.5"))
    assert response.status_code == 302
    with in_tenant(tenant_a):
        product = Product.objects.get()
        assert product.cost_price == Decimal("1200.50")
    detail = client.get(f"/products/{product.pk}/").content.decode()
    assert "1999.00" in detail and "1200.50" in detail and 'data-panel="interested"' in detail
    listing = client.get("/products/", {"q": "jgdy"}).content.decode()
    assert "激光打印机" in listing and "1999.00" in listing


def test_bad_input_shows_field_errors_and_saves_nothing(client_for, tenant_a, org):
    add(tenant_a, org.boss, "Taken", code="T-1")
    client = client_for(tenant_a, org.director)
    response = client.post("/products/new/", form(name="", code="T-1", price_quote="-5", price_deal="1.999",
                                                    cost_price="x"))
    assert response.status_code == 400
    html = response.content.decode()
    assert 'data-error-for="name"' in html and "Product code T-1 is already in use." in html
    assert "A price cannot be negative." in html and "At most 2 decimal places are allowed." in html
    assert "is not a number" in html
    with in_tenant(tenant_a):
        assert Product.objects.count() == 1


def test_the_cost_price_never_shows_to_a_role_without_the_right(client_for, tenant_a, org):
    product = add(tenant_a, org.boss, "Secret cost", cost_price="777.77", prices={"quote": "999"})
    with in_tenant(tenant_a):
        services.update_product(product, by=org.boss, cost_price="666.66", check_permission=False)
    client = client_for(tenant_a, org.sales1)
    for url in ("/products/", f"/products/{product.pk}/", "/products/?sort=cost", "/products/pick/?q=secret"):
        html = client.get(url).content.decode()
        assert "777.77" not in html and "666.66" not in html, url
        assert "Cost price" not in html, url
    assert "999.00" in client.get(f"/products/{product.pk}/").content.decode()
    # Sales cannot edit products; a manager who may edit without the right gets no cost input.
    with in_tenant(tenant_a):
        setting = RoleSetting.objects.get(role="manager")
        setting.permissions = {**(setting.permissions or {}), "products": ["view", "edit"]}
        setting.save()
    edit = client_for(tenant_a, org.manager).get(f"/products/{product.pk}/edit/").content.decode()
    assert 'name="cost_price"' not in edit and "777.77" not in edit and "666.66" not in edit
    assert client_for(tenant_a, org.manager).post(f"/products/{product.pk}/edit/", form(
        name="Secret cost", code=product.code, price_quote="999")).status_code == 302
    with in_tenant(tenant_a):
        assert Product.objects.get().cost_price == Decimal("666.66")  # kept, not blanked


def test_price_history_on_the_360(client_for, tenant_a, org):
    product = add(tenant_a, org.boss, "Pen", prices={"quote": "2"}, cost_price="1")
    with in_tenant(tenant_a):
        services.update_product(product, by=org.boss, prices={"quote": "2.5"}, cost_price="1.2")
    boss_view = client_for(tenant_a, org.boss).get(f"/products/{product.pk}/").content.decode()
    assert "2.00 → 2.50" in boss_view and "1.00 → 1.20" in boss_view
    sales_view = client_for(tenant_a, org.sales1).get(f"/products/{product.pk}/").content.decode()
    assert "2.00 → 2.50" in sales_view and "1.00 → 1.20" not in sales_view


def test_panels_say_truthfully_that_nothing_feeds_them_yet_and_show_registered_sources(client_for, tenant_a, org):
    product = add(tenant_a, org.boss, "Widget")
    html = client_for(tenant_a, org.sales1).get(f"/products/{product.pk}/").content.decode()
    assert "Buyers come from orders, which this workspace does not record yet." in html
    panels.register_source("interested", "test", "Quotes", lambda request, p: [{"customer": "华兴科技", "what": "Q-1"}])
    try:
        html = client_for(tenant_a, org.sales1).get(f"/products/{product.pk}/").content.decode()
        assert "华兴科技" in html and "Q-1" in html
    finally:
        panels.unregister_source("interested", "test")


def test_list_filters_by_category_tree_status_and_review(client_for, tenant_a, org):
    with in_tenant(tenant_a):
        office = services.create_category(by=org.boss, name="Office")
        paper = services.create_category(by=org.boss, name="Paper", parent=office)
    add(tenant_a, org.boss, "A4", category=paper, needs_cost_review=True)
    add(tenant_a, org.boss, "Chair", discontinued=True)
    client = client_for(tenant_a, org.sales1)

    def names(**params):
        html = client.get("/products/", params).content.decode()
        return [n for n in ("A4", "Chair") if f">{n}</a>" in html]

    assert names() == ["A4", "Chair"]
    assert names(category=office.pk) == ["A4"]
    assert names(status="discontinued") == ["Chair"] and names(status="on_sale") == ["A4"]
    assert names(review="1") == ["A4"]


def test_batch_discontinue_move_and_delete(client_for, tenant_a, org):
    a = add(tenant_a, org.boss, "A")
    b = add(tenant_a, org.boss, "B")
    with in_tenant(tenant_a):
        cat = services.create_category(by=org.boss, name="Cat")
    client = client_for(tenant_a, org.director)
    client.post("/products/batch/", {"ids": [a.pk, b.pk], "action": "discontinue"})
    client.post("/products/batch/", {"ids": [a.pk], "action": "category", "category": cat.pk})
    with in_tenant(tenant_a):
        assert set(Product.objects.values_list("discontinued", flat=True)) == {True}
        assert Product.objects.get(pk=a.pk).category_id == cat.pk
    assert client_for(tenant_a, org.sales1).post("/products/batch/", {"ids": [a.pk], "action": "delete"}).status_code == 403
    client_for(tenant_a, org.boss).post("/products/batch/", {"ids": [a.pk, b.pk], "action": "delete"})
    with in_tenant(tenant_a):
        assert not Product.objects.exists() and Product.all_objects.count() == 2


def test_delete_page_moves_to_the_bin(client_for, tenant_a, org):
    product = add(tenant_a, org.boss, "Gone")
    client = client_for(tenant_a, org.boss)
    assert "recycle bin" in client.get(f"/products/{product.pk}/delete/").content.decode()
    assert client.post(f"/products/{product.pk}/delete/").status_code == 302
    assert client.get(f"/products/{product.pk}/").status_code == 404


def test_categories_page_add_move_and_refusals(client_for, tenant_a, org):
    client = client_for(tenant_a, org.director)
    client.post("/products/categories/add/", {"name": "Office"})
    with in_tenant(tenant_a):
        office = Category.objects.get()
    client.post("/products/categories/add/", {"name": "Paper", "parent": office.pk})
    client.post("/products/categories/add/", {"name": "Tech"})
    with in_tenant(tenant_a):
        paper, tech = Category.objects.get(name="Paper"), Category.objects.get(name="Tech")
    html = client.get("/products/categories/").content.decode()
    assert 'data-move-url="/products/categories/0/move/"' in html and html.index("Office") < html.index("Paper") < html.index("Tech")
    moved = client.post(f"/products/categories/{tech.pk}/move/", {"parent": office.pk, "position": "0"})
    assert moved.status_code == 200
    with in_tenant(tenant_a):
        assert [(c.name, d) for c, d in services.category_tree()] == [("Office", 0), ("Tech", 1), ("Paper", 1)]
    refused = client.post(f"/products/categories/{office.pk}/move/", {"parent": paper.pk, "position": "0"})
    assert refused.status_code == 400 and "under itself" in refused.json()["detail"]
    assert client_for(tenant_a, org.sales1).post(f"/products/categories/{tech.pk}/move/", {"position": "0"}).status_code == 403
    assert 'data-move-url' not in client_for(tenant_a, org.sales1).get("/products/categories/").content.decode()


def test_strategies_page_is_the_boss_s_to_change(client_for, tenant_a, org):
    boss = client_for(tenant_a, org.boss)
    boss.post("/products/strategies/add/", {"name": "Dealer price"})
    html = boss.get("/products/strategies/").content.decode()
    assert "Dealer price" in html and "Quote price" in html
    with in_tenant(tenant_a):
        dealer = PriceStrategy.objects.get(name="Dealer price")
    assert 'name="price_' + dealer.key + '"' in boss.get("/products/new/").content.decode()
    assert client_for(tenant_a, org.director).post("/products/strategies/add/", {"name": "X"}).status_code == 403
    assert "Rename" not in client_for(tenant_a, org.director).get("/products/strategies/").content.decode()


def test_menu_shows_products_in_the_sales_group_to_those_who_may_view(client_for, tenant_a, org):
    assert 'href="/products/"' in client_for(tenant_a, org.sales1).get("/").content.decode()
    assert 'href="/products/"' not in client_for(tenant_a, org.maintainer).get("/").content.decode()


def test_another_company_s_product_ids_answer_404(client_for, tenant_a, tenant_b, org, make_user):
    product = add(tenant_a, org.boss, "Mine")
    with in_tenant(tenant_a):
        category = services.create_category(by=org.boss, name="Mine")
        strategy = services.create_strategy(by=org.boss, name="Mine")
    boss_b = make_user(tenant_b, username="boss_b_products", role="boss")
    client = client_for(tenant_b, boss_b)
    for url in (f"/products/{product.pk}/", f"/products/{product.pk}/edit/", f"/products/{product.pk}/delete/"):
        assert client.get(url).status_code == 404, url
    assert client.post(f"/products/categories/{category.pk}/move/", {"position": "0"}).status_code == 404
    assert client.post(f"/products/categories/{category.pk}/delete/").status_code == 404
    assert client.post(f"/products/strategies/{strategy.pk}/rename/", {"name": "x"}).status_code == 404
    assert ">Mine</a>" not in client.get("/products/", {"q": "Mine"}).content.decode()


@pytest.mark.parametrize("role_user, sees", [
    ("boss", True), ("director", True), ("manager", True), ("sales1", True), ("sales_w", True), ("cs", True),
    ("maintainer", False),
])
def test_the_catalogue_is_company_wide_every_role_with_the_module_sees_all_of_it(client_for, tenant_a, org, role_user, sees):
    """Products have no owner (no data scope): who may view the module sees every product, whoever made it."""
    from tests.conftest import api

    add(tenant_a, org.director, "Made by the director")
    add(tenant_a, org.boss, "Made by the Boss")
    user = getattr(org, role_user)
    page = client_for(tenant_a, user).get("/products/")
    answer = api(tenant_a, user).get("/api/v1/products/")
    if sees:
        html = page.content.decode()
        assert ">Made by the director</a>" in html and ">Made by the Boss</a>" in html
        assert {p["name"] for p in answer.json()["results"]} == {"Made by the director", "Made by the Boss"}
    else:
        assert page.status_code == 403 and answer.status_code == 403
