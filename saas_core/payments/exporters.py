"""Exporting the plan, payment and invoice lists to xlsx (the list's filters and sort, the user's
data scope; module "export" action and the export_excel right)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy

from saas_core.imports.registry import ExportColumn, Exporter, register_exporter
from saas_core.money import round_price

PARENT = [
    ExportColumn("合同/订单编号", "Contract or order number", lambda r: r.parent_number),
    ExportColumn("客户名称", "Customer name", lambda r: r.customer.name),
]
TAIL = [
    ExportColumn("负责人", "Owner", lambda r: str(r.owner)),
    ExportColumn("备注", "Note", lambda r: r.note),
]
RELATED = ("customer", "owner", "contract", "order", "method")


class _ListExporter(Exporter):
    module = "payments"
    queries_name = ""  # the list's queries class in payments.queries
    related: tuple[str, ...] = RELATED

    def queryset(self, request):
        from saas_core.payments import queries

        found = getattr(queries, self.queries_name)
        return self.listed(request, found.read_filters, found.listing, *self.related)


def _method(row) -> str:
    return row.method.label if row.method_id else ""


class PlanExporter(_ListExporter):
    key = "payment_plans"
    queries_name = "PlanQueries"
    label = gettext_lazy("Payment plans")
    filename = "payment_plans"
    columns = [
        *PARENT,
        ExportColumn("期数", "Installment", lambda p: p.installment),
        ExportColumn("计划回款日期", "Due date", lambda p: p.due_on),
        ExportColumn("计划回款金额", "Amount", lambda p: round_price(p.amount)),
        ExportColumn("已回款", "Received", lambda p: round_price(p.received)),
        ExportColumn("状态", "Status", lambda p: str(dict(p.Status.choices).get(p.status, p.status))),
        ExportColumn("付款方式", "Payment method", _method),
        *TAIL,
    ]


class RecordExporter(_ListExporter):
    key = "payment_records"
    queries_name = "RecordQueries"
    label = gettext_lazy("Payments received")
    filename = "payments"
    columns = [
        ExportColumn("回款编号", "Payment number", lambda r: r.number),
        *PARENT,
        ExportColumn("回款日期", "Payment date", lambda r: r.received_on),
        ExportColumn("回款金额", "Amount", lambda r: round_price(r.amount)),
        ExportColumn("付款方式", "Payment method", _method),
        ExportColumn("收款账户", "Receiving account", lambda r: r.account),
        ExportColumn("付款方", "Payer", lambda r: r.payer),
        ExportColumn("状态", "Status", lambda r: r.get_status_display()),
        *TAIL,
    ]


class InvoiceExporter(_ListExporter):
    key = "invoices"
    queries_name = "InvoiceQueries"
    label = gettext_lazy("Invoices")
    filename = "invoices"
    related = ("customer", "owner", "contract", "order")
    columns = [
        ExportColumn("发票号码", "Invoice number", lambda i: i.invoice_number),
        *PARENT,
        ExportColumn("发票类型", "Invoice type", lambda i: i.get_kind_display()),
        ExportColumn("开票金额", "Amount", lambda i: round_price(i.amount)),
        ExportColumn("开票日期", "Invoice date", lambda i: i.issued_on),
        ExportColumn("抬头类型", "Title type", lambda i: i.get_title_type_display()),
        ExportColumn("发票抬头", "Invoice title", lambda i: i.title),
        ExportColumn("纳税识别号", "Taxpayer ID", lambda i: i.tax_id),
        ExportColumn("开户行", "Bank", lambda i: i.bank),
        ExportColumn("账号", "Bank account", lambda i: i.bank_account),
        ExportColumn("地址", "Registered address", lambda i: i.address),
        ExportColumn("电话", "Phone", lambda i: i.phone),
        ExportColumn("邮寄地址", "Mailing address", lambda i: i.mail_address),
        ExportColumn("物流单号", "Tracking number", lambda i: i.tracking_number),
        ExportColumn("状态", "Status", lambda i: i.get_status_display()),
        *TAIL,
    ]


for exporter in (PlanExporter(), RecordExporter(), InvoiceExporter()):
    register_exporter(exporter)
