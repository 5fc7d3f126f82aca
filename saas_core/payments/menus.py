"""What receivables register on start-up: the permission module "Payments and invoices", its
customer section and the "exceed receivable totals" right, menu entries, the customer 360°
panels and figure, the workbench's receivables, the contract list's columns and the contract and
order pages' payments block, the top-10 customer charts, the approval document types, the
attachments parents and the xlsx exporters (the registries sit below; they never import this app)."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from saas_core.accounts.models import Role
from saas_core.attachments.parents import register_parent
from saas_core.contracts import queries as contract_queries
from saas_core.customers.charts import register_chart
from saas_core.customers.panels import register_figure, register_panel
from saas_core.lines.views import DetailSection, register_section
from saas_core.org import permissions
from saas_core.org.access import can, menu_visible
from saas_core.org.scope import can_see, visible
from web.menu import MenuEntry, register
from web.workbench import Panel
from web.workbench import register as register_workbench

permissions.register_planned_module("payments")
permissions.register_planned_section("payments")

from saas_core.payments import approvals, exporters, figures, panels, services  # noqa: E402
from saas_core.payments.models import Invoice, PaymentPlan, PaymentRecord  # noqa: E402

permissions.register_right(services.OVERRIDE_RIGHT, _("Exceed receivable totals (with a reason)"),
                           defaults=(Role.DIRECTOR,))

register(MenuEntry("payment_plans", _("Payment plans"), "payments:plan_list", "opportunities", order=17,
                   group="sales", visible=menu_visible("payments")))
register(MenuEntry("payment_records", _("Payments received"), "payments:record_list", "opportunities", order=18,
                   group="sales", visible=menu_visible("payments")))
register(MenuEntry("invoices", _("Invoices"), "payments:invoice_list", "opportunities", order=18,
                   group="sales", visible=menu_visible("payments")))

register_panel("business_totals", _("Business totals"), "payments/panels/totals.html", panels.business_totals,
               order=38, section="payments", tab="business_totals", lazy=True, permission=("payments", "view"))
register_panel("payments", _("Payments"), "payments/panels/payments.html", panels.customer_payments, order=41,
               section="payments", tab="payments", lazy=True, permission=("payments", "view"))
register_panel("invoices", _("Invoices"), "payments/panels/invoices.html", panels.customer_invoices, order=42,
               section="payments", tab="invoices", lazy=True, permission=("payments", "view"))
register_figure("outstanding", _("Outstanding"), panels.outstanding, order=49, tab="business_totals",
                permission=("payments", "view"))
register_workbench(Panel("receivables", "payments/_workbench.html", panels.workbench, order=22))
contract_queries.register_column(contract_queries.ListColumn(
    "received", _("Received"), "payments/_contract_cells.html", figures.with_progress, ("payments", "view")))
register_section(DetailSection("payments", "payments/_document_block.html", panels.document_block,
                               ("contracts.contract", "orders.order")))
register_chart("top_contracts", _("Top 10 by contract amount"), "bar", figures.top_by_contracts,
               permission=("contracts", "view"))
register_chart("top_payments", _("Top 10 by payments received"), "bar", figures.top_by_payments,
               permission=("payments", "view"))

for model, key, url_name in ((PaymentRecord, "payment_record", "payments:record_detail"),
                             (Invoice, "invoice", "payments:invoice_detail")):
    register_parent(model, key=key,
                    can_view=lambda user, obj: can(user, "payments", "view") and can_see(user, obj),
                    can_edit=lambda user, obj: can(user, "payments", "edit") and can_see(user, obj),
                    url=lambda obj, name=url_name: reverse(name, args=[obj.pk]),
                    visible=lambda queryset, user: visible(queryset, user))

__all__ = ["approvals", "exporters", "PaymentPlan"]
