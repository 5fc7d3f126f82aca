"""What expenses register on start-up: the permission module "Expenses", the menu entries, the
customer 360° panel and figure, the attachments parent, the approval document type and the xlsx
exporter (the registries sit below; they never import this app)."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from saas_core.attachments.parents import register_parent
from saas_core.customers.panels import register_figure, register_panel
from saas_core.org import permissions
from saas_core.org.access import can, menu_visible
from saas_core.org.scope import can_see, visible
from web.menu import MenuEntry, register

OWN = (permissions.VIEW, permissions.CREATE, permissions.EDIT)
permissions.register_module("expenses", _("Expenses"), order=75, noun=_("expenses"), defaults={
    "director": permissions.ALL, "manager": permissions.ALL, "director_assistant": permissions.NO_DELETE,
    "manager_assistant": permissions.NO_DELETE, "sales": OWN, "customer_service": OWN,
})

from saas_core.expenses import approvals, exporters, panels  # noqa: E402 - after the module they use is registered
from saas_core.expenses.models import Expense  # noqa: E402

register(MenuEntry("expenses", _("Expenses"), "expenses:list", "opportunities", order=18, group="sales",
                   visible=menu_visible("expenses")))
register(MenuEntry("create_expense", _("Expense"), "expenses:create", "opportunities", order=65, group="sales",
                   visible=menu_visible("expenses", "create"), menus=frozenset({"create"})))

register_panel("expenses", _("Expenses"), "expenses/panels/customer.html", panels.customer_expenses, order=44,
               section="contracts", tab="expenses", lazy=True, permission=("expenses", "view"))
register_figure("expense_total", _("Expenses"), panels.total, order=49, tab="expenses",
                permission=("expenses", "view"))
register_parent(Expense, key="expense", can_view=lambda user, e: can(user, "expenses", "view") and can_see(user, e),
                can_edit=lambda user, e: can(user, "expenses", "edit") and can_see(user, e) and e.is_editable,
                url=lambda e: reverse("expenses:detail", args=[e.pk]), visible=lambda queryset, user: visible(queryset, user))

__all__ = ["approvals", "exporters"]
