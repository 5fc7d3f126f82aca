"""Product, category and price-strategy services: validation with field errors, Decimal prices at
the company's precision, price history, the cost-price right, the category tree (PRD-01)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from saas_core.products import services
from saas_core.products.access import may_see_cost
from saas_core.products.models import Category, PriceChange, PriceStrategy, Product
from saas_core.records.models import BinEntry
from saas_core.system.models import SystemSettings
from tests.conftest import in_tenant
from tests.saas_core.products.conftest import add

pytestmark = pytest.mark.django_db


def test_every_company_starts_with_the_four_price_strategies(tenant_a):
    with in_tenant(tenant_a):
        labels = [s.label for s in PriceStrategy.objects.all()]
    assert labels == ["Quote price", "Deal price", "VIP price", "Wholesale price"]


def test_create_with_prices_rounds_to_the_precision_and_records_the_history(tenant_a, boss_a):
    product = add(tenant_a, boss_a, "A4 复印纸", unit="箱", prices={"quote": "120.5", "vip": Decimal("99")},
                  cost_price="80.25")
    with in_tenant(tenant_a):
        product.refresh_from_db()
        assert product.code.startswith("CP") and product.cost_price == Decimal("80.25")
        assert services.price_map([product])[product.pk] == {"quote": Decimal("120.50"), "vip": Decimal("99.00")}
        history = {(c.strategy.key if c.strategy else "cost", c.old_price, c.new_price) for c in PriceChange.objects.all()}
    assert history == {("quote", None, Decimal("120.50")), ("vip", None, Decimal("99.00")), ("cost", None, Decimal("80.25"))}


def test_bad_input_is_refused_field_by_field_and_nothing_is_written(tenant_a, boss_a):
    add(tenant_a, boss_a, "Stapler", code="ST-1")
    with in_tenant(tenant_a), pytest.raises(ValidationError) as caught:
        services.create_product(by=boss_a, name="", code="ST-1", prices={"quote": "-1", "deal": "1.234", "nope": "3"},
                                cost_price="abc")
    errors = caught.value.message_dict
    assert errors["name"] and "already in use" in errors["code"][0]
    assert errors["price_quote"] == ["A price cannot be negative."]
    assert errors["price_deal"] == ["At most 2 decimal places are allowed."]
    assert "nope" in errors["prices"][0] and "not a number" in errors["cost_price"][0]
    with in_tenant(tenant_a):
        assert Product.objects.count() == 1


def test_the_company_precision_decides_how_many_decimals_a_price_may_have(tenant_a, boss_a):
    with in_tenant(tenant_a):
        SystemSettings.objects.update_or_create(pk=1, defaults={"price_places": 4})
    product = add(tenant_a, boss_a, "Screw", prices={"quote": "0.0125"})
    with in_tenant(tenant_a):
        assert services.price_map([product])[product.pk]["quote"] == Decimal("0.0125")


def test_update_records_only_real_changes_and_a_blank_price_removes_it(tenant_a, boss_a):
    product = add(tenant_a, boss_a, "Pen", prices={"quote": "2", "deal": "1.8"})
    with in_tenant(tenant_a):
        PriceChange.objects.all().delete()
        services.update_product(product, by=boss_a, prices={"quote": "2.00", "deal": "", "vip": "1.5"}, spec="0.5mm")
        assert services.price_map([product])[product.pk] == {"quote": Decimal("2.00"), "vip": Decimal("1.50")}
        changes = {(c.strategy.key, c.old_price, c.new_price) for c in PriceChange.objects.all()}
        assert Product.objects.get().spec == "0.5mm"
    assert changes == {("deal", Decimal("1.80"), None), ("vip", None, Decimal("1.50"))}


def test_only_roles_with_the_right_may_set_the_cost_price(tenant_a, org):
    with in_tenant(tenant_a):
        assert may_see_cost(org.boss) and may_see_cost(org.director) and not may_see_cost(org.sales1)
    # Sales may not create products at all; the director may, but the purchaser-less sales manager has view only.
    product = add(tenant_a, org.boss, "Desk", cost_price="100")
    with in_tenant(tenant_a):
        services.update_product(product, by=org.director, cost_price="90")
        assert Product.objects.get().cost_price == Decimal("90.00")
        with pytest.raises(PermissionDenied):
            services.update_product(product, by=org.sales1, name="Desk 2")


def test_a_role_without_the_right_gets_a_field_error_for_the_cost_price(tenant_a, org, make_user):
    purchaser = make_user(tenant_a, username="buyer", role="purchaser")
    from saas_core.org.models import RoleSetting

    with in_tenant(tenant_a):
        setting = RoleSetting.objects.get(role="purchaser")
        setting.rights = {**(setting.rights or {}), "see_cost_price": False}
        setting.save()
        with pytest.raises(ValidationError) as caught:
            services.create_product(by=purchaser, name="Chair", cost_price="10")
        assert "cost price" in caught.value.message_dict["cost_price"][0]
        services.create_product(by=purchaser, name="Chair")  # without it, fine
        assert Product.objects.get().cost_price is None


def test_delete_goes_to_the_recycle_bin(tenant_a, boss_a):
    product = add(tenant_a, boss_a, "Lamp")
    with in_tenant(tenant_a):
        services.delete_product(product, by=boss_a)
        assert not Product.objects.exists() and Product.all_objects.get().deleted_at is not None
        assert BinEntry.objects.get().label == "Lamp"
        # The code is free again for a new product.
        services.create_product(by=boss_a, name="Lamp 2", code=product.code)


def test_discontinued_products_are_not_pickable(tenant_a, boss_a):
    a = add(tenant_a, boss_a, "Old model")
    add(tenant_a, boss_a, "New model")
    with in_tenant(tenant_a):
        assert services.set_discontinued(Product.objects.filter(pk=a.pk), by=boss_a, discontinued=True) == 1
        assert [p.name for p in services.pickable()] == ["New model"]


# --- categories ---------------------------------------------------------------------------------


def test_category_tree_moves_and_reorders(tenant_a, boss_a):
    with in_tenant(tenant_a):
        office = services.create_category(by=boss_a, name="办公用品")
        paper = services.create_category(by=boss_a, name="纸张", parent=office)
        pens = services.create_category(by=boss_a, name="笔", parent=office)
        tech = services.create_category(by=boss_a, name="电子产品")
        assert [(c.name, d) for c, d in services.category_tree()] == [("办公用品", 0), ("纸张", 1), ("笔", 1), ("电子产品", 0)]
        services.move_category(pens, by=boss_a, parent=office, position=0)
        services.move_category(tech, by=boss_a, parent=None, position=0)
        assert [(c.name, d) for c, d in services.category_tree()] == [("电子产品", 0), ("办公用品", 0), ("笔", 1), ("纸张", 1)]
        services.move_category(paper, by=boss_a, parent=tech, position=5)
        assert services.category_path(Category.objects.get(pk=paper.pk)) == "电子产品 / 纸张"
        with pytest.raises(ValidationError) as caught:
            services.move_category(office, by=boss_a, parent=pens, position=0)
        assert "under itself" in caught.value.message_dict["parent"][0]


def test_category_names_are_unique_among_siblings_and_a_used_category_stays(tenant_a, boss_a):
    with in_tenant(tenant_a):
        office = services.create_category(by=boss_a, name="Office")
        with pytest.raises(ValidationError):
            services.create_category(by=boss_a, name="Office")
        services.create_category(by=boss_a, name="Office", parent=office)  # another level: fine
        with pytest.raises(ValidationError) as caught:
            services.delete_category(office, by=boss_a)
        assert "subcategories" in caught.value.message_dict["category"][0]
    leaf = Category.objects.none()
    with in_tenant(tenant_a):
        leaf = Category.objects.get(parent=office)
    add(tenant_a, boss_a, "Folder", category=leaf)
    with in_tenant(tenant_a):
        with pytest.raises(ValidationError) as caught:
            services.delete_category(leaf, by=boss_a)
        assert "has products" in caught.value.message_dict["category"][0]


def test_sales_may_not_change_the_catalogue(tenant_a, org):
    with in_tenant(tenant_a), pytest.raises(PermissionDenied):
        services.create_category(by=org.sales1, name="Mine")


# --- strategies ---------------------------------------------------------------------------------


def test_the_boss_adds_renames_and_removes_strategies(tenant_a, org):
    with in_tenant(tenant_a):
        dealer = services.create_strategy(by=org.boss, name="经销商价")
        assert dealer.key and dealer.label == "经销商价"
        with pytest.raises(ValidationError):
            services.create_strategy(by=org.boss, name="VIP price")
        with pytest.raises(PermissionDenied):
            services.create_strategy(by=org.director, name="Other")
        vip = PriceStrategy.objects.get(key="vip")
        services.rename_strategy(vip, by=org.boss, name="会员价")
        assert PriceStrategy.objects.get(key="vip").label == "会员价"
        with pytest.raises(PermissionDenied):
            services.delete_strategy(vip, by=org.boss)
        services.delete_strategy(dealer, by=org.boss)
        assert PriceStrategy.objects.count() == 4


def test_restore_from_the_bin_and_the_data_log_leaves_the_cost_out(tenant_a, boss_a, client_for):
    from saas_core.records import bin as recycle_bin
    from saas_core.records.history import history_of

    product = add(tenant_a, boss_a, "Lamp", cost_price="12.34")
    with in_tenant(tenant_a):
        services.update_product(product, by=boss_a, cost_price="23.45", spec="LED")
        log = history_of(product)
        text = " ".join(f"{c.field} {c.old} {c.new}" for entry in log for c in entry.changes)
        assert "LED" in text and "12.34" not in text and "23.45" not in text
        entry = services.delete_product(product, by=boss_a)
        assert entry in recycle_bin.visible_entries(boss_a)
        recycle_bin.restore(entry, by=boss_a)
        assert Product.objects.get().name == "Lamp"
    assert client_for(tenant_a, boss_a).get(f"/products/{product.pk}/").status_code == 200
