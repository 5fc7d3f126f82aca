"""Exporting the expense list to xlsx (the list's filters and sort, the user's data scope; module
"export" action and the export_excel right)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy

from saas_core.imports.registry import ExportColumn, Exporter, register_exporter
from saas_core.money import round_price


class ExpenseExporter(Exporter):
    key = "expenses"
    label = gettext_lazy("Expenses")
    module = "expenses"
    filename = "expenses"
    columns = [
        ExportColumn("日期", "Date", lambda e: e.spent_on),
        ExportColumn("费用类型", "Expense type", lambda e: e.type.label if e.type_id else ""),
        ExportColumn("金额", "Amount", lambda e: round_price(e.amount)),
        ExportColumn("客户名称", "Customer name", lambda e: e.customer.name if e.customer_id else ""),
        ExportColumn("合同编号", "Contract number", lambda e: e.contract.number if e.contract_id else ""),
        ExportColumn("状态", "Status", lambda e: e.get_status_display()),
        ExportColumn("报销人", "Claimant", lambda e: str(e.owner)),
        ExportColumn("说明", "Description", lambda e: e.description),
    ]

    def queryset(self, request):
        from saas_core.expenses import queries

        _form, filters = queries.read_filters(request.GET, request.user)
        return queries.expense_list(request.user, filters, request.GET.get("sort")).select_related(
            "customer", "contract", "type", "owner")


register_exporter(ExpenseExporter())
