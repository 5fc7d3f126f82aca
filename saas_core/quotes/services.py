"""Quotes (QUO-01): the operations pages, the API, the expiry task and the demo all call.

``compute_totals`` is the one computation of a quote's money: line total = qty × price ×
(1 − discount%), each rounded HALF_UP to the company's price precision; document total = Σ
rounded lines − document discount. ``save_quote`` validates every line, computes with it and
stores lines and totals in one transaction, so the stored total is always the sum of the stored
lines minus the discount.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from saas_core import money
from saas_core.accounts.models import User
from saas_core.approvals import services as approvals
from saas_core.customers import access as customer_access
from saas_core.customers.models import Customer
from saas_core.customers.search_keys import keys_for
from saas_core.opportunities.models import Opportunity
from saas_core.org.access import require
from saas_core.org.scope import can_see, visible, visible_user_ids
from saas_core.products.models import PriceStrategy, Product, ProductPrice
from saas_core.quotes.models import Quote, QuoteLine
from saas_core.records import batch
from saas_core.records.batch import BatchWords
from saas_core.tenancy import company_today

MODULE = "quotes"
DEFAULT_VALID_DAYS = 30
MAX_LINES = 500
LAST_PRICES = 3
HUNDRED = Decimal(100)
FIELDS = ("subject", "customer", "opportunity", "owner", "strategy", "quoted_on", "valid_until", "terms")
# Which status may follow which by a person; "expired" is set by the date only (expire_due).
TRANSITIONS: dict[str, tuple[str, ...]] = {
    Quote.Status.DRAFT: (Quote.Status.SENT,),
    Quote.Status.SENT: (Quote.Status.ACCEPTED, Quote.Status.REJECTED, Quote.Status.DRAFT),
}


@dataclass(frozen=True)
class LineInput:
    """One line as given by a form, the API or the demo (numbers may be strings)."""

    product: Product | None
    quantity: object
    unit_price: object = None
    discount_percent: object = 0


@dataclass(frozen=True)
class Totals:
    lines: list[Decimal]
    subtotal: Decimal
    discount: Decimal
    total: Decimal


def quotes_for(user: User) -> QuerySet[Quote]:
    """The quotes ``user``'s data scope shows."""
    return visible(Quote.objects.all(), user)


def compute_totals(lines: Sequence[tuple], discount=0, *, price_places: int | None = None) -> Totals:
    """Line totals, their sum, the document discount and the total, each rounded HALF_UP.

    ``lines`` are (quantity, unit price, discount %) triples; the page's script does the same sums.
    """
    places = money.places().price if price_places is None else price_places
    totals = [money.line_total(q, p, d, price_places=places) for q, p, d in lines]
    subtotal = money.round_price(sum(totals, Decimal(0)), places)
    discount = money.round_price(discount or 0, places)
    return Totals(totals, subtotal, discount, subtotal - discount)


# --- checking input ---------------------------------------------------------------------------


def _number(value, field: str, errors: dict, *, places: int, blank_ok: bool = False) -> Decimal | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        if not blank_ok:
            errors.setdefault(field, []).append(_("This field is required."))
        return None
    try:
        number = money.as_decimal(value)
    except ValidationError as exc:
        errors.setdefault(field, []).extend(exc.messages)
        return None
    if not number.is_finite():
        errors.setdefault(field, []).append(_("“%(value)s” is not a number.") % {"value": value})
        return None
    try:
        money.check_places(number, places)
    except ValidationError as exc:
        errors.setdefault(field, []).extend(exc.messages)
        return None
    return number


def strategy_prices(product_ids: Iterable[int], strategy: PriceStrategy | None) -> dict[int, Decimal]:
    """product id → its price in ``strategy`` (the unit price a new line defaults to)."""
    if strategy is None:
        return {}
    rows = ProductPrice.objects.filter(strategy=strategy, product_id__in=list(product_ids))
    return {r.product_id: r.price for r in rows}


def _clean_lines(lines: Sequence[LineInput], *, strategy: PriceStrategy | None, kept_product_ids: set[int],
                 errors: dict) -> list[tuple[Product, Decimal, Decimal, Decimal]]:
    prices = money.places()
    if not lines:
        errors.setdefault("lines", []).append(_("Add at least one product line."))
    if len(lines) > MAX_LINES:
        errors.setdefault("lines", []).append(_("A quote holds at most %(count)d lines.") % {"count": MAX_LINES})
        return []
    defaults = strategy_prices([ln.product.pk for ln in lines if ln.product is not None], strategy)
    out = []
    for i, line in enumerate(lines):
        key = f"lines.{i}."
        product = line.product
        if product is None:
            errors.setdefault(key + "product", []).append(_("Choose a product."))
        elif product.discontinued and product.pk not in kept_product_ids:
            errors.setdefault(key + "product", []).append(
                _("“%(name)s” is discontinued: it cannot go on a new line.") % {"name": product.name})
        quantity = _number(line.quantity, key + "quantity", errors, places=prices.quantity)
        if quantity is not None and quantity <= 0:
            errors.setdefault(key + "quantity", []).append(_("The quantity must be more than zero."))
        raw_price = line.unit_price
        if (raw_price is None or (isinstance(raw_price, str) and not raw_price.strip())) and product is not None \
                and product.pk in defaults:
            raw_price = money.round_price(defaults[product.pk], prices.price)
        price = _number(raw_price, key + "unit_price", errors, places=prices.price)
        if price is not None and price < 0:
            errors.setdefault(key + "unit_price", []).append(_("A price cannot be negative."))
        discount = _number(line.discount_percent if line.discount_percent not in (None, "") else 0,
                           key + "discount_percent", errors, places=2)
        if discount is not None and not 0 <= discount <= HUNDRED:
            errors.setdefault(key + "discount_percent", []).append(_("The discount is a percentage from 0 to 100."))
        if product is not None and None not in (quantity, price, discount):
            out.append((product, quantity, price, discount))
    return out


def _check_header(quote: Quote, by: User, errors: dict) -> None:
    customer = quote.customer if quote.customer_id else None
    if customer is None:
        errors["customer"] = [_("Choose the customer of this quote.")]
    elif not customer_access.can_view(by, customer):
        errors["customer"] = [_("You may not see this customer.")]
    if quote.opportunity_id:
        opportunity = quote.opportunity
        if customer is not None and opportunity.customer_id != customer.pk:
            errors["opportunity"] = [_("This opportunity belongs to another customer.")]
        elif not can_see(by, opportunity):
            errors["opportunity"] = [_("You may not see this opportunity.")]
    if quote.owner_id and by.pk != quote.owner_id:
        ids = visible_user_ids(by)
        if ids is not None and quote.owner_id not in ids:
            errors["owner"] = [_("You may only give quotes to people within your data scope.")]
    if not quote.quoted_on:
        errors.setdefault("quoted_on", []).append(_("This field is required."))
    if not quote.valid_until:
        errors.setdefault("valid_until", []).append(_("This field is required."))
    elif quote.quoted_on and quote.valid_until < quote.quoted_on:
        errors.setdefault("valid_until", []).append(_("The quote cannot expire before its date."))
    if len(quote.subject) > 200:
        errors.setdefault("subject", []).append(_("At most 200 characters."))


def _assign(quote: Quote, fields: Mapping) -> None:
    unknown = set(fields) - set(FIELDS)
    if unknown:
        raise TypeError(f"unknown quote fields: {sorted(unknown)}")
    for name, value in fields.items():
        setattr(quote, name, "" if value is None and name in ("subject", "terms") else value)


# --- saving -----------------------------------------------------------------------------------------


def _save(quote: Quote, *, by: User, lines: Sequence[LineInput], discount, kept_product_ids: set[int]) -> Quote:
    errors: dict[str, list] = {}
    _check_header(quote, by, errors)
    cleaned = _clean_lines(lines, strategy=quote.strategy, kept_product_ids=kept_product_ids, errors=errors)
    places = money.places().price
    doc_discount = _number(discount if discount not in (None, "") else 0, "discount", errors, places=places)
    if doc_discount is not None and doc_discount < 0:
        errors.setdefault("discount", []).append(_("The discount cannot be negative."))
    if errors:
        raise ValidationError(errors)
    totals = compute_totals([(q, p, d) for _product, q, p, d in cleaned], doc_discount, price_places=places)
    if totals.total < 0:
        raise ValidationError({"discount": [_("The discount is larger than the lines' total (%(subtotal)s).")
                                            % {"subtotal": totals.subtotal}]})
    if abs(totals.total) >= money_limit():
        raise ValidationError({"lines": [_("The amount is too large.")]})
    quote.subtotal, quote.discount, quote.total = totals.subtotal, totals.discount, totals.total
    keys = keys_for(quote.subject)
    quote.search_tokens, quote.search_initials, quote.search_spelled = keys.tokens, keys.initials, keys.spelled
    quote.save()
    if not quote.number:
        quote.number = f"Q{quote.quoted_on:%Y%m%d}-{quote.pk}"
        Quote.objects.filter(pk=quote.pk).update(number=quote.number)
    QuoteLine.objects.filter(quote=quote).delete()
    QuoteLine.objects.bulk_create([
        QuoteLine(quote=quote, position=i, product=product, quantity=quantity, unit_price=price,
                  discount_percent=discount, total=line_total)
        for i, ((product, quantity, price, discount), line_total) in enumerate(zip(cleaned, totals.lines, strict=True))
    ])
    return quote


def money_limit() -> Decimal:
    return Decimal(10) ** (money.MAX_DIGITS - money.DECIMAL_PLACES)


@transaction.atomic
def create_quote(*, by: User, lines: Sequence[LineInput], discount=0, check_permission: bool = True,
                 number: str = "", **fields) -> Quote:
    """A new draft quote with its lines; owner defaults to ``by``, dates to today and today + 30 days.
    ``number``: the quote's own number (an import keeps the old system's, at most 30 characters);
    without one it gets ``Q<date>-<id>``."""
    if check_permission:
        require(by, MODULE, "create")
    quote = Quote(created_by=by, status=Quote.Status.DRAFT, number=number.strip())
    fields.setdefault("owner", by)
    fields.setdefault("quoted_on", company_today())
    if fields.get("quoted_on") and not fields.get("valid_until"):
        fields["valid_until"] = fields["quoted_on"] + timedelta(days=DEFAULT_VALID_DAYS)
    if fields.get("strategy") is None:
        fields["strategy"] = PriceStrategy.objects.filter(key="quote").first()
    _assign(quote, fields)
    return _save(quote, by=by, lines=lines, discount=discount, kept_product_ids=set())


def _locked(quote: Quote) -> Quote:
    locked = Quote.objects.select_for_update().filter(pk=quote.pk).first()
    if locked is None:
        raise ValidationError(_("This quote no longer exists (it may have been deleted)."))
    return locked


@transaction.atomic
def update_quote(quote: Quote, *, by: User, lines: Sequence[LineInput], discount=0, **fields) -> Quote:
    """Change a draft or sent quote: its fields and all its lines (products already on it may stay,
    discontinued or not)."""
    require(by, MODULE, "edit")
    locked = _locked(quote)
    if not locked.is_open:
        raise ValidationError(_("An accepted, rejected or expired quote can no longer be changed; copy it instead."))
    approvals.guard_edit(locked)
    kept = set(QuoteLine.objects.filter(quote=locked).values_list("product_id", flat=True))
    _assign(locked, fields)
    _save(locked, by=by, lines=lines, discount=discount, kept_product_ids=kept)
    quote.__dict__.update({k: v for k, v in locked.__dict__.items() if k != "_state"})
    return locked


@transaction.atomic
def set_status(quote: Quote, status: str, *, by: User) -> Quote:
    """Move a quote along draft → sent → accepted / rejected (or back to draft from sent)."""
    require(by, MODULE, "edit")
    locked = _locked(quote)
    if status == locked.status:
        return locked
    if status not in TRANSITIONS.get(locked.status, ()):
        raise ValidationError({"status": [_("A quote that is “%(current)s” cannot become “%(new)s”.") % {
            "current": locked.get_status_display(), "new": dict(Quote.Status.choices).get(status, status)}]})
    if locked.status == Quote.Status.DRAFT and locked.valid_until < company_today():
        raise ValidationError({"valid_until": [_("The quote's validity has passed; change the date first.")]})
    if status == Quote.Status.SENT:
        try:
            approvals.require_approved(locked)
        except ValidationError as exc:
            raise ValidationError({"status": exc.messages}) from exc
    locked.status = status
    locked.save(update_fields=["status", "updated_at"])
    quote.status = status
    return locked


def expire_due(today: date | None = None) -> int:
    """Open quotes whose validity date has passed become expired; returns how many (a second run: 0)."""
    today = today or company_today()
    with transaction.atomic():
        return Quote.objects.filter(status__in=[Quote.Status.DRAFT, Quote.Status.SENT], valid_until__lt=today) \
            .update(status=Quote.Status.EXPIRED, updated_at=timezone.now())


def line_inputs(quote: Quote) -> list[LineInput]:
    return [LineInput(ln.product, ln.quantity, ln.unit_price, ln.discount_percent)
            for ln in quote.lines.select_related("product")]


@transaction.atomic
def copy_quote(quote: Quote, *, by: User) -> Quote:
    """A new draft with the same customer, lines and terms, dated today, valid as long as the original.

    Discontinued products are left out (they cannot go on a new document)."""
    require(by, MODULE, "create")
    today = company_today()
    days = max((quote.valid_until - quote.quoted_on).days, 0)
    lines = [ln for ln in line_inputs(quote) if not ln.product.discontinued]
    return create_quote(
        by=by, lines=lines, discount=quote.discount, check_permission=False, subject=quote.subject,
        customer=quote.customer, opportunity=quote.opportunity, strategy=quote.strategy, quoted_on=today,
        valid_until=today + timedelta(days=days), terms=quote.terms,
    )


def batch_words() -> BatchWords:
    """What the batch actions and the transfer say about quotes, in the current language."""
    return BatchWords(
        none_ticked=_("Tick at least one quote first."),
        no_action=_("Choose what to do with the ticked quotes."),
        none_chosen=_("Choose at least one quote."),
        outside_scope=_("You may only transfer quotes within your data scope."),
        transferred=lambda n: ngettext("%(count)d quote transferred.", "%(count)d quotes transferred.", n) % {"count": n},
        binned=lambda n: ngettext("%(count)d quote moved to the recycle bin.",
                                  "%(count)d quotes moved to the recycle bin.", n) % {"count": n},
    )


def transfer(quotes: Iterable[Quote], to_user: User, *, by: User) -> int:
    """Give quotes (all within ``by``'s scope) to ``to_user``; all or nothing."""
    return batch.transfer(quotes, to_user, by=by, module=MODULE, words=batch_words())


# --- reading ------------------------------------------------------------------------------------------


def last_prices(user: User, customer: Customer, product_ids: Iterable[int], *,
                exclude_quote: int | None = None) -> dict[int, list[dict]]:
    """product id → the customer's last quoted prices for it (newest first, at most three), from the
    quotes the user may see."""
    ids = sorted({int(p) for p in product_ids})
    out: dict[int, list[dict]] = {pk: [] for pk in ids}
    if not ids:
        return out
    quotes = quotes_for(user).filter(customer=customer)
    if exclude_quote:
        quotes = quotes.exclude(pk=exclude_quote)
    places = money.places().price
    rows = (QuoteLine.objects.filter(product_id__in=ids, quote__in=quotes.values("pk"))
            .order_by("product_id", "-quote__quoted_on", "-quote_id")
            .values_list("product_id", "unit_price", "discount_percent", "quote__quoted_on", "quote__number"))
    for product_id, price, discount, quoted_on, number in rows:
        if len(out[product_id]) < LAST_PRICES:
            out[product_id].append({"price": money.round_price(price, places), "discount": discount.normalize(),
                                    "date": quoted_on, "number": number})
    return out


def customer_opportunities(user: User, customer: Customer) -> QuerySet[Opportunity]:
    """The opportunities a quote for ``customer`` may come from."""
    return visible(Opportunity.objects.filter(customer=customer), user).order_by("-created_at")


def expiring(user: User, *, today: date | None = None, days: int = 7) -> QuerySet[Quote]:
    """Open quotes of ``user`` whose validity ends within ``days`` (the workbench)."""
    today = today or company_today()
    return quotes_for(user).filter(owner=user, status__in=[Quote.Status.DRAFT, Quote.Status.SENT],
                                   valid_until__gte=today, valid_until__lt=today + timedelta(days=days))


@transaction.atomic
def run_conversion(quote: Quote, key: str, *, by: User):
    """Turn an accepted quote into another document through a registered conversion (orders)."""
    from saas_core.quotes.conversions import conversions_for

    conversion = next((c for c in conversions_for(by) if c.key == key), None)
    if conversion is None:
        raise PermissionDenied(_("This conversion is not available to you."))
    locked = _locked(quote)
    if locked.status != Quote.Status.ACCEPTED:
        raise ValidationError({"status": [_("Only an accepted quote can be converted.")]})
    return conversion.convert(locked, by=by)
