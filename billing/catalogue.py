"""The vendor edits the catalogue (PLT-04): plans and modules, saved here and at Stripe together.

Each save runs in one transaction that ends with the item's Stripe sync
(``billing.services.sync_plan`` / ``sync_module``); if Stripe cannot be reached or refuses, the
transaction is rolled back and the vendor is told, so our catalogue never shows a price Stripe
does not have. The Stripe side is idempotent (ids name the price), so saving again after a
failure finishes whatever Stripe had already created.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable

import stripe
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from billing import services
from billing.models import Module, Plan, installed_module_keys

log = logging.getLogger(__name__)


def _saved_with_stripe(save: Callable[[], object]):
    try:
        with transaction.atomic():
            return save()
    except stripe.APIConnectionError as exc:
        log.warning("catalogue save: Stripe unreachable: %s", exc)
        raise ValidationError(_("Stripe could not be reached, so nothing was saved. Check the connection to "
                                "Stripe and save again.")) from exc
    except stripe.StripeError as exc:
        log.warning("catalogue save: Stripe refused: %s", exc)
        raise ValidationError(_("Stripe refused the change, so nothing was saved: %(reason)s")
                              % {"reason": exc.user_message or str(exc)}) from exc


def save_plan(plan: Plan, included_modules: Iterable[Module] | None = None) -> Plan:
    """Create or change a plan, with its included modules, and sync it to Stripe.

    Only installed modules can be included: a plan must not promise what this installation lacks."""
    plan.full_clean()
    if included_modules is not None:
        included_modules = list(included_modules)
        missing = sorted(m.key for m in included_modules if m.key not in installed_module_keys())
        if missing:
            raise ValidationError({"included_modules": [
                _("These modules are not installed here: %(keys)s. Install their plugins first.")
                % {"keys": ", ".join(missing)}]})

    def save() -> Plan:
        plan.save()
        if included_modules is not None:
            plan.included_modules.set(included_modules)
        services.sync_plan(plan)
        _modules_may_have_changed(plan)
        return plan

    return _saved_with_stripe(save)


def save_module(module: Module) -> Module:
    """Create or change a module and sync it to Stripe; only an installed module may be on sale
    (an archived row of a removed plugin may still be edited)."""
    module.full_clean(validate_unique=module._state.adding)
    if module._state.adding and Module.objects.filter(key=module.key).exists():
        raise ValidationError({"key": [_("A module with this key exists already.")]})
    if module.active and module.key not in installed_module_keys():
        raise ValidationError({"key": [_("No module with the key “%(key)s” is installed here, so it cannot be sold. "
                                         "Install its plugin first (the installed ones are: %(keys)s).")
                                       % {"key": module.key, "keys": ", ".join(sorted(installed_module_keys())) or "—"}]})

    def save() -> Module:
        module.save()
        services.sync_module(module)
        return module

    return _saved_with_stripe(save)


def set_on_sale(item: Plan | Module, on_sale: bool) -> Plan | Module:
    """Archive (take off sale) or bring back; subscribers keep what they have."""
    item.active = on_sale
    if isinstance(item, Plan):
        return save_plan(item)
    return save_module(item)


def _modules_may_have_changed(plan: Plan) -> None:
    """A plan's included modules decide what its subscribers may use: tell the module platform."""
    for tenant_id in plan.subscriptions.values_list("tenant_id", flat=True):
        services.modules_changed_for(tenant_id)
