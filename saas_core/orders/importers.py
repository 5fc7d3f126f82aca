"""Importing orders from xlsx/CSV (ORD-01): the shared document import (saas_core.lines.importers),
one row per line grouped by the order number, which the order keeps (the company's own numbering
skips any number already taken). Each order awaits confirmation, made by ``services.create_order``."""

from __future__ import annotations

from django.utils.translation import gettext_lazy

from saas_core.customers.importers import parse_customer
from saas_core.imports.registry import Column, parse_date, parse_user, register_importer
from saas_core.lines.importers import DocumentImporter, line_columns, parse_strategy
from saas_core.orders import services
from saas_core.orders.models import Order

COLUMNS = [
    Column("number", "订单编号", "Order number", required=True, max_length=Order._meta.get_field("number").max_length,
           aliases=("订单号", "编号", "number"), example="DD202601-00001"),
    Column("customer", "客户名称", "Customer name", parse=parse_customer, repeats=True,
           aliases=("客户", "客户编号", "customer"), example="KH00000001"),
    Column("ordered_on", "下单日期", "Order date", parse=parse_date, repeats=True, aliases=("订单日期",),
           example="2026-01-15"),
    Column("deliver_by", "交货日期", "Deliver by", parse=parse_date, repeats=True),
    Column("receiver", "收货人", "Receiver", max_length=100, repeats=True),
    Column("receiver_phone", "收货电话", "Receiver's phone", max_length=40, repeats=True, aliases=("电话",)),
    Column("address", "收货地址", "Delivery address", max_length=300, repeats=True, aliases=("地址",)),
    Column("strategy", "价格策略", "Price strategy", parse=parse_strategy, repeats=True, aliases=("价格",)),
    Column("owner", "负责人", "Owner", parse=parse_user, repeats=True, aliases=("业务员", "销售")),
    *line_columns(),
    Column("terms", "条款", "Terms", aliases=("备注", "说明")),
]


class OrderImporter(DocumentImporter):
    key = "orders"
    label = gettext_lazy("Orders")
    module = "contracts"
    template_name = "orders-template"
    columns = COLUMNS
    model = Order
    header_keys = ("customer", "ordered_on", "deliver_by", "receiver", "receiver_phone", "address", "strategy",
                   "owner", "terms")
    create_service = staticmethod(services.create_order)
    needs_customer = gettext_lazy("Give the customer on the order's first row.")
    exists = gettext_lazy("An order already has this number; orders are not changed by an import.")


register_importer(OrderImporter())
