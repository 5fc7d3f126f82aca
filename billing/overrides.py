"""The vendor switches a module on or off for one company (``ModuleOverride``).

The console and any later tool call these, never the model directly, so the module platform's
cache is always told (``plugins.enablement.invalidate``, after the change commits).
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from billing.models import Module, ModuleOverride, installed_module_keys


@transaction.atomic
def set_override(tenant, module_key: str, enabled: bool | None, *, note: str = "") -> ModuleOverride | None:
    """Switch ``module_key`` on (True) or off (False) for ``tenant``; None removes the override
    (the subscription decides again). Returns the override, or None when removed."""
    from plugins import enablement

    module = Module.objects.filter(key=module_key).first()
    if module is None:
        raise ValidationError({"module": [_("There is no module “%(key)s”.") % {"key": module_key}]})
    if enabled and module_key not in installed_module_keys():
        raise ValidationError({"module": [_("The module “%(key)s” is not installed here, so it cannot be switched on. "
                                            "Install its plugin first.") % {"key": module_key}]})
    if enabled is None:
        ModuleOverride.objects.filter(tenant=tenant, module=module).delete()
        override = None
    else:
        override, _created = ModuleOverride.objects.update_or_create(
            tenant=tenant, module=module, defaults={"enabled": enabled, "note": note[:200]},
        )
    enablement.invalidate(tenant.pk)
    return override
