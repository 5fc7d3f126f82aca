"""Exporting the quote list to xlsx, registered with saas_core.imports (the list's filters and sort,
limited to the user's data scope; module "export" action and the export_excel right). One row per
quote; no cost price (it is not part of a quote)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy

from saas_core.imports.registry import ExportColumn, Exporter, register_exporter
from saas_core.money import round_price


def _money(value):
    return round_price(value) if value is not None else None


class QuoteExporter(Exporter):
    key = "quotes"
    label = gettext_lazy("Quotes")
    module = "quotes"
    filename = "quotes"
    columns = [
        ExportColumn("报价单号", "Quote number", lambda q: q.number),
        ExportColumn("客户名称", "Customer name", lambda q: q.customer.name),
        ExportColumn("主题", "Subject", lambda q: q.subject),
        ExportColumn("销售机会", "Opportunity", lambda q: q.opportunity.subject if q.opportunity_id else ""),
        ExportColumn("状态", "Status", lambda q: q.get_status_display()),
        ExportColumn("报价日期", "Quote date", lambda q: q.quoted_on),
        ExportColumn("有效期至", "Valid until", lambda q: q.valid_until),
        ExportColumn("明细合计", "Lines total", lambda q: _money(q.subtotal)),
        ExportColumn("整单折扣", "Document discount", lambda q: _money(q.discount)),
        ExportColumn("报价总额", "Total", lambda q: _money(q.total)),
        ExportColumn("负责人", "Owner", lambda q: str(q.owner)),
        ExportColumn("条款", "Terms", lambda q: q.terms),
        ExportColumn("创建时间", "Created", lambda q: q.created_at),
    ]

    def queryset(self, request):
        from saas_core.quotes import queries

        return self.listed(request, queries.read_filters, queries.quote_list, "customer", "opportunity", "owner")


register_exporter(QuoteExporter())
