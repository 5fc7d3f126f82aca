"""Importing contracts from xlsx/CSV (CTR-01): the shared document import (saas_core.lines.importers),
one row per line grouped by the contract number, which the contract keeps (contracts from another
system keep their numbers; the company's own numbering skips any number already taken). Each
contract is a draft made by ``services.create_contract`` (the page's rules)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy

from saas_core.contracts import services
from saas_core.contracts.models import Contract
from saas_core.customers.importers import parse_customer
from saas_core.imports.registry import Column, dictionary_parser, parse_date, parse_int, parse_user, register_importer
from saas_core.lines.importers import DocumentImporter, line_columns, parse_strategy

COLUMNS = [
    Column("number", "合同编号", "Contract number", required=True,
           max_length=Contract._meta.get_field("number").max_length, aliases=("合同号", "编号", "number"),
           example="HT202601-0001"),
    Column("customer", "客户名称", "Customer name", parse=parse_customer, repeats=True,
           aliases=("客户", "客户编号", "customer"), example="KH00000001"),
    Column("title", "合同名称", "Title", max_length=200, repeats=True, aliases=("合同标题", "标题"), example="年度维保合同"),
    Column("category", "合同类别", "Category", parse=dictionary_parser("contract_category"), repeats=True,
           aliases=("类别",)),
    Column("signed_on", "签约日期", "Signing date", parse=parse_date, repeats=True),
    Column("start_on", "开始日期", "Start date", parse=parse_date, repeats=True, example="2026-01-01"),
    Column("end_on", "结束日期", "End date", parse=parse_date, repeats=True, example="2026-12-31"),
    Column("renewal_days", "到期提醒(天)", "Renewal reminder (days)", parse=parse_int, repeats=True),
    Column("strategy", "价格策略", "Price strategy", parse=parse_strategy, repeats=True, aliases=("价格",)),
    Column("owner", "负责人", "Owner", parse=parse_user, repeats=True, aliases=("业务员", "销售")),
    *line_columns(),
    Column("terms", "条款", "Terms", aliases=("备注", "说明")),
]


class ContractImporter(DocumentImporter):
    key = "contracts"
    label = gettext_lazy("Contracts")
    module = "contracts"
    template_name = "contracts-template"
    columns = COLUMNS
    model = Contract
    header_keys = ("customer", "title", "category", "signed_on", "start_on", "end_on", "renewal_days", "strategy",
                   "owner", "terms")
    create_service = staticmethod(services.create_contract)
    needs_customer = gettext_lazy("Give the customer on the contract's first row.")
    exists = gettext_lazy("A contract already has this number; contracts are not changed by an import.")


register_importer(ContractImporter())
