"""Posting stock documents: moving average, negative stock, transfers, stocktakes, dates, the ledger's guards."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DatabaseError, IntegrityError, transaction
from django.utils import timezone

from tests.conftest import in_tenant
from tests.plugins.inventory.conftest import balance, stock_in

D = Decimal


def out(shop, warehouse, rows, by=None):
    from plugins.inventory import services

    doc = services.create_document(by=by or shop.boss, kind="out", warehouse=warehouse,
                                   lines=[services.LineIn(p, q) for p, q in rows])
    return services.confirm(doc, by=by or shop.boss)


def test_a_receipt_re_averages_and_an_issue_takes_the_average(shop):
    from plugins.inventory.checks import violations
    from plugins.inventory.models import Move

    with in_tenant(shop.tenant):
        stock_in(shop.boss, shop.a, [(shop.p1, "10", "3.00")])
        stock_in(shop.boss, shop.a, [(shop.p1, "5", "4.50")])
        assert balance(shop.p1, shop.a) == (D(15), D("3.500000"), D("52.50"))
        out(shop, shop.a, [(shop.p1, "4")])
        assert balance(shop.p1, shop.a) == (D(11), D("3.500000"), D("38.50"))
        last = Move.objects.filter(product=shop.p1).order_by("-id").first()
        assert (last.kind, last.quantity, last.value, last.quantity_after) == ("out", D(-4), D("-14.00"), D(11))
        assert violations() == []


def test_the_last_issue_takes_the_rounding_residue_so_zero_stock_has_zero_value(shop):
    with in_tenant(shop.tenant):
        stock_in(shop.boss, shop.a, [(shop.p1, "3", "3.333333")])  # value 10.00, average 3.333333
        out(shop, shop.a, [(shop.p1, "1")])
        out(shop, shop.a, [(shop.p1, "1")])
        assert balance(shop.p1, shop.a) == (D(1), D("3.333333"), D("3.34"))
        out(shop, shop.a, [(shop.p1, "1")])
        assert balance(shop.p1, shop.a) == (D(0), D("3.333333"), D(0))


def test_an_issue_beyond_the_stock_is_refused_with_a_field_error_naming_warehouse_and_what_is_left(shop):
    from plugins.inventory.models import Document, Move

    with in_tenant(shop.tenant):
        stock_in(shop.boss, shop.a, [(shop.p1, "10", "1")])
        with pytest.raises(ValidationError) as caught:
            out(shop, shop.a, [(shop.p2, "1"), (shop.p1, "11")])
        assert caught.value.message_dict == {
            "lines.0.quantity": ["Not enough stock of “扳手” (1 wanted from 仓库A, 0 left)"],
            "lines.1.quantity": ["Not enough stock of “螺丝刀” (11 wanted from 仓库A, 10 left)"],
        }
        # Nothing of the refused document was written; it stays a draft the keeper can fix.
        assert balance(shop.p1, shop.a)[0] == D(10)
        assert Move.objects.filter(kind="out").count() == 0
        assert not Document.objects.filter(kind="out", status="posted").exists()


def test_negative_stock_follows_the_company_default_and_the_products_own_rule(shop):
    from plugins.inventory.checks import violations
    from plugins.inventory.models import InventorySettings, StockRule

    with in_tenant(shop.tenant):
        StockRule.objects.create(product=shop.p1, allow_negative=True)
        out(shop, shop.a, [(shop.p1, "2")])
        assert balance(shop.p1, shop.a)[0] == D(-2)
        with pytest.raises(ValidationError):
            out(shop, shop.a, [(shop.p2, "1")])
        InventorySettings.objects.update_or_create(pk=1, defaults={"allow_negative": True})
        StockRule.objects.create(product=shop.p2, allow_negative=False)
        with pytest.raises(ValidationError):
            out(shop, shop.a, [(shop.p2, "1")])
        # Back to zero from below: the value is exactly 0 again.
        stock_in(shop.boss, shop.a, [(shop.p1, "2", "7.77")])
        assert balance(shop.p1, shop.a) == (D(0), balance(shop.p1, shop.a)[1], D(0))
        assert violations() == []


def test_a_transfer_moves_the_value_unchanged_at_the_sources_average(shop):
    from plugins.inventory import services
    from plugins.inventory.models import Move

    with in_tenant(shop.tenant):
        stock_in(shop.boss, shop.a, [(shop.p1, "3", "10")])
        stock_in(shop.boss, shop.b, [(shop.p1, "1", "20")])
        doc = services.transfer(by=shop.keeper, source=shop.a, destination=shop.b,
                                lines=[services.LineIn(shop.p1, "2")])
        legs = {m.kind: m for m in Move.objects.filter(document=doc)}
        assert -legs["transfer_out"].value == legs["transfer_in"].value == D("20.00")
        assert balance(shop.p1, shop.a) == (D(1), D(10), D("10.00"))
        assert balance(shop.p1, shop.b) == (D(3), D("13.333333"), D("40.00"))
        with pytest.raises(PermissionDenied):  # keeper of B may not send A's goods
            services.transfer(by=shop.keeper_b, source=shop.a, destination=shop.b,
                              lines=[services.LineIn(shop.p1, "1")])


def test_a_stocktake_posts_the_difference_as_gain_or_loss_at_the_current_average(shop):
    from plugins.inventory import services
    from plugins.inventory.models import Move

    with in_tenant(shop.tenant):
        stock_in(shop.boss, shop.a, [(shop.p1, "10", "2"), (shop.p2, "5", "4")])
        take = services.create_document(by=shop.keeper, kind="stocktake", warehouse=shop.a,
                                        lines=[services.LineIn(shop.p1, "8"), services.LineIn(shop.p2, "6")])
        assert [ln.book_quantity for ln in take.lines.all()] == [D(10), D(5)]
        out(shop, shop.a, [(shop.p1, "1")])  # a move after the snapshot: 9 on the books now
        services.confirm(take, by=shop.keeper)
        moves = {m.product_id: m for m in Move.objects.filter(document=take)}
        assert (moves[shop.p1.pk].quantity, moves[shop.p1.pk].value) == (D(-1), D("-2.00"))
        assert (moves[shop.p2.pk].quantity, moves[shop.p2.pk].value) == (D(1), D("4.00"))
        assert balance(shop.p1, shop.a)[0] == D(8) and balance(shop.p2, shop.a) == (D(6), D(4), D("24.00"))


def test_only_a_keeper_of_the_warehouse_confirms_and_confirming_twice_posts_once(shop):
    from plugins.inventory import services
    from plugins.inventory.models import Move

    with in_tenant(shop.tenant):
        doc = services.create_document(by=shop.keeper, kind="in", warehouse=shop.a,
                                       lines=[services.LineIn(shop.p1, "4", "2.5")])
        with pytest.raises(PermissionDenied, match="Only a keeper of 仓库A"):
            services.confirm(doc, by=shop.keeper_b)
        with pytest.raises(PermissionDenied):
            services.confirm(doc, by=shop.sales)
        services.confirm(doc, by=shop.keeper)
        services.confirm(doc, by=shop.keeper)
        assert Move.objects.filter(document=doc).count() == 1
        assert balance(shop.p1, shop.a) == (D(4), D("2.5"), D("10.00"))


def test_posting_is_now_and_same_day_back_dating_only_where_the_company_allows_it(shop):
    from plugins.inventory import services
    from plugins.inventory.models import InventorySettings

    with in_tenant(shop.tenant):
        earlier = timezone.now() - timedelta(hours=1)
        with pytest.raises(ValidationError) as caught:
            services.create_document(by=shop.boss, kind="in", warehouse=shop.a, occurred_at=earlier,
                                     lines=[services.LineIn(shop.p1, "1", "1")])
        assert "does not allow back-dating" in str(caught.value)
        InventorySettings.objects.update_or_create(pk=1, defaults={"allow_same_day_backdating": True})
        with pytest.raises(ValidationError, match="earlier today only"):
            services.create_document(by=shop.boss, kind="in", warehouse=shop.a,
                                     occurred_at=timezone.now() - timedelta(days=2),
                                     lines=[services.LineIn(shop.p1, "1", "1")])
        with pytest.raises(ValidationError, match="in the future"):
            services.create_document(by=shop.boss, kind="in", warehouse=shop.a,
                                     occurred_at=timezone.now() + timedelta(days=1),
                                     lines=[services.LineIn(shop.p1, "1", "1")])
        from saas_core.tenancy import company_zone

        start_of_day = timezone.localtime(timezone.now(), company_zone()).replace(hour=0, minute=0, second=1)
        if start_of_day < timezone.now() - timedelta(minutes=10):
            doc = services.create_document(by=shop.boss, kind="in", warehouse=shop.a, occurred_at=start_of_day,
                                           lines=[services.LineIn(shop.p1, "1", "1")])
            posted = services.confirm(doc, by=shop.boss)
            assert posted.occurred_at == start_of_day and posted.posted_at > start_of_day


def test_the_ledger_refuses_update_and_delete_and_a_line_posts_once(shop):
    from plugins.inventory.models import Move

    with in_tenant(shop.tenant):
        doc = stock_in(shop.boss, shop.a, [(shop.p1, "1", "1")])
        move = Move.objects.get(document=doc)
        with pytest.raises(DatabaseError, match="Cannot update or delete"), transaction.atomic():
            Move.objects.filter(pk=move.pk).update(quantity=5)
        with pytest.raises(DatabaseError, match="Cannot update or delete"), transaction.atomic():
            Move.objects.filter(pk=move.pk).delete()
        twin = Move(**{f.attname: getattr(move, f.attname) for f in Move._meta.concrete_fields if f.attname != "id"})
        with pytest.raises(IntegrityError, match="inventory_line_posts_once"), transaction.atomic():
            twin.save()
        # A reversal points at its move, once.
        reversal = Move(**{**{f.attname: getattr(move, f.attname) for f in Move._meta.concrete_fields
                              if f.attname != "id"}, "kind": "reversal", "quantity": -move.quantity,
                           "value": -move.value, "reverses_id": move.pk})
        reversal.save()
        assert move.reversed_by == reversal


def test_bad_lines_get_errors_naming_the_line_and_field(shop):
    from plugins.inventory import services

    with in_tenant(shop.tenant):
        with pytest.raises(ValidationError) as caught:
            services.create_document(by=shop.boss, kind="in", warehouse=shop.a, lines=[
                services.LineIn(None, "1"), services.LineIn(shop.p1, "0"), services.LineIn(shop.p1, "abc"),
                services.LineIn(shop.p1, "1", "-2")])
        assert set(caught.value.message_dict) == {"lines.0.product", "lines.1.quantity", "lines.2.quantity",
                                                  "lines.3.unit_cost"}
        with pytest.raises(ValidationError) as caught:
            services.create_document(by=shop.boss, kind="transfer", warehouse=shop.a, to_warehouse=shop.a,
                                     lines=[services.LineIn(shop.p1, "1")])
        assert "to_warehouse" in caught.value.message_dict
        with pytest.raises(PermissionDenied):
            services.create_document(by=shop.sales, kind="in", warehouse=shop.a, lines=[services.LineIn(shop.p1, 1)])


def test_check_stock_command_reports_a_balance_that_is_not_the_sum_of_its_moves(shop):
    from django.core.management import call_command
    from django.core.management.base import CommandError

    from plugins.inventory.models import Balance

    with in_tenant(shop.tenant):
        stock_in(shop.boss, shop.a, [(shop.p1, "2", "1")])
    call_command("check_stock", company=[shop.tenant.schema])
    with in_tenant(shop.tenant):
        Balance.objects.filter(product=shop.p1).update(quantity=3)
    with pytest.raises(CommandError, match="1 stock invariant violations"):
        call_command("check_stock", company=[shop.tenant.schema])
