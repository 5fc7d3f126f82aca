"""Customer and contact lists: categories, filters, sorting and chart counts (CUS-01, CON-01).

Shared by the web pages and the API. Every function is pure: it takes a queryset (or a user,
for the scoped entry points) and a plain dict of filter values, and returns a queryset; nothing
here reads a request. Filter values are already parsed (ints, dates, booleans); empty values
(``None``, ``""``) mean "no filter".

Customer filters (``filter_customers``)::

    q              quick search: name / pinyin / initials / number / phone (search.search_customers)
    view           a category: "all", "enterprise", "individual", "hot", "not_followed", or a key
                   of the customer_category dictionary ("potential", "vip", ...); see categories()
    days           for view="not_followed": no contact for this many days (default 30)
    name           name keywords, matched like the quick search (pinyin too), without numbers/phones
    number         customer number prefix
    kind           "enterprise" / "individual"
    status         Customer.Status value
    category, grade, customer_type, industry, source, value_class   dictionary item id
    province, city exact text
    owner          user id
    hot            True (hot now: flagged and not expired) / False (not hot now)
    created_from, created_to        dates (inclusive, in the current time zone)
    contact_from, contact_to        dates of the last contact (inclusive)

Sorting (``order_customers``): a key of CUSTOMER_SORTS, "-" for descending; ties broken by id.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from time import monotonic

from django.core.exceptions import EmptyResultSet
from django.db import connection, connections
from django.db.models import Count, F, Q, QuerySet
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from saas_core import regions
from saas_core.customers.models import BIRTHDAY_MONTH, Contact, Customer
from saas_core.customers.search import search, search_contacts, search_customers
from saas_core.dictionaries.services import items_for
from saas_core.org.scope import visible

DEFAULT_STALE_DAYS = 30
DICTIONARY_FILTERS = {
    "category": "customer_category", "grade": "customer_grade", "customer_type": "customer_type",
    "industry": "industry", "source": "customer_source", "value_class": "value_class",
}

# sort key -> model field(s); the list's columns.
CUSTOMER_SORTS: dict[str, str] = {
    "number": "number",
    "name": "name",
    "status": "status",
    "category": "category__order",
    "industry": "industry__order",
    "owner": "owner__name",
    "last_contact": "last_contact_at",
    "created": "created_at",
}
DEFAULT_CUSTOMER_SORT = "-created"

CONTACT_SORTS: dict[str, str] = {
    "customer": "customer_id",
    "name": "name",
    "title": "title",
    "mobile": "mobile",
    "email": "email",
    "birthday": "birthday",
    "created": "created_at",
}
DEFAULT_CONTACT_SORT = "customer"


# --- categories (the list's tabs) ---------------------------------------------------------------


@dataclass(frozen=True)
class Category:
    key: str
    label: str | Promise
    group: str  # "kind", "category" or "special": the tabs are shown in these groups


FIXED_CATEGORIES = (
    Category("all", _("All"), "kind"),
    Category("enterprise", _("Enterprise"), "kind"),
    Category("individual", _("Individual"), "kind"),
)
SPECIAL_CATEGORIES = (
    Category("hot", _("Hot"), "special"),
    Category("not_followed", _("Not followed up"), "special"),
)


def categories() -> list[Category]:
    """All / enterprise / individual, the customer_category dictionary's values, hot, not followed."""
    by_dictionary = [Category(item.key, item.label, "category") for item in items_for("customer_category")]
    return [*FIXED_CATEGORIES, *by_dictionary, *SPECIAL_CATEGORIES]


def _category_item_id(key: str) -> int | None:
    item = next((i for i in items_for("customer_category", include_inactive=True) if i.key == key), None)
    return item.pk if item else None


def hot_now_q(today: date | None = None) -> Q:
    """Flagged hot and not expired (an expired flag counts as not hot)."""
    today = today or timezone.localdate()
    return Q(is_hot=True) & (Q(hot_until__isnull=True) | Q(hot_until__gte=today))


def is_hot_now(customer: Customer, today: date | None = None) -> bool:
    return hot_now(customer.is_hot, customer.hot_until, today)


def hot_now(is_hot: bool, hot_until: date | None, today: date | None = None) -> bool:
    """The rule of hot_now_q for one record's values: flagged and not expired."""
    today = today or timezone.localdate()
    return bool(is_hot and (hot_until is None or hot_until >= today))


def not_followed_q(days: int, now: datetime | None = None) -> Q:
    """No contact for ``days`` days, or never."""
    since = (now or timezone.now()) - timedelta(days=max(int(days), 0))
    return Q(last_contact_at__lt=since) | Q(last_contact_at__isnull=True)


def _view_q(view: str, days: int | None) -> Q | None:
    """The filter of one category; None for "all" (or an empty value); nothing for an unknown key."""
    if not view or view == "all":
        return None
    if view in Customer.Kind.values:
        return Q(kind=view)
    if view == "hot":
        return hot_now_q()
    if view == "not_followed":
        return not_followed_q(days if days is not None else DEFAULT_STALE_DAYS)
    item_id = _category_item_id(view)
    return Q(category_id=item_id) if item_id else Q(pk__in=[])


# --- filters and sorting ----------------------------------------------------------------------


def _day_start(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=timezone.get_current_timezone())


def _given(value) -> bool:
    return value not in (None, "", [], ())


def filter_customers(queryset: QuerySet[Customer], filters: Mapping) -> QuerySet[Customer]:
    """``queryset`` narrowed by the filters described in the module docstring."""
    f = {k: v for k, v in filters.items() if _given(v)}
    q = _view_q(f.get("view", ""), f.get("days"))
    if q is not None:
        queryset = queryset.filter(q)
    if "q" in f:
        queryset = search_customers(queryset, str(f["q"]))
    if "name" in f:
        queryset = search(queryset, str(f["name"]))
    if "number" in f:
        queryset = queryset.filter(number__startswith=str(f["number"]).strip().upper())
    for key in ("kind", "status"):
        if key in f:
            queryset = queryset.filter(**{key: f[key]})
    for key in ("province", "city"):
        if key in f:
            queryset = queryset.filter(**{key: regions.standard_name(key, f[key])})
    for key in DICTIONARY_FILTERS:
        if key in f:
            queryset = queryset.filter(**{f"{key}_id": getattr(f[key], "pk", f[key])})
    if "owner" in f:
        queryset = queryset.filter(owner_id=getattr(f["owner"], "pk", f["owner"]))
    if "hot" in f and f["hot"] is not None:
        queryset = queryset.filter(hot_now_q()) if f["hot"] else queryset.exclude(hot_now_q())
    if "created_from" in f:
        queryset = queryset.filter(created_at__gte=_day_start(f["created_from"]))
    if "created_to" in f:
        queryset = queryset.filter(created_at__lt=_day_start(f["created_to"] + timedelta(days=1)))
    if "contact_from" in f:
        queryset = queryset.filter(last_contact_at__gte=_day_start(f["contact_from"]))
    if "contact_to" in f:
        queryset = queryset.filter(last_contact_at__lt=_day_start(f["contact_to"] + timedelta(days=1)))
    return queryset


def sort_key(value: str | None, allowed: Mapping[str, str], default: str) -> str:
    """``value`` if it names an allowed column (with an optional "-"), else ``default``."""
    if value and value.lstrip("-") in allowed:
        return value
    return default


def _order(queryset: QuerySet, sort: str, allowed: Mapping[str, str]) -> QuerySet:
    descending = sort.startswith("-")
    field = allowed[sort.lstrip("-")]
    expr = F(field).desc(nulls_last=True) if descending else F(field).asc(nulls_last=True)
    return queryset.order_by(expr, "-id" if descending else "id")


def order_customers(queryset: QuerySet[Customer], sort: str | None) -> QuerySet[Customer]:
    key = sort_key(sort, CUSTOMER_SORTS, DEFAULT_CUSTOMER_SORT)
    if key == "-created":  # exactly the order of the customer_recent / customer_owner_recent indexes
        return queryset.order_by("-created_at", "-id")
    return _order(queryset, key, CUSTOMER_SORTS)


# --- newest first, fast also for a search that matches thousands --------------------------------

# A search that matches thousands of a million customers (``bjkj``: every 北京…科技 company)
# finds its candidates on the GIN index at once, but sorting them newest first would read every
# one of them from the table. So the page is looked for among the newest 20,000 customers
# first; when the window holds too few, the search has few matches (at a million customers,
# fewer than 21 in the window means about a thousand, rarely more): they are counted and
# sorted in one query (FEW_MATCHES at most) that returns the page's ids, and the page is
# fetched by id, which skips joining every match to its owner and pick-list values before the
# sort. Only a
# search with more than that is sorted in full by the database. A window's answer is the true
# answer as soon as it holds the rows asked for, since everything outside it is older; its
# lower bound may be a few minutes old, which only makes the window a little wider. (A wider
# second window, e.g. the newest 100,000, costs more than sorting a thousand matches at this
# size; it pays off in tenants of many millions.)
FEW_MATCHES = 3000
NEWEST_WINDOWS = (20_000,)
WINDOW_BOUND_SECONDS = 300
_window_bounds: dict[tuple, tuple[float, datetime | None]] = {}


def _window_bound(size: int) -> datetime | None:
    """The creation time of the ``size``-th newest customer (None: there are fewer)."""
    key = (connection.settings_dict["NAME"], connection.schema_name, size)
    now = monotonic()
    cached = _window_bounds.get(key)
    if cached and cached[0] > now:
        return cached[1]
    newest = Customer.objects.order_by("-created_at", "-id").values_list("created_at", flat=True)
    bound = next(iter(newest[size: size + 1]), None)
    if len(_window_bounds) > 10_000:
        _window_bounds.clear()
    _window_bounds[key] = (now + WINDOW_BOUND_SECONDS, bound)
    return bound


def _few_matches_page(queryset: QuerySet, start: int, stop: int) -> tuple[int, list[int]]:
    """How many rows match (FEW_MATCHES at most) and the ids of rows ``start:stop`` of them,
    newest first, in one row: a thousand creation times are compared in the database rather
    than turned into Python datetimes."""
    matches = queryset.order_by().values_list("id", "created_at")[:FEW_MATCHES]
    try:
        sql, params = matches.query.sql_with_params()
    except EmptyResultSet:  # a search that can match nothing (e.g. "x") compiles to no SQL at all
        return 0, []
    with connections[queryset.db].cursor() as cursor:
        cursor.execute(
            f"SELECT count(*), (array_agg(id ORDER BY created_at DESC, id DESC))[%s:%s] FROM ({sql}) AS matches",
            (start + 1, stop, *params),
        )
        total, ids = cursor.fetchone()
    return total, ids or []


def newest_first_slice(queryset: QuerySet, start: int, stop: int, values: tuple[str, ...] = ()) -> list:
    """``list(queryset.values(*values)[start:stop])`` of customers in the default order (newest first)."""
    rows = queryset.values(*values) if values else queryset

    def in_window(size: int) -> list | None:
        bound = _window_bound(size) if stop <= size else None
        found = list(rows.filter(created_at__gte=bound)[start:stop]) if bound else []
        return found if len(found) == stop - start else None

    # Many matches: the newest 20,000 customers hold the page.
    if (found := in_window(NEWEST_WINDOWS[0])) is not None:
        return found
    # Few matches: all of them, sorted by the database, which returns only the page's ids.
    total, wanted = _few_matches_page(queryset, start, stop)
    if total < FEW_MATCHES:
        # By id alone: these rows are known to match, and the search's conditions would only
        # send the planner back to the GIN index.
        by_id = queryset.model.objects.filter(pk__in=wanted)
        found = list(by_id.values(*values) if values else by_id) if wanted else []
        position = {pk: i for i, pk in enumerate(wanted)}
        return sorted(found, key=lambda row: position[row["id"] if isinstance(row, dict) else row.pk])
    for size in NEWEST_WINDOWS[1:]:
        if (found := in_window(size)) is not None:
            return found
    return list(rows[start:stop])


def customer_list(user, filters: Mapping | None = None, sort: str | None = None) -> QuerySet[Customer]:
    """The customers ``user`` may see, filtered and sorted, with what the list's columns show."""
    queryset = visible(Customer.objects.all(), user)
    queryset = filter_customers(queryset, filters or {})
    return order_customers(queryset, sort).select_related("owner", "category", "industry")


def primary_contacts(customer_ids: list[int]) -> dict[int, tuple[str, str]]:
    """customer id -> (name, mobile or phone) of its primary contact (else its first one), for a
    page of a list: one query on the contact_by_customer index."""
    rows = (
        Contact.objects.filter(customer_id__in=customer_ids)
        .order_by("customer_id", "-is_primary", "id").distinct("customer_id")
        .values_list("customer_id", "name", "mobile", "phone")
    )
    return {customer_id: (name, mobile or phone) for customer_id, name, mobile, phone in rows}


# --- contacts -----------------------------------------------------------------------------------


def birthdays_in(queryset: QuerySet[Contact], month: int) -> QuerySet[Contact]:
    """Contacts born in ``month`` (1–12), filtered on the expression of the contact_birthday_month index."""
    return queryset.alias(birthday_month=BIRTHDAY_MONTH).filter(birthday_month=month)


def filter_contacts(queryset: QuerySet[Contact], filters: Mapping, *, today: date | None = None) -> QuerySet[Contact]:
    """Contact filters: ``q`` (search_contacts), ``surname``, ``initial`` (A–Z of the surname),
    ``birthday_month`` (True: birthdays this month), ``customer`` (id), ``role``/``category`` (ids)."""
    f = {k: v for k, v in filters.items() if _given(v)}
    if "q" in f:
        queryset = search_contacts(queryset, str(f["q"]))
    if "surname" in f:
        queryset = queryset.filter(surname=str(f["surname"]).strip())
    if "initial" in f:
        queryset = queryset.filter(surname_initial=str(f["initial"]).strip().upper()[:1])
    if f.get("birthday_month"):
        queryset = birthdays_in(queryset, (today or timezone.localdate()).month)
    for key in ("customer", "role", "category"):
        if key in f:
            queryset = queryset.filter(**{f"{key}_id": getattr(f[key], "pk", f[key])})
    return queryset


def order_contacts(queryset: QuerySet[Contact], sort: str | None) -> QuerySet[Contact]:
    key = sort_key(sort, CONTACT_SORTS, DEFAULT_CONTACT_SORT)
    if key == "customer":  # the contact_by_customer index
        return queryset.order_by("customer_id", "-is_primary", "id")
    return _order(queryset, key, CONTACT_SORTS)


def contact_list(user, filters: Mapping | None = None, sort: str | None = None) -> QuerySet[Contact]:
    queryset = visible(Contact.objects.all(), user)
    queryset = filter_contacts(queryset, filters or {})
    return order_contacts(queryset, sort).select_related("customer", "role")


SURNAME_INITIALS = tuple("ABCDEFGHIJKLMNOPQRSTUVWXYZ")


def frequent_surnames(queryset: QuerySet[Contact], limit: int = 20) -> list[tuple[str, int]]:
    """The most frequent surnames among ``queryset`` (the 百家姓 index), most frequent first."""
    rows = (
        queryset.order_by().exclude(surname="").values("surname").annotate(n=Count("pk")).order_by("-n", "surname")[:limit]
    )
    return [(r["surname"], r["n"]) for r in rows]
