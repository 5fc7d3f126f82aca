"""What the Boss's "Modules" page and ``/api/v1/modules/`` show: every module on sale or in use,
whether the company has it, why, and what it does."""

from __future__ import annotations

from dataclasses import dataclass

from plugins import enablement, manager


@dataclass(frozen=True)
class ModuleRow:
    key: str
    name: str
    description: str
    enabled: bool
    source: str  # "plan", "add_on", "vendor_on", "vendor_off", "none"
    price_minor: int
    currency: str

    @property
    def source_label(self) -> str:
        from django.utils.translation import gettext as _

        return {
            "plan": _("Included in your plan"),
            "add_on": _("Add-on of your subscription"),
            "vendor_on": _("Switched on by the vendor"),
            "vendor_off": _("Switched off by the vendor"),
            "none": _("Not in your subscription"),
        }[self.source]


def modules_overview(tenant) -> list[ModuleRow]:
    """Installed modules the company has or could add, with their state, in catalogue order."""
    from billing.models import Module, ModuleOverride, Subscription

    tenant_id = enablement.tenant_id_of(tenant)
    infos = {info["key"]: info for info in manager.module_infos()}
    enabled = enablement.enabled_modules(tenant)
    overrides = dict(ModuleOverride.objects.filter(tenant_id=tenant_id).values_list("module_id", "enabled"))
    subscription = Subscription.objects.filter(tenant_id=tenant_id).select_related("plan").first()
    in_plan: set[str] = set()
    add_ons: set[str] = set()
    if subscription is not None:
        in_plan = set(subscription.plan.included_modules.values_list("key", flat=True))
        add_ons = set(subscription.modules.values_list("key", flat=True))
    rows = []
    for module in Module.objects.filter(key__in=list(infos)):
        key = module.key
        if not module.active and key not in enabled:
            continue
        if key in overrides:
            source = "vendor_on" if overrides[key] else "vendor_off"
        elif key in in_plan:
            source = "plan"
        elif key in add_ons:
            source = "add_on"
        else:
            source = "none"
        info = infos[key]
        rows.append(ModuleRow(
            key=key, name=str(info.get("name") or module.name),
            description=str(info.get("description") or module.description),
            enabled=key in enabled, source=source, price_minor=module.price_minor, currency=module.currency,
        ))
    return rows
