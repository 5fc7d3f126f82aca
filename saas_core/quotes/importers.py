"""Importing quotes from xlsx/CSV (QUO-01): the shared document import (saas_core.lines.importers),
one row per line grouped by the quote number; each quote is made by ``services.create_quote``."""

from __future__ import annotations

from django.utils.translation import gettext_lazy

from saas_core.customers.importers import parse_customer
from saas_core.imports.registry import Column, parse_date, parse_user, register_importer
from saas_core.lines.importers import DocumentImporter, line_columns, parse_strategy
from saas_core.quotes import services
from saas_core.quotes.models import Quote

COLUMNS = [
    Column("number", "报价单号", "Quote number", required=True, max_length=Quote._meta.get_field("number").max_length,
           aliases=("单号", "报价单编号", "quote no", "number"), example="BJ-2026-001"),
    Column("customer", "客户名称", "Customer name", parse=parse_customer, repeats=True,
           aliases=("客户", "客户编号", "customer"), example="KH00000001"),
    Column("subject", "主题", "Subject", max_length=Quote._meta.get_field("subject").max_length,
           aliases=("报价主题",), example="年度办公设备采购"),
    Column("quoted_on", "报价日期", "Quote date", parse=parse_date, repeats=True, example="2026-12-01"),
    Column("valid_until", "有效期至", "Valid until", parse=parse_date, repeats=True, aliases=("有效期",),
           example="2026-12-31"),
    Column("strategy", "价格策略", "Price strategy", parse=parse_strategy, repeats=True, aliases=("价格",)),
    Column("owner", "负责人", "Owner", parse=parse_user, repeats=True, aliases=("业务员", "销售")),
    *line_columns(),
    Column("terms", "条款", "Terms", aliases=("备注", "说明")),
]


class QuoteImporter(DocumentImporter):
    key = "quotes"
    label = gettext_lazy("Quotes")
    module = "quotes"
    template_name = "quotes-template"
    columns = COLUMNS
    model = Quote
    header_keys = ("customer", "subject", "owner", "strategy", "quoted_on", "valid_until", "terms")
    create_service = staticmethod(services.create_quote)
    needs_customer = gettext_lazy("Give the customer on the quote's first row.")
    exists = gettext_lazy("A quote already has this number; quotes are not changed by an import.")


register_importer(QuoteImporter())
