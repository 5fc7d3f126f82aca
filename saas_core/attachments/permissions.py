"""The "Attachments" permission module and customer section (ROLE-02/03).

Viewing, uploading and deleting files also need the parent record: see ``access``.
"""

from django.utils.translation import gettext_lazy as _

from saas_core.accounts.models import Role
from saas_core.org.permissions import ALL, WORK, register_customer_section, register_module

register_module(
    "attachments", _("Attachments"), order=25, noun=_("attachments"),
    defaults={str(role): actions for role, actions in (
        (Role.DIRECTOR, ALL), (Role.MANAGER, ALL), (Role.DIRECTOR_ASSISTANT, WORK), (Role.MANAGER_ASSISTANT, WORK),
        (Role.SALES, WORK), (Role.CUSTOMER_SERVICE, ("view",)),
    )},
)
register_customer_section("attachments", _("Attachments"), order=25, service_default=True)
