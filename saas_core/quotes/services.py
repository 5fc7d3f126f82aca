"""Quotes (QUO-01): the operations pages, the API, the expiry task and the demo all call.

A quote's money is the shared line computation (``saas_core.lines.services.compute_totals``):
``_save`` validates every line, computes with it and stores lines and totals in one transaction,
so the stored total is always the sum of the stored lines minus the discount.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from saas_core.accounts.models import User
from saas_core.approvals import services as approvals
from saas_core.customers.models import Customer
from saas_core.customers.search_keys import keys_for
from saas_core.lines import documents
from saas_core.lines import services as lines
from saas_core.lines.services import LineInput, price_lines
from saas_core.opportunities.models import Opportunity
from saas_core.org.access import require
from saas_core.org.scope import visible
from saas_core.products.models import PriceStrategy
from saas_core.quotes.models import Quote, QuoteLine
from saas_core.records import batch
from saas_core.records.batch import BatchWords
from saas_core.tenancy import company_today

MODULE = "quotes"
DEFAULT_VALID_DAYS = 30
MAX_LINES = lines.MAX_LINES
FIELDS = ("subject", "customer", "opportunity", "owner", "strategy", "quoted_on", "valid_until", "terms")
# Which status may follow which by a person; "expired" is set by the date only (expire_due).
TRANSITIONS: dict[str, tuple[str, ...]] = {
    Quote.Status.DRAFT: (Quote.Status.SENT,),
    Quote.Status.SENT: (Quote.Status.ACCEPTED, Quote.Status.REJECTED, Quote.Status.DRAFT),
}


def quotes_for(user: User) -> QuerySet[Quote]:
    """The quotes ``user``'s data scope shows."""
    return visible(Quote.objects.all(), user)


def _check_header(quote: Quote, by: User, errors: dict) -> None:
    documents.check_parties(quote, by, errors, no_customer=_("Choose the customer of this quote."),
                            owner_out_of_scope=_("You may only give quotes to people within your data scope."))
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
    priced = price_lines(lines, strategy=quote.strategy, discount=discount, kept_product_ids=kept_product_ids,
                         errors=errors)
    totals = priced.totals
    quote.subtotal, quote.discount, quote.total = totals.subtotal, totals.discount, totals.total
    keys = keys_for(quote.subject)
    quote.search_tokens, quote.search_initials, quote.search_spelled = keys.tokens, keys.initials, keys.spelled
    quote.save()
    if not quote.number:
        quote.number = f"Q{quote.quoted_on:%Y%m%d}-{quote.pk}"
        Quote.objects.filter(pk=quote.pk).update(number=quote.number)
    QuoteLine.objects.filter(quote=quote).delete()
    QuoteLine.objects.bulk_create([QuoteLine(quote=quote, **row) for row in priced.rows()])
    return quote


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
    return documents.locked(Quote, quote.pk, gone=_("This quote no longer exists (it may have been deleted)."))


@transaction.atomic
def update_quote(quote: Quote, *, by: User, lines: Sequence[LineInput], discount=0, **fields) -> Quote:
    """Change a draft or sent quote: its fields and all its lines (products already on it may stay,
    discontinued or not)."""
    require(by, MODULE, "edit")
    locked = _locked(quote)
    if not locked.is_open:
        raise ValidationError(_("An accepted, rejected or expired quote can no longer be changed; copy it instead."))
    approvals.guard_edit(locked)
    kept = documents.kept_products(QuoteLine, quote=locked)
    _assign(locked, fields)
    _save(locked, by=by, lines=lines, discount=discount, kept_product_ids=kept)
    documents.copy_into(quote, locked)
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
    return lines.line_inputs(quote.lines.all())


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
        transferred=lambda n: ngettext("%(count)d quote transferred.", "%(count)d quotes transferred.", n)
        % {"count": n},
        binned=lambda n: ngettext("%(count)d quote moved to the recycle bin.",
                                  "%(count)d quotes moved to the recycle bin.", n) % {"count": n},
    )


def transfer(quotes: Iterable[Quote], to_user: User, *, by: User) -> int:
    """Give quotes (all within ``by``'s scope) to ``to_user``; all or nothing."""
    return batch.transfer(quotes, to_user, by=by, module=MODULE, words=batch_words())


# --- reading ------------------------------------------------------------------------------------------


def last_prices(user: User, customer: Customer, product_ids: Iterable[int], *,
                exclude: int | None = None) -> dict[int, list[dict]]:
    """product id → the customer's last quoted prices for it (newest first, at most three), from the
    quotes the user may see."""
    quotes = quotes_for(user).filter(customer=customer)
    if exclude:
        quotes = quotes.exclude(pk=exclude)
    return lines.last_prices(QuoteLine, quotes, product_ids, document_field="quote", date_field="quoted_on")


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
