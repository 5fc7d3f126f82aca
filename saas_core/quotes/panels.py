"""What quotes show elsewhere: the customer 360°'s Quotes and Quoted products panels, the product
360°'s customers interested, the opportunity page's quotes and the workbench's quotes expiring
this week. Each goes through the user's data scope."""

from __future__ import annotations

from django.db.models import Count, Max
from django.urls import reverse
from django.utils.translation import gettext as _

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


def interested(request, product) -> list[dict]:
    """The product 360°'s "customers interested": customers quoted this product, newest first."""
    from saas_core.org.access import can
    from saas_core.quotes import services
    from saas_core.quotes.models import QuoteLine

    if not can(request.user, "quotes", "view"):
        return []
    quotes = services.quotes_for(request.user)
    rows = (QuoteLine.objects.filter(product=product, quote__in=quotes.values("pk"))
            .values("quote_id", "quote__number", "quote__quoted_on", "quote__customer__name", "quantity")
            .order_by("-quote__quoted_on", "-quote_id")[:PANEL_ROWS])
    return [{"customer": r["quote__customer__name"], "url": reverse("quotes:detail", args=[r["quote_id"]]),
             "what": _("Quote %(number)s") % {"number": r["quote__number"]}, "when": r["quote__quoted_on"]}
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
