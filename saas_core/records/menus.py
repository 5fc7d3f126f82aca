"""Menu entry of the recycle bin."""

from django.utils.translation import gettext_lazy as _

from saas_core.org.access import has_right
from saas_core.records.registry import record_types
from web.menu import MenuEntry, register


def _may_use_bin(request) -> bool:
    from saas_core.org.access import can

    user = request.user
    return has_right(user, "purge_recycle_bin") or any(can(user, rt.module, "delete") for rt in record_types())


register(MenuEntry("recycle_bin", _("Recycle bin"), "records:bin", "tools", order=30, visible=_may_use_bin))
