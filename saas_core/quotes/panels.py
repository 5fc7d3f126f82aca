"""What quotes show elsewhere: the customer 360°'s Quotes and Quoted products panels, the product
360°'s customers interested, the opportunity page's quotes and the workbench's quotes expiring
this week. Each goes through the user's data scope."""

from __future__ import annotations

from django.db.models import Count, Max, OuterRef, Subquery
from django.utils.translation import ngettext

from web.navigation import pk_urls

PANEL_ROWS = 20
WORKBENCH_ROWS = 8


def customer_quotes(request, customer) -> dict | None:
    from saas_core.customers import access
    from saas_core.org.access import can
    from saas_core.quotes import services

    user = request.user
    rows = list(services.quotes_for(user).filter(customer=customer).select_related("owner")
                .order_by("-quoted_on", "-id")[:PANEL_ROWS])
    return {"quotes": rows, "can_add": can(user, "quotes", "create") and access.can_view(user, customer)}


def quoted_products(request, customer) -> dict | None:
    """Each product quoted to the customer: how often, when last, and the last price."""
    from saas_core.money import round_price
    from saas_core.quotes import services
    from saas_core.quotes.models import QuoteLine

    quotes = services.quotes_for(request.user).filter(customer=customer)
    lines = QuoteLine.objects.filter(quote__in=quotes.values("pk"))
    rows = list(lines.values("product_id", "product__name", "product__code", "product__unit")
                .annotate(times=Count("quote_id", distinct=True), last=Max("quote__quoted_on"))
                .order_by("-last", "product__code")[:PANEL_ROWS])
    last = services.last_prices(request.user, customer, [r["product_id"] for r in rows])
    for row in rows:
        latest = last.get(row["product_id"]) or []
        row["last_price"] = round_price(latest[0]["price"]) if latest else None
        row["last_discount"] = latest[0]["discount"] if latest else None
    return {"products": rows}


def count(request, customer) -> int:
    from saas_core.quotes import services

    return services.quotes_for(request.user).filter(customer=customer, status__in=["draft", "sent"]).count()


def opportunity_quotes(request, opportunity) -> dict | None:
    from saas_core.org.access import can
    from saas_core.quotes import services

    return {"quotes": list(services.quotes_for(request.user).filter(opportunity=opportunity).order_by("-id")[:20]),
            "can_add": can(request.user, "quotes", "create"), "opportunity": opportunity}


def _by_customer(records, *, date_field: str, label_field: str) -> list[dict]:
    """One row per customer of ``records`` in one aggregate query: how many (``n``), the latest
    ``date_field`` (``last``), and the latest record's id and ``label_field`` (``latest_id``,
    ``latest_label``); the most recent customers first."""
    latest = records.filter(customer_id=OuterRef("customer_id")).order_by(f"-{date_field}", "-id")
    return list(records.order_by().values("customer_id", "customer__name")
                .annotate(n=Count("id"), last=Max(date_field), latest_id=Subquery(latest.values("id")[:1]),
                          latest_label=Subquery(latest.values(label_field)[:1]))
                .order_by("-last", "customer_id")[:PANEL_ROWS])


def interested(request, product) -> list[dict]:
    """The product 360°'s "customers interested", from quotes: one row per customer with quotes (of
    those the user sees) that have the product on a line: how many, when last, and the latest
    (linked). One aggregate query; the most recently quoted customers first."""
    from saas_core.org.access import can
    from saas_core.quotes import services
    from saas_core.quotes.models import QuoteLine

    if not can(request.user, "quotes", "view"):
        return []
    quotes = services.quotes_for(request.user).filter(
        pk__in=QuoteLine.objects.filter(product=product).values("quote_id"))
    rows = _by_customer(quotes, date_field="quoted_on", label_field="number")
    quote_url = pk_urls("quotes:detail")
    return [{"customer": r["customer__name"], "url": quote_url(r["latest_id"]), "when": r["last"],
             "what": ngettext("%(count)d quote, the latest %(number)s", "%(count)d quotes, the latest %(number)s",
                              r["n"]) % {"count": r["n"], "number": r["latest_label"]}}
            for r in rows]


def interested_opportunities(request, product) -> list[dict]:
    """The product 360°'s "customers interested", from opportunities: one row per customer with
    opportunities (of those the user sees) that a quote the user sees offered the product in (an
    opportunity names its products through its quotes): how many, when the latest was found, and
    the latest (linked). One aggregate query."""
    from saas_core.opportunities.services import opportunities_for
    from saas_core.org.access import can
    from saas_core.quotes import services
    from saas_core.quotes.models import QuoteLine

    user = request.user
    if not (can(user, "opportunities", "view") and can(user, "quotes", "view")):
        return []
    quoted = (QuoteLine.objects.filter(product=product, quote__in=services.quotes_for(user).values("pk"),
                                       quote__opportunity__isnull=False).values("quote__opportunity_id"))
    opportunities = opportunities_for(user).filter(pk__in=quoted)
    rows = _by_customer(opportunities, date_field="found_on", label_field="subject")
    opportunity_url = pk_urls("opportunities:detail")
    return [{"customer": r["customer__name"], "url": opportunity_url(r["latest_id"]), "when": r["last"],
             "what": ngettext("%(count)d opportunity, the latest “%(subject)s”",
                              "%(count)d opportunities, the latest “%(subject)s”", r["n"])
             % {"count": r["n"], "subject": r["latest_label"]}}
            for r in rows]


def workbench(request) -> dict | None:
    """My open quotes whose validity ends within the week, soonest first."""
    from saas_core.org.access import can
    from saas_core.quotes import services

    user = request.user
    if not can(user, "quotes", "view"):
        return None
    rows = list(services.expiring(user).select_related("customer").order_by("valid_until", "id")[:WORKBENCH_ROWS])
    return {"quotes": rows, "more": len(rows) == WORKBENCH_ROWS}
