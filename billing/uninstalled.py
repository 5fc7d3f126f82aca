"""Add-on modules sold although their plugin is not installed here: ended at Stripe and paid back.

A one-off (``crm refund-uninstalled-modules`` / ``manage.py refund_uninstalled_modules``) for an
installation whose catalogue offered modules that do not exist in it. The company never had the
module, so each such add-on's Stripe subscription is cancelled at once and every payment made for
it is refunded to the card (localstripe and Stripe both refund a PaymentIntent; a payment made by
credit is credited back on the next invoice). One log line per company. Running it again changes
nothing: refunds subtract what Stripe has refunded already, and the add-on leaves our mirror only
after its money is back, so a run that stopped half-way is finished by the next.

A plan that includes such a module has no price of its own for it: the module's catalogue price
(per month, × 12 on a yearly plan) is taken as its part of each paid plan invoice and given back
the same way, marked as that part, so each run credits only invoices not yet credited (run it
again after renewals until the plan no longer includes the module).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

import stripe
from django.db import transaction
from django.utils.translation import gettext as _

from billing import services, stripe_api
from billing.models import Module, Subscription, installed_module_keys
from billing.money import format_money

log = logging.getLogger(__name__)


@dataclass
class Outcome:
    """What happened to one company."""

    schema: str
    company: str
    modules: list[str]
    in_plan: list[str] = field(default_factory=list)  # absent modules the plan includes
    refunded: dict[str, int] = field(default_factory=dict)  # currency -> minor units
    error: str = ""

    def line(self) -> str:
        money = ", ".join(format_money(amount, currency) for currency, amount in sorted(self.refunded.items()))
        done = []
        if self.modules:
            done.append(f"removed {', '.join(self.modules)}")
        if self.in_plan:
            done.append(f"credited the plan's part for {', '.join(self.in_plan)}")
        text = f"{self.schema} ({self.company}): {'; '.join(done)}; refunded {money or 'nothing'}"
        return f"{text}; FAILED: {self.error}" if self.error else text


def uninstalled_add_ons(subscription: Subscription) -> list[str]:
    """Keys of the add-ons a subscription has (here or at Stripe) whose plugin is not installed."""
    keys = set(subscription.stripe_module_subscriptions) | set(subscription.modules.values_list("key", flat=True))
    return sorted(keys - installed_module_keys())


def uninstalled_in_plan(subscription: Subscription) -> list[Module]:
    """The modules a paid subscription's plan includes whose plugin is not installed."""
    if not subscription.stripe_subscription_id:
        return []
    return list(subscription.plan.included_modules.exclude(key__in=installed_module_keys()).order_by("key"))


def refund_uninstalled_modules() -> list[Outcome]:
    """Every company with an add-on that is not installed, or paying for a plan that includes one:
    end the add-on at Stripe, give the money back, log a line."""
    outcomes = []
    for subscription in Subscription.objects.select_related("tenant", "plan").order_by("tenant__schema_name"):
        keys = uninstalled_add_ons(subscription)
        in_plan = uninstalled_in_plan(subscription)
        if keys or in_plan:
            outcomes.append(_refund(subscription, keys, in_plan))
    return outcomes


def _plan_part(subscription: Subscription, modules: list[Module], outcome: Outcome) -> None:
    """Give back the absent modules' part of each paid invoice of the plan."""
    plan = subscription.plan
    months = 12 if plan.interval == plan.Interval.YEAR else 1
    priced = [m for m in modules if m.currency.upper() == plan.currency.upper()]
    if len(priced) < len(modules):
        raise ValueError(f"no price in {plan.currency} for " + ", ".join(m.key for m in modules if m not in priced))
    per_invoice = sum(m.price_minor for m in priced) * months
    refunded = stripe_api.refund_subscription_payments(
        subscription.stripe_subscription_id, part="absent-modules", share=lambda invoice: per_invoice,
        description=_("Refund: the plan's modules %(names)s are not available") % {
            "names": ", ".join(m.name for m in modules)},
        metadata={"tenant_id": str(subscription.tenant_id), "modules": ",".join(m.key for m in modules),
                  "reason": "module not installed"},
    )
    for currency, amount in refunded.items():
        outcome.refunded[currency] = outcome.refunded.get(currency, 0) + amount


def _refund(subscription: Subscription, keys: list[str], in_plan: list[Module]) -> Outcome:
    tenant = subscription.tenant
    outcome = Outcome(schema=tenant.schema_name, company=tenant.name, modules=keys, in_plan=[m.key for m in in_plan])
    names = dict(Module.objects.filter(key__in=keys).values_list("key", "name"))
    try:
        for key in keys:
            entry = subscription.stripe_module_subscriptions.get(key) or {}
            if entry.get("id"):
                stripe_api.cancel_now(entry["id"])
                refunded = stripe_api.refund_subscription_payments(
                    entry["id"],
                    description=_("Refund: the module %(name)s is not available") % {"name": names.get(key, key)},
                    metadata={"tenant_id": str(tenant.pk), "module": key, "reason": "module not installed"},
                )
                for currency, amount in refunded.items():
                    outcome.refunded[currency] = outcome.refunded.get(currency, 0) + amount
            with transaction.atomic():
                locked = Subscription.objects.select_for_update().get(pk=subscription.pk)
                locked.stripe_module_subscriptions.pop(key, None)
                locked.save(update_fields=["stripe_module_subscriptions", "updated_at"])
                locked.modules.remove(key)
        if in_plan:
            _plan_part(subscription, in_plan, outcome)
    except stripe.StripeError as exc:
        outcome.error = str(exc.user_message or exc)
        log.error("uninstalled modules: %s", outcome.line())
    except ValueError as exc:
        outcome.error = str(exc)
        log.error("uninstalled modules: %s", outcome.line())
    else:
        log.info("uninstalled modules: %s", outcome.line())
    services.modules_changed_for(tenant.pk)
    return outcome
