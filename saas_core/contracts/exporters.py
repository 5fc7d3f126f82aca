"""Exporting the contract list to xlsx (the list's filters and sort, the user's data scope; module
"export" action and the export_excel right)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy

from saas_core.imports.registry import ExportColumn, Exporter, register_exporter
from saas_core.money import round_price


class ContractExporter(Exporter):
    key = "contracts"
    label = gettext_lazy("Contracts")
    module = "contracts"
    filename = "contracts"
    columns = [
        ExportColumn("合同编号", "Contract number", lambda c: c.number),
        ExportColumn("合同名称", "Title", lambda c: c.title),
        ExportColumn("客户名称", "Customer name", lambda c: c.customer.name),
        ExportColumn("合同类别", "Category", lambda c: c.category.label if c.category_id else ""),
        ExportColumn("状态", "Status", lambda c: c.get_status_display()),
        ExportColumn("签约日期", "Signing date", lambda c: c.signed_on),
        ExportColumn("开始日期", "Start date", lambda c: c.start_on),
        ExportColumn("结束日期", "End date", lambda c: c.end_on),
        ExportColumn("合同金额", "Total", lambda c: round_price(c.total)),
        ExportColumn("客户签约人", "Customer's signer", lambda c: c.customer_signer.name if c.customer_signer_id else ""),
        ExportColumn("我方签约人", "Our signer", lambda c: str(c.our_signer) if c.our_signer_id else ""),
        ExportColumn("负责人", "Owner", lambda c: str(c.owner)),
        ExportColumn("条款", "Terms", lambda c: c.terms),
    ]

    def queryset(self, request):
        from saas_core.contracts import queries

        _form, filters = queries.read_filters(request.GET, request.user)
        return queries.contract_list(request.user, filters, request.GET.get("sort")).select_related(
            "customer", "category", "owner", "customer_signer", "our_signer")


register_exporter(ContractExporter())
