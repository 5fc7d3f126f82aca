"""Exporting the order list to xlsx (the list's filters and sort, the user's data scope; module
"export" action and the export_excel right). The cost total and gross margin columns are filled
only for roles with the "see cost price" right."""

from __future__ import annotations

from django.utils.translation import gettext_lazy

from saas_core.imports.registry import ExportColumn, Exporter, register_exporter
from saas_core.money import round_price


def _money(value):
    return round_price(value) if value is not None else None


class OrderExporter(Exporter):
    key = "orders"
    label = gettext_lazy("Orders")
    module = "contracts"
    filename = "orders"
    base_columns = [
        ExportColumn("订单编号", "Order number", lambda o: o.number),
        ExportColumn("客户名称", "Customer name", lambda o: o.customer.name),
        ExportColumn("合同编号", "Contract number", lambda o: o.contract.number if o.contract_id else ""),
        ExportColumn("订单状态", "Status", lambda o: o.get_status_display()),
        ExportColumn("发货状态", "Shipping status", lambda o: o.get_shipping_status_display()),
        ExportColumn("下单日期", "Order date", lambda o: o.ordered_on),
        ExportColumn("交货日期", "Deliver by", lambda o: o.deliver_by),
        ExportColumn("明细合计", "Lines total", lambda o: _money(o.subtotal)),
        ExportColumn("整单折扣", "Document discount", lambda o: _money(o.discount)),
        ExportColumn("订单金额", "Total", lambda o: _money(o.total)),
        ExportColumn("收货人", "Receiver", lambda o: o.receiver),
        ExportColumn("收货电话", "Receiver's phone", lambda o: o.receiver_phone),
        ExportColumn("收货地址", "Delivery address", lambda o: o.address),
        ExportColumn("负责人", "Owner", lambda o: str(o.owner)),
    ]
    cost_columns = [
        ExportColumn("成本合计", "Cost total", lambda o: _money(o.cost_total)),
        ExportColumn("毛利", "Gross margin", lambda o: _money(o.margin)),
    ]
    columns = base_columns + cost_columns

    def columns_for(self, request) -> list[ExportColumn]:
        from saas_core.products.access import may_see_cost

        return self.base_columns + (self.cost_columns if may_see_cost(request.user) else [])

    def queryset(self, request):
        from saas_core.orders import queries

        _form, filters = queries.read_filters(request.GET, request.user)
        return queries.order_list(request.user, filters, request.GET.get("sort")).select_related(
            "customer", "contract", "owner")


register_exporter(OrderExporter())
