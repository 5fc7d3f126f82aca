"""The "Suppression list" permission module: who sees, adds to, lifts, imports and exports it."""

from django.utils.translation import gettext_lazy as _

from saas_core.accounts.models import Role
from saas_core.org.permissions import register_module

MANAGE = ("view", "create", "edit", "delete", "import", "export")
register_module(
    "suppression", _("Suppression list"), order=27, noun=_("the suppression list"),
    defaults={str(role): actions for role, actions in (
        (Role.DIRECTOR, MANAGE), (Role.MANAGER, MANAGE), (Role.DIRECTOR_ASSISTANT, ("view", "create")),
        (Role.MANAGER_ASSISTANT, ("view", "create")), (Role.SALES, ("view", "create")),
        (Role.CUSTOMER_SERVICE, ("view", "create")),
    )},
)
