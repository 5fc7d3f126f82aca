"""Sales funnel and forecast (OPP-02), over the opportunities the viewer's data scope shows.

Per type and stage: count, amount and their shares of the type; stage-to-stage conversion =
opportunities now at or beyond the next stage (won ones passed every stage) ÷ those at or beyond
this one, lost ones apart; won and lost totals. Forecast: Σ expected amount × probability of
the open opportunities, by expected sign month. One GROUP BY (stage, month) query per scope,
whatever the number of opportunities; the figures are Decimal.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, DateField, DecimalField, ExpressionWrapper, F, QuerySet, Sum
from django.db.models.functions import TruncMonth

from saas_core.money import DECIMAL_PLACES, MAX_DIGITS, places, round_price
from saas_core.opportunities.models import Opportunity, OpportunityType, Stage
from saas_core.opportunities.queries import query_string

ZERO = Decimal(0)
HUNDRED = Decimal(100)


@dataclass
class StageRow:
    stage: Stage
    count: int = 0
    amount: Decimal = ZERO
    count_share: Decimal = ZERO  # % of the type's opportunities
    amount_share: Decimal = ZERO
    conversion: Decimal | None = None  # % of those at or beyond this stage that reached the next
    url: str = ""


@dataclass
class TypeFunnel:
    type: OpportunityType
    rows: list[StageRow] = field(default_factory=list)
    count: int = 0
    amount: Decimal = ZERO
    won_count: int = 0
    won_amount: Decimal = ZERO
    lost_count: int = 0
    lost_amount: Decimal = ZERO
    win_rate: Decimal | None = None  # won ÷ (won + lost), %
    won_url: str = ""
    lost_url: str = ""
    url: str = ""


@dataclass
class ForecastRow:
    month: str  # YYYY-MM, or "none"
    count: int
    amount: Decimal  # Σ expected amount
    weighted: Decimal  # Σ expected amount × probability
    url: str = ""


@dataclass
class Figures:
    funnels: list[TypeFunnel]
    forecast: list[ForecastRow]
    count: int = 0
    amount: Decimal = ZERO  # Σ expected amount of every opportunity counted
    forecast_amount: Decimal = ZERO  # Σ expected amount of the open ones (the forecast's)
    weighted: Decimal = ZERO


def _pct(part, whole) -> Decimal | None:
    if not whole:
        return None
    return (Decimal(part) * HUNDRED / Decimal(whole)).quantize(Decimal("0.1"))


def per_stage(queryset: QuerySet[Opportunity]) -> dict[int, tuple[int, Decimal]]:
    """stage id -> (count, Σ expected amount) (the kanban's column heads), in one query.

    COUNT(*), not COUNT(id): nothing outside the (owner,) stage covering indexes (opp_funnel,
    opp_owner_funnel) is read, so PostgreSQL answers from the index alone, without the table.
    """
    rows = queryset.order_by().values("stage_id").annotate(n=Count("*"), amount=Sum("expected_amount"))
    return {r["stage_id"]: (r["n"], r["amount"] or ZERO) for r in rows}


def per_stage_and_month(queryset: QuerySet[Opportunity]) -> list[dict]:
    """The funnel's and the forecast's one query: count, Σ amount and Σ amount × probability per
    stage and expected sign month (one pass over the rows; a few hundred groups come back). COUNT(*)
    so a data scope's rows are read from opp_owner_funnel alone (see ``per_stage``)."""
    weighted = ExpressionWrapper(F("expected_amount") * F("probability"),
                                 output_field=DecimalField(max_digits=MAX_DIGITS + 3, decimal_places=DECIMAL_PLACES))
    return list(
        queryset.order_by().annotate(month=TruncMonth("expected_sign_on", output_field=DateField()))
        .values("stage_id", "month")
        .annotate(n=Count("*"), amount=Sum("expected_amount"), weighted=Sum(weighted))
    )


def _funnel(kind: OpportunityType, stages: list[Stage], counts: dict, base: dict, list_url: str, price: int) -> TypeFunnel:
    funnel = TypeFunnel(type=kind)
    funnel.url = f"{list_url}?{query_string(base, type=kind)}"
    opens = [s for s in stages if s.outcome == Stage.Outcome.OPEN]
    for stage in stages:
        n, amount = counts.get(stage.pk, (0, ZERO))
        funnel.count += n
        funnel.amount += amount
        if stage.outcome == Stage.Outcome.WON:
            funnel.won_count += n
            funnel.won_amount += amount
        elif stage.outcome == Stage.Outcome.LOST:
            funnel.lost_count += n
            funnel.lost_amount += amount
    for stage in opens:
        n, amount = counts.get(stage.pk, (0, ZERO))
        funnel.rows.append(StageRow(
            stage=stage, count=n, amount=round_price(amount, price), count_share=_pct(n, funnel.count) or ZERO,
            amount_share=_pct(amount, funnel.amount) or ZERO, url=f"{list_url}?{query_string(base, type=kind, stage=stage)}",
        ))
    # At or beyond each open stage: those in it and in later open stages, plus every won one.
    reached = funnel.won_count
    beyond = []
    for row in reversed(funnel.rows):
        reached += row.count
        beyond.append(reached)
    beyond.reverse()
    for i, row in enumerate(funnel.rows):
        following = beyond[i + 1] if i + 1 < len(beyond) else funnel.won_count
        row.conversion = _pct(following, beyond[i])
    funnel.amount, funnel.won_amount, funnel.lost_amount = (
        round_price(funnel.amount, price), round_price(funnel.won_amount, price), round_price(funnel.lost_amount, price))
    funnel.win_rate = _pct(funnel.won_count, funnel.won_count + funnel.lost_count)
    funnel.won_url = f"{list_url}?{query_string(base, type=kind, outcome=Stage.Outcome.WON)}"
    funnel.lost_url = f"{list_url}?{query_string(base, type=kind, outcome=Stage.Outcome.LOST)}"
    return funnel


def figures(queryset: QuerySet[Opportunity], *, filters: dict | None = None, list_url: str = "") -> Figures:
    """The funnel per type and the forecast of ``queryset`` (already scoped and filtered by ``filters``)."""
    filters = dict(filters or {})
    price = places().price
    groups = per_stage_and_month(queryset)
    stages_by_type: dict[int, list[Stage]] = {}
    open_ids: set[int] = set()
    for stage in Stage.objects.select_related("type").order_by("type__position", "type_id", "position", "id"):
        stages_by_type.setdefault(stage.type_id, []).append(stage)
        if stage.outcome == Stage.Outcome.OPEN:
            open_ids.add(stage.pk)
    counts: dict[int, tuple[int, Decimal]] = {}
    months: dict[str, list] = {}
    for row in groups:
        n, amount = counts.get(row["stage_id"], (0, ZERO))
        counts[row["stage_id"]] = (n + row["n"], amount + (row["amount"] or ZERO))
        if row["stage_id"] in open_ids:
            month = row["month"].strftime("%Y-%m") if row["month"] else "none"
            totals = months.setdefault(month, [0, ZERO, ZERO])
            totals[0] += row["n"]
            totals[1] += row["amount"] or ZERO
            totals[2] += row["weighted"] or ZERO
    funnels = []
    for type_id, stages in stages_by_type.items():
        kind = stages[0].type
        if filters.get("type") and filters["type"].pk != type_id:
            continue
        if not kind.is_active and not any(counts.get(s.pk) for s in stages):
            continue
        funnels.append(_funnel(kind, stages, counts, filters, list_url, price))
    forecast = [
        ForecastRow(month=month, count=n, amount=round_price(amount, price), weighted=round_price(weighted / HUNDRED, price),
                    url=f"{list_url}?{query_string(filters, outcome=Stage.Outcome.OPEN, expected_month=month)}")
        for month, (n, amount, weighted) in months.items()
    ]
    forecast.sort(key=lambda r: (r.month == "none", r.month))
    return Figures(
        funnels=funnels, forecast=forecast, count=sum(f.count for f in funnels),
        amount=round_price(sum((f.amount for f in funnels), ZERO), price),
        forecast_amount=round_price(sum((r.amount for r in forecast), ZERO), price),
        weighted=round_price(sum((r.weighted for r in forecast), ZERO), price),
    )
