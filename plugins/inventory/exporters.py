"""The stock ledger's xlsx export (imports app's exporter registry): the ledger as filtered; the
cost columns only for roles with the "see cost price" right."""

from __future__ import annotations

from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from saas_core.imports.registry import ExportColumn, Exporter, register_exporter


def _time(value) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M:%S") if value else ""


class LedgerExporter(Exporter):
    key = "inventory_ledger"
    label = _("Stock ledger")
    module = "inventory"
    filename = "stock-ledger"
    base_columns = [
        ExportColumn("过账时间", "Posted", lambda m: _time(m.posted_at)),
        ExportColumn("业务日期", "Date", lambda m: _time(m.occurred_at)),
        ExportColumn("类型", "Type", lambda m: m.get_kind_display()),
        ExportColumn("单据编号", "Document number", lambda m: m.document.number),
        ExportColumn("产品编号", "Product code", lambda m: m.product.code),
        ExportColumn("产品名称", "Product", lambda m: m.product.name),
        ExportColumn("仓库", "Warehouse", lambda m: m.warehouse.name),
        ExportColumn("数量", "Quantity", lambda m: m.quantity),
        ExportColumn("结存数量", "Balance", lambda m: m.quantity_after),
    ]
    cost_columns = [
        ExportColumn("单位成本", "Unit cost", lambda m: m.unit_cost),
        ExportColumn("金额", "Value", lambda m: m.value),
        ExportColumn("结存金额", "Balance value", lambda m: m.value_after),
    ]
    columns = base_columns + cost_columns

    def columns_for(self, request):
        from plugins.inventory.access import sees_cost

        return self.base_columns + (self.cost_columns if sees_cost(request.user) else [])

    def queryset(self, request):
        from plugins import enablement
        from plugins.inventory import queries
        from plugins.inventory.forms import LedgerFilterForm
        from plugins.inventory.views import _filters

        if not enablement.is_enabled("inventory", getattr(request, "tenant", None)):
            raise Http404
        return queries.ledger(**_filters(LedgerFilterForm(request.GET or None)))


register_exporter(LedgerExporter())
