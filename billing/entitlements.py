"""Which modules a company may use: its plan's, its add-ons, then the vendor's overrides,
narrowed to the modules installed here (a catalogue row without its plugin is nothing to use).

This is the only place that answers the question; the module platform caches the answer per
tenant (``plugins.enablement``), so whoever changes a subscription or an override calls
``plugins.enablement.invalidate(tenant_id)`` after the change commits.
"""

from __future__ import annotations

from .models import ModuleOverride, Subscription, installed_module_keys


def enabled_module_keys(tenant_id: int) -> frozenset[str]:
    """The keys of the modules switched on for the company ``tenant_id``."""
    keys = set(subscribed_module_keys(tenant_id))
    for key, enabled in ModuleOverride.objects.filter(tenant_id=tenant_id).values_list("module_id", "enabled"):
        if enabled:
            keys.add(key)
        else:
            keys.discard(key)
    return frozenset(keys) & installed_module_keys()


def subscribed_module_keys(tenant_id: int) -> frozenset[str]:
    """The installed modules the subscription pays for (plan and add-ons), without overrides."""
    subscription = Subscription.objects.filter(tenant_id=tenant_id).select_related("plan").first()
    if subscription is None:
        return frozenset()
    return (frozenset(subscription.plan.included_modules.values_list("key", flat=True)) | frozenset(
        subscription.modules.values_list("key", flat=True)
    )) & installed_module_keys()


