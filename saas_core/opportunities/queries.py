"""The opportunity list's filters and sorting, shared by the list, the kanban, the export, the
funnel and the API, so a funnel figure's drill-down lists exactly the opportunities it counted."""

from __future__ import annotations

from datetime import date

from django import forms
from django.db.models import Q, QuerySet
from django.db.models.expressions import RawSQL
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from saas_core.accounts.models import User
from saas_core.opportunities.models import Opportunity, OpportunityType, Stage
from saas_core.opportunities.services import opportunities_for
from web.forms import DATE, RecordFilterForm

SORTS = {
    "-created": ("-created_at", "-id"), "created": ("created_at", "id"),
    "expected_sign_on": ("expected_sign_on", "id"), "-expected_sign_on": ("-expected_sign_on", "-id"),
    "expected_amount": ("expected_amount", "id"), "-expected_amount": ("-expected_amount", "-id"),
    "subject": ("subject", "id"), "-subject": ("-subject", "-id"),
}
DEFAULT_SORT = "-created"


class MonthField(forms.CharField):
    """A month as YYYY-MM (the forecast's drill-down); "none" is "no expected sign date"."""

    def to_python(self, value):
        value = super().to_python(value).strip()
        if not value or value == "none":
            return value
        try:
            year, month = (int(p) for p in value.split("-"))
            return date(year, month, 1).strftime("%Y-%m")
        except (TypeError, ValueError):
            raise forms.ValidationError(_("Give the month as YYYY-MM.")) from None


class OpportunityFilterForm(RecordFilterForm):
    window = ("found_from", "found_to")
    window_field = "found_on"
    field_order = ("q", "type", "stage", "outcome", "owner", "customer", "found_from", "found_to", "expected_month", "mine")

    type = forms.ModelChoiceField(label=_("Type"), queryset=OpportunityType.objects.all(), required=False)
    stage = forms.ModelChoiceField(label=_("Stage"), queryset=Stage.objects.all(), required=False)
    outcome = forms.ChoiceField(label=_("Outcome"), required=False,
                                choices=[("", pgettext_lazy("outcome filter", "Any")), *Stage.Outcome.choices])
    found_from = forms.DateField(label=_("Found from"), required=False, widget=DATE)
    found_to = forms.DateField(label=_("Found until"), required=False, widget=DATE)
    expected_month = MonthField(label=_("Expected sign month"), required=False, max_length=7,
                                widget=forms.TextInput(attrs={"type": "month"}))

    def __init__(self, *args, user: User, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        self.fields["type"].empty_label = pgettext_lazy("type filter", "Any type")
        self.fields["stage"].empty_label = pgettext_lazy("stage filter", "Any stage")


def read_filters(data, user: User) -> tuple[OpportunityFilterForm, dict]:
    """The filter form of a query string and its valid values (an invalid field is left out)."""
    return OpportunityFilterForm.read(data, user)


def apply_filters(queryset: QuerySet[Opportunity], filters: dict, user: User) -> QuerySet[Opportunity]:
    if q := (filters.get("q") or "").strip():
        queryset = queryset.filter(Q(subject__icontains=q) | Q(customer__name__icontains=q))
    if filters.get("type"):
        queryset = queryset.filter(type=filters["type"])
    if filters.get("stage"):
        queryset = queryset.filter(stage=filters["stage"])
    if filters.get("outcome"):
        queryset = queryset.filter(stage__outcome=filters["outcome"])
    queryset = OpportunityFilterForm.narrow(queryset, filters, user)
    if month := filters.get("expected_month"):
        if month == "none":
            queryset = queryset.filter(expected_sign_on__isnull=True)
        else:
            year, number = (int(p) for p in month.split("-"))
            start = date(year, number, 1)
            end = date(year + (number == 12), number % 12 + 1, 1)
            queryset = queryset.filter(expected_sign_on__gte=start, expected_sign_on__lt=end)
    return queryset


def opportunity_list(user: User, filters: dict, sort: str | None = None) -> QuerySet[Opportunity]:
    """What the user sees, filtered and sorted (the list, the kanban's columns, the export)."""
    order = SORTS.get(sort or "", SORTS[DEFAULT_SORT])
    return apply_filters(opportunities_for(user), filters, user).order_by(*order)


# What a card shows (kanban.html): loading whole customers and users made 120 cards cost 10 ms, and
# model instances (each template lookup on one tries a key first and fails) half as much again as
# plain rows.
CARD_FIELDS = ("id", "subject", "stage_id", "expected_amount", "customer__name", "owner__name", "owner__username")


def newest_per_stage(queryset: QuerySet[Opportunity], stage_ids: list[int], n: int) -> dict[int, list[dict]]:
    """The ``n`` newest of ``queryset`` (scoped and filtered) in each stage: the kanban's cards, in one query.

    One index probe per stage, not one query per column nor a window over every row: a LATERAL
    subquery runs ``queryset``'s own SQL (data scope and filters included) for each stage id with
    ``LIMIT n``, reading ``n`` entries of opp_stage_recent (stage, -created_at, -id) per column
    (a ROW_NUMBER() OVER (PARTITION BY stage) would number all 45,000 of a type's rows to keep 120);
    the outer query fetches those rows with their customer's and owner's names, as dicts:
    ``id, subject, stage_id, expected_amount, customer`` (its name) and ``owner`` (name or user name).
    """
    if not stage_ids or n <= 0:
        return {}
    inner = (queryset.filter(stage_id=RawSQL("board.stage_id", ())).order_by("-created_at", "-id")
             .values("id")[:n])
    sql, params = inner.query.sql_with_params()  # Django's compiled SQL; every value stays a parameter
    ids = RawSQL(f"SELECT card.id FROM unnest(%s::bigint[]) AS board(stage_id) CROSS JOIN LATERAL ({sql}) AS card",  # noqa: S611
                 (list(stage_ids), *params))
    columns: dict[int, list[dict]] = {pk: [] for pk in stage_ids}
    for card in Opportunity.objects.filter(pk__in=ids).order_by("-created_at", "-id").values(*CARD_FIELDS):
        columns[card["stage_id"]].append({
            "id": card["id"], "subject": card["subject"], "stage_id": card["stage_id"],
            "expected_amount": card["expected_amount"], "customer": card["customer__name"],
            "owner": card["owner__name"] or card["owner__username"]})
    return columns


def query_string(filters: dict, **extra) -> str:
    """The list's query string for ``filters`` plus ``extra`` (a funnel figure's drill-down)."""
    from django.http import QueryDict

    query = QueryDict(mutable=True)
    for key, value in {**filters, **extra}.items():
        if value in (None, "", False):
            continue
        if hasattr(value, "pk"):
            value = value.pk
        elif isinstance(value, date):
            value = value.isoformat()
        elif value is True:
            value = "on"
        query[key] = str(value)
    return query.urlencode()
