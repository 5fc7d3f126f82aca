"""Billing operations (PLT-05): catalogue sync, trial, card, pay, change, cancel, reconcile.

Stripe is the source of truth for what is paid. Every operation that changes something at
Stripe ends with ``reconcile``, which re-reads the subscriptions from Stripe and applies
their state to our mirror and to the company's lifecycle state; webhooks call the same
function, so the order events arrive in cannot move a company backwards.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import stripe
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from billing import problems, proration, stripe_api
from billing.models import Module, Plan, Subscription, installed_module_keys
from tenants import lifecycle
from tenants.models import Tenant

log = logging.getLogger(__name__)
S = Tenant.Status


# --- catalogue ----------------------------------------------------------------------------


def stripe_ids_for_plan(plan: Plan) -> tuple[str, str]:
    """Product and plan ids; the plan id names the price, so a price change is a new plan."""
    return (f"crm_plan_{plan.code}",
            f"crm_plan_{plan.code}_{plan.price_per_seat_minor}_{plan.currency.lower()}_{plan.interval}")


def stripe_ids_for_module(module: Module) -> tuple[str, str]:
    return (f"crm_module_{module.key}",
            f"crm_module_{module.key}_{module.price_minor}_{module.currency.lower()}_month")


def sync_plan(plan: Plan) -> Plan:
    product_id, plan_id = stripe_ids_for_plan(plan)
    stripe_api.ensure_product(product_id, plan.name, {"kind": "plan", "code": plan.code})
    stripe_api.ensure_plan(plan_id, product_id, plan.price_per_seat_minor, plan.currency, plan.interval)
    if (plan.stripe_product_id, plan.stripe_plan_id) != (product_id, plan_id):
        Plan.objects.filter(pk=plan.pk).update(stripe_product_id=product_id, stripe_plan_id=plan_id)
        plan.stripe_product_id, plan.stripe_plan_id = product_id, plan_id
    return plan


def sync_module(module: Module) -> Module:
    product_id, plan_id = stripe_ids_for_module(module)
    stripe_api.ensure_product(product_id, module.name, {"kind": "module", "key": module.key})
    stripe_api.ensure_plan(plan_id, product_id, module.price_minor, module.currency, "month")
    if (module.stripe_product_id, module.stripe_plan_id) != (product_id, plan_id):
        Module.objects.filter(pk=module.pk).update(stripe_product_id=product_id, stripe_plan_id=plan_id)
        module.stripe_product_id, module.stripe_plan_id = product_id, plan_id
    return module


def sync_catalogue() -> dict[str, int]:
    """Make sure every plan and installed module has its Stripe product and plan (safe to run again).

    A module whose plugin is not installed gets nothing at Stripe: there is nothing to sell."""
    plans = [sync_plan(p) for p in Plan.objects.all()]
    modules = [sync_module(m) for m in Module.objects.installed()]
    return {"plans": len(plans), "modules": len(modules)}


# --- trial and seats -----------------------------------------------------------------------


def start_trial(tenant: Tenant, plan: Plan | None) -> Subscription | None:
    """Signup: the plan picked, with the trial's seats; nothing at Stripe until the Boss pays."""
    plan = plan or Plan.objects.filter(active=True).first()
    if plan is None:
        return None
    seats = max(plan.min_seats, settings.TRIAL_SEATS)
    return Subscription.objects.create(tenant=tenant, plan=plan, seats=seats)


def fit_trial_seats(tenant: Tenant) -> Subscription | None:
    """Raise an unpaid trial's seats to the active users of the current tenant (call it in the
    tenant's schema). Paid seats change only through ``change``, which Stripe charges for."""
    with transaction.atomic():
        subscription = Subscription.objects.select_for_update().filter(
            tenant_id=tenant.pk, stripe_subscription_id="").first()
        if subscription is None:
            return None
        used = seats_used()
        if subscription.seats < used:
            subscription.seats = used
            subscription.save(update_fields=["seats", "updated_at"])
    return subscription


def seats_used() -> int:
    """Active users of the current tenant (the schema in use)."""
    from saas_core.accounts.models import User

    return User.objects.filter(is_active=True, deleted_at__isnull=True).count()


def default_seats(subscription: Subscription) -> int:
    """The seats the subscription form starts with: every active user needs one, so a trial
    starts from the users (not from the trial's allowance) and a paid subscription from its seats."""
    paying = bool(subscription.stripe_subscription_id)
    return max(seats_used(), subscription.plan.min_seats, subscription.seats if paying else 1)


def check_seat_available(adding: int = 1) -> None:
    """Refuse one more active user of the current tenant beyond the paid seats; call it inside
    the user's transaction. The subscription row is locked, so two admins adding the last seat
    at once cannot both win."""
    from django.db import connection

    subscription = Subscription.objects.select_for_update().filter(tenant__schema_name=connection.schema_name).first()
    if subscription is None:
        return
    used = seats_used()
    if used + adding > subscription.seats:
        raise ValidationError(
            _("All %(seats)d paid seats are in use. Add seats on the Subscription page (Account → Subscription) "
              "to add more users.") % {"seats": subscription.seats},
            code="seats",
        )


# --- when Stripe fails or has lost the company's records ---------------------------------------


def forget_what_stripe_lost(subscription: Subscription) -> bool:
    """Drop from our mirror what Stripe no longer has (localstripe forgets everything when it
    restarts; a customer may be deleted in Stripe's dashboard), so the Boss can enter a card and pay
    again instead of meeting the same error. True when something was forgotten. The company's
    state and data stay as they are: nothing here charges, cancels or locks anything."""
    lost_customer = bool(subscription.stripe_customer_id) and not stripe_api.customer_exists(
        subscription.stripe_customer_id)
    lost_main = bool(subscription.stripe_subscription_id) and (
        lost_customer or not stripe_api.subscription_exists(subscription.stripe_subscription_id))
    lost_modules = [key for key, entry in subscription.stripe_module_subscriptions.items()
                    if lost_customer or not entry.get("id") or not stripe_api.subscription_exists(entry["id"])]
    if not (lost_customer or lost_main or lost_modules):
        return False
    with transaction.atomic():
        locked = Subscription.objects.select_for_update().get(pk=subscription.pk)
        if lost_customer:
            locked.stripe_customer_id = locked.card_brand = locked.card_last4 = ""
        if lost_main:
            locked.stripe_subscription_id = ""
            locked.cancel_at_period_end = False
        for key in lost_modules:
            locked.stripe_module_subscriptions.pop(key, None)
        locked.save()
        if lost_modules:
            locked.modules.remove(*lost_modules)
    log.warning("tenant %s: Stripe no longer has %s; forgotten here so the Boss can pay again", subscription.tenant_id,
                ", ".join(part for part, lost in (("the customer", lost_customer), ("the subscription", lost_main),
                                                  (f"add-ons {lost_modules}", bool(lost_modules))) if lost))
    if lost_modules:
        modules_changed_for(subscription.tenant_id)
    return True


def _payment_problem(tenant: Tenant, exc: stripe.StripeError, doing: str) -> problems.PaymentServiceError:
    if stripe_api.is_missing(exc):
        subscription = Subscription.objects.filter(tenant_id=tenant.pk).first()
        try:
            if subscription is not None and forget_what_stripe_lost(subscription):
                return problems.records_gone()
        except stripe.StripeError as again:
            return problems.explain(again, doing)
    return problems.explain(exc, doing)


def stripe_guarded(operation: Callable) -> Callable:
    """A billing operation whose Stripe failures reach the page or API as a PaymentServiceError
    (what is wrong, what to do), never as a 500."""

    @functools.wraps(operation)
    def guarded(tenant: Tenant, *args, **kwargs):
        try:
            return operation(tenant, *args, **kwargs)
        except stripe.StripeError as exc:
            raise _payment_problem(tenant, exc, operation.__name__.replace("_", " ")) from exc

    return guarded


# --- card, pay, change, cancel --------------------------------------------------------------


def _subscription(tenant: Tenant) -> Subscription:
    subscription = Subscription.objects.select_related("plan").filter(tenant_id=tenant.pk).first()
    if subscription is None:
        raise ValidationError(_("This workspace has no subscription yet; please contact the service provider."))
    return subscription


@stripe_guarded
def save_card(tenant: Tenant, *, number: str, exp_month: int, exp_year: int, cvc: str, email: str = "") -> Subscription:
    """Store a card as the company's default payment method (test numbers; see stripe_api)."""
    number = "".join(ch for ch in (number or "") if ch.isdigit())
    errors: dict[str, list[str]] = {}
    if len(number) != 16:
        errors["number"] = [_("Enter the 16 digits of the card number.")]
    if not 1 <= int(exp_month or 0) <= 12:
        errors["exp_month"] = [_("Enter the expiry month (1-12).")]
    this_year = timezone.now().year
    if not this_year <= int(exp_year or 0) <= this_year + 20:
        errors["exp_year"] = [_("Enter the expiry year (four digits, not in the past).")]
    # American Express (34…, 37…) prints 4 digits; every other scheme 3, and Stripe refuses the rest.
    if not (cvc or "").isdigit() or len(cvc) != (4 if number[:2] in ("34", "37") else 3):
        errors["cvc"] = [_("Enter the card's security code: 4 digits on American Express, 3 on other cards.")]
    if errors:
        raise ValidationError(errors)
    subscription = _subscription(tenant)
    try:
        customer = stripe_api.ensure_customer(subscription.stripe_customer_id, name=tenant.name, email=email,
                                              tenant_id=tenant.pk)
        card = stripe_api.attach_test_card(customer, number=number, exp_month=int(exp_month),
                                           exp_year=int(exp_year), cvc=cvc)
    except stripe.CardError as exc:
        raise ValidationError({"number": [_("The card was declined: %(reason)s") % {"reason": exc.user_message}]}) from exc
    if subscription.stripe_customer_id and customer != subscription.stripe_customer_id:
        forget_what_stripe_lost(subscription)  # the old customer is gone, and its subscriptions with it
    Subscription.objects.filter(pk=subscription.pk).update(
        stripe_customer_id=customer, card_brand=card["brand"] or "", card_last4=card["last4"] or ""
    )
    subscription.refresh_from_db()
    return subscription


def _check_choice(subscription: Subscription, plan: Plan, seats: int, modules: list[Module]) -> None:
    errors: dict[str, list[str]] = {}
    if not plan.active and plan.pk != subscription.plan_id:
        errors["plan"] = [_("This plan is no longer on sale.")]
    if seats < plan.min_seats:
        errors["seats"] = [_("The plan %(plan)s needs at least %(n)d seats.") % {"plan": plan.name, "n": plan.min_seats}]
    elif seats < seats_used():
        errors["seats"] = [_("%(used)d users are active; disable users before reducing the seats to %(seats)d.")
                           % {"used": seats_used(), "seats": seats}]
    missing = [m.name for m in modules if m.key not in installed_module_keys()]
    if missing:
        errors["modules"] = [_("These modules are not available in this installation: %(names)s.")
                             % {"names": ", ".join(missing)}]
    wrong = [m.display_name for m in modules if m.currency != plan.currency]
    if wrong and not missing:
        errors["modules"] = [_("These modules are not sold in %(currency)s: %(names)s.")
                             % {"currency": plan.currency, "names": ", ".join(wrong)}]
    if subscription.stripe_subscription_id and plan.interval != subscription.plan.interval:
        errors["plan"] = [_("Switching between monthly and yearly billing is not possible here; cancel at the end "
                            "of the period and subscribe again.")]
    if errors:
        raise ValidationError(errors)


def _module_periods(subscription: Subscription) -> dict[str, tuple[datetime, datetime]]:
    return {key: (_from_ts(v.get("start")), _from_ts(v.get("end")))
            for key, v in subscription.stripe_module_subscriptions.items()}


def quote_change(tenant: Tenant, *, plan: Plan, seats: int, modules: list[Module]) -> proration.Quote:
    """What changing to plan/seats/modules costs now and on the next invoice."""
    subscription = _subscription(tenant)
    _check_choice(subscription, plan, seats, modules)
    paying = bool(subscription.stripe_subscription_id)
    return proration.quote(
        old_plan=subscription.plan if paying else None, old_seats=subscription.seats,
        old_modules=set(subscription.stripe_module_subscriptions) if paying else set(),
        plan=plan, seats=seats, modules=modules,
        period_start=subscription.current_period_start, period_end=subscription.current_period_end,
        module_periods=_module_periods(subscription),
    )


def _card_error(exc: stripe.CardError) -> ValidationError:
    return ValidationError({"card": [_("The payment failed: %(reason)s Enter another card and try again.")
                                     % {"reason": exc.user_message or _("the card was declined.")}]})


@stripe_guarded
def subscribe(tenant: Tenant, *, plan: Plan, seats: int, modules: list[Module]) -> Subscription:
    """First payment (after the trial, or again after a cancellation): charges the card now."""
    subscription = _subscription(tenant)
    if not subscription.stripe_customer_id or not subscription.card_last4:
        raise ValidationError({"card": [_("Enter a card first.")]})
    if subscription.stripe_subscription_id and tenant.status != S.CANCELLED:
        raise ValidationError(_("The subscription is already paid; change it instead."))
    _check_choice(subscription, plan, seats, modules)
    sync_plan(plan)
    meta = {"tenant_id": str(tenant.pk), "schema": tenant.schema_name}
    try:
        remote = stripe_api.create_subscription(subscription.stripe_customer_id, plan.stripe_plan_id, seats, meta)
    except stripe.CardError as exc:
        raise _card_error(exc) from exc
    Subscription.objects.filter(pk=subscription.pk).update(
        plan=plan, seats=seats, stripe_subscription_id=remote.id, stripe_module_subscriptions={},
        cancel_at_period_end=False,
    )
    subscription.refresh_from_db()
    subscription.modules.clear()
    modules_changed_for(tenant.pk)
    _add_modules(tenant, subscription, [m for m in modules if m.key not in _included(plan)])
    return reconcile(subscription)


def _included(plan: Plan) -> set[str]:
    return set(plan.included_modules.values_list("key", flat=True))


def _add_modules(tenant: Tenant, subscription: Subscription, modules: list[Module]) -> None:
    for module in modules:
        sync_module(module)
        meta = {"tenant_id": str(tenant.pk), "schema": tenant.schema_name, "module": module.key}
        try:
            remote = stripe_api.create_subscription(subscription.stripe_customer_id, module.stripe_plan_id, 1, meta)
        except stripe.CardError as exc:
            reconcile(subscription)
            raise _card_error(exc) from exc
        with transaction.atomic():
            locked = Subscription.objects.select_for_update().get(pk=subscription.pk)
            locked.stripe_module_subscriptions[module.key] = {
                "id": remote.id, "start": remote.current_period_start, "end": remote.current_period_end}
            locked.save(update_fields=["stripe_module_subscriptions", "updated_at"])
            locked.modules.add(module)
        subscription.stripe_module_subscriptions = locked.stripe_module_subscriptions
        modules_changed_for(tenant.pk)


@stripe_guarded
def change(tenant: Tenant, *, plan: Plan, seats: int, modules: list[Module]) -> proration.Quote:
    """Upgrade or downgrade now; the quoted proration goes on the next invoice."""
    subscription = _subscription(tenant)
    if not subscription.stripe_subscription_id or tenant.status == S.CANCELLED:
        raise ValidationError(_("There is no paid subscription to change; pay first."))
    figures = quote_change(tenant, plan=plan, seats=seats, modules=modules)
    sync_plan(plan)
    if plan.pk != subscription.plan_id:
        modules_changed_for(tenant.pk)  # the plan's included modules
    if (plan.pk, seats) != (subscription.plan_id, subscription.seats):
        stripe_api.change_subscription(subscription.stripe_subscription_id, plan.stripe_plan_id, seats)
        if figures.proration:
            stripe_api.add_proration_item(
                subscription.stripe_customer_id, subscription.stripe_subscription_id, figures.proration,
                plan.currency, _("Plan change to %(plan)s × %(seats)d for the rest of the period")
                % {"plan": plan.name, "seats": seats},
            )
        Subscription.objects.filter(pk=subscription.pk).update(plan=plan, seats=seats)
    for module in figures.removed:
        entry = subscription.stripe_module_subscriptions.get(module.key, {})
        if entry.get("id"):
            stripe_api.cancel_now(entry["id"])
        credit = proration.prorate(module.price_minor, proration.remaining_fraction(
            _from_ts(entry.get("start")), _from_ts(entry.get("end"))))
        if credit:
            stripe_api.add_proration_item(subscription.stripe_customer_id, subscription.stripe_subscription_id,
                                          -credit, module.currency,
                                          _("Unused time of the module %(name)s") % {"name": module.name})
        with transaction.atomic():
            locked = Subscription.objects.select_for_update().get(pk=subscription.pk)
            locked.stripe_module_subscriptions.pop(module.key, None)
            locked.save(update_fields=["stripe_module_subscriptions", "updated_at"])
            locked.modules.remove(module)
        modules_changed_for(tenant.pk)
    subscription.refresh_from_db()
    _add_modules(tenant, subscription, figures.added)
    reconcile(subscription)
    return figures


@stripe_guarded
def set_cancel_at_period_end(tenant: Tenant, cancel: bool) -> Subscription:
    subscription = _subscription(tenant)
    if not subscription.stripe_subscription_id:
        raise ValidationError(_("There is no paid subscription to cancel."))
    stripe_api.set_cancel_at_period_end(subscription.stripe_subscription_id, cancel)
    for entry in subscription.stripe_module_subscriptions.values():
        stripe_api.set_cancel_at_period_end(entry["id"], cancel)
    return reconcile(subscription)


@stripe_guarded
def pay_overdue(tenant: Tenant) -> Subscription:
    """Pay the open invoice with the current card (after a failed renewal); restores access."""
    subscription = _subscription(tenant)
    if tenant.status == S.CANCELLED or not subscription.stripe_subscription_id:
        raise ValidationError(_("There is no subscription to pay; subscribe again."))
    remote = stripe_api.retrieve_subscription(subscription.stripe_subscription_id)
    invoice = remote.latest_invoice
    if invoice and invoice.status == "open":
        paid = stripe_api.pay_invoice(invoice.id)
        if paid.status != "paid":
            raise ValidationError({"card": [_("The payment failed again. Enter another card and try again.")]})
    return reconcile(subscription)


# --- the state from Stripe ------------------------------------------------------------------


def _from_ts(value) -> datetime | None:
    return datetime.fromtimestamp(int(value), tz=UTC) if value else None


def reconcile(subscription: Subscription) -> Subscription:
    """Re-read the company's subscriptions at Stripe and apply them (idempotent, order-free)."""
    if not subscription.stripe_subscription_id:
        return subscription
    try:
        remote = stripe_api.retrieve_subscription(subscription.stripe_subscription_id)
        module_remotes = {key: stripe_api.retrieve_subscription(v["id"])
                          for key, v in subscription.stripe_module_subscriptions.items() if v.get("id")}
    except stripe.InvalidRequestError as exc:
        if not stripe_api.is_missing(exc) or not forget_what_stripe_lost(subscription):
            raise
        return Subscription.objects.get(pk=subscription.pk)
    modules_changed = False
    with transaction.atomic():
        locked = Subscription.objects.select_for_update().get(pk=subscription.pk)
        if locked.stripe_subscription_id != remote.id:
            return locked  # replaced meanwhile (a new subscription after a cancellation)
        item = remote["items"].data[0]
        plan = Plan.objects.filter(stripe_plan_id=item.plan.id).first()
        if plan is not None:
            locked.plan = plan
        locked.seats = item.quantity or locked.seats
        locked.current_period_start = _from_ts(remote.current_period_start)
        locked.current_period_end = _from_ts(remote.current_period_end)
        locked.cancel_at_period_end = bool(remote.cancel_at_period_end)
        if remote.status == "active" and locked.paid_since is None:
            locked.paid_since = timezone.now()
        for key, module_remote in module_remotes.items():
            if module_remote.status == "canceled":
                locked.stripe_module_subscriptions.pop(key, None)
                locked.modules.remove(key)
                modules_changed = True
            else:
                locked.stripe_module_subscriptions[key].update(
                    start=module_remote.current_period_start, end=module_remote.current_period_end)
        locked.save()
    tenant = Tenant.objects.get(pk=locked.tenant_id)
    _apply_status(tenant, remote, module_remotes)
    if modules_changed:
        modules_changed_for(tenant.pk)
    return locked


def _apply_status(tenant: Tenant, remote, module_remotes: dict) -> None:
    if tenant.status == S.DELETED:
        return
    overdue = stripe_api.payment_overdue(remote) or any(
        stripe_api.payment_overdue(m) for m in module_remotes.values() if m.status != "canceled")
    if remote.status == "canceled":
        lifecycle.transition(tenant, S.CANCELLED, reason="subscription ended at Stripe")
    elif overdue:
        if tenant.status in (S.TRIALING, S.ACTIVE):
            lifecycle.transition(tenant, S.PAST_DUE, reason="payment failed")
    elif remote.status in ("active", "trialing"):
        lifecycle.transition(tenant, S.ACTIVE, reason="paid")


def modules_changed_for(tenant_id: int) -> None:
    """The one call point after a company's modules change: the module platform's cache.

    ``plugins.enablement`` (the module platform) caches the enabled set per tenant.
    """
    from plugins import enablement

    enablement.invalidate(tenant_id)  # moves the stamp when the surrounding transaction commits


def handle_event(event: dict) -> str:
    """Apply one verified webhook event: find the company it is about and reconcile it."""
    obj = event["data"]["object"]
    kind = obj.get("object")
    subscription_id = obj.get("id") if kind == "subscription" else obj.get("subscription")
    customer_id = obj.get("customer") or ""
    if not subscription_id or not customer_id:
        return "ignored"
    subscription = Subscription.objects.filter(stripe_customer_id=customer_id).first()
    if subscription is None:
        return "unknown customer"
    reconcile(subscription)
    return "reconciled"


# --- invoices ---------------------------------------------------------------------------------


@stripe_guarded
def invoices(tenant: Tenant) -> list:
    subscription = Subscription.objects.filter(tenant_id=tenant.pk).first()
    if subscription is None:
        return []
    return [i for i in stripe_api.list_invoices(subscription.stripe_customer_id) if i.status != "draft"]


def invoice(tenant: Tenant, invoice_id: str):
    """One of the company's invoices, or None (someone else's is not found, not forbidden)."""
    subscription = Subscription.objects.filter(tenant_id=tenant.pk).first()
    if subscription is None or not subscription.stripe_customer_id or not invoice_id.startswith("in_"):
        return None
    try:
        found = stripe_api.retrieve_invoice(invoice_id)
    except stripe.InvalidRequestError:
        return None
    return found if found.customer == subscription.stripe_customer_id else None


def days_left(until: datetime | None) -> int | None:
    if until is None:
        return None
    left = until - timezone.now()
    return max(left.days + (1 if left % timedelta(days=1) else 0), 0)  # a day begun counts
