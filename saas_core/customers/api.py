"""Customers and contacts over the REST API, with the web app's rules (CUS-01..09, CON-01).

- Lists go through the data scope (``org.scope.visible``; shares count for customers and for
  the contacts of shared customers), take ``?search=`` (pinyin, initials, fragments, numbers,
  phones: ``customers.search``), the filters below, ``?ordering=`` over the listed columns
  and ``?page=&page_size=``. An unknown filter value or column is a 400 naming the parameter.
- A customer outside the scope is a 404; one shared read-only is a 403 on any change.
- Creating warns of duplicates with a 409 (``duplicates``: who owns them) unless
  ``confirm_duplicates`` is true; ``contact`` creates the first contact with it (CUS-03).
- Deleting moves to the recycle bin.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta

from django.core.exceptions import PermissionDenied
from django.db.models import F, Q
from django.db.models.functions import ExtractDay
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import status as http
from rest_framework import viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.response import Response

from saas_core import regions
from saas_core.customers import access, queries, services, sharing
from saas_core.customers import merge as merging
from saas_core.customers.models import Contact, Customer, CustomerShare, shared_with
from saas_core.customers.search import search_contacts, search_customers
from saas_core.customers.serializers import (
    ContactSerializer,
    CustomerDetailSerializer,
    CustomerDuplicateResponseSerializer,
    CustomerHotSerializer,
    CustomerMergeResultSerializer,
    CustomerMergeSerializer,
    CustomerSerializer,
    CustomerShareRequestSerializer,
    CustomerShareSerializer,
    CustomerStatusSerializer,
    CustomerTransferResultSerializer,
    CustomerTransferSerializer,
)
from saas_core.org.access import can, denial_message
from saas_core.org.scope import NOTHING, ScopedViewSetMixin, scope_q
from saas_core.records import bin as recycle_bin
from saas_core.records.api import LogEntrySerializer
from saas_core.records.history import history_of

# --- query parameters ---------------------------------------------------------------------------


def _clean(params) -> None:
    """A NUL character cannot reach PostgreSQL: a 400 naming the parameter, not a database error."""
    for name, values in params.lists():
        if any("\x00" in v for v in values):
            raise _bad(name, _("Null characters are not allowed."))


def _values(params, name: str) -> list[str]:
    """``?name=a,b&name=c`` → ["a", "b", "c"] (blank parts dropped)."""
    out: list[str] = []
    for raw in params.getlist(name):
        out.extend(part.strip() for part in raw.split(","))
    return [v for v in out if v]


def _bad(name: str, message: str):
    return ValidationError({name: [message]})


MAX_ID = 2**63 - 1  # PostgreSQL bigint: a larger id would be a database error, not "not found"


def _id(value: str) -> int | None:
    """A record id from a query parameter, or None when it is not one."""
    return int(value) if value.isdecimal() and 0 < int(value) <= MAX_ID else None


def _choices(params, name: str, choices) -> Q | None:
    values = _values(params, name)
    if not values:
        return None
    allowed = {str(c) for c in choices}
    unknown = [v for v in values if v not in allowed]
    if unknown:
        raise _bad(name, _("Unknown value %(value)s; one of: %(allowed)s.") % {
            "value": unknown[0], "allowed": ", ".join(sorted(allowed))})
    return Q(**{f"{name}__in": values})


def _dictionary(params, name: str) -> Q | None:
    """A pick-list filter: item ids or item keys (``?category=vip,agent`` or ``?category=12``)."""
    values = _values(params, name)
    if not values:
        return None
    ids = [_id(v) for v in values if v.isdecimal()]
    if None in ids:
        raise _bad(name, _("Give value ids or codes."))
    keys = [v for v in values if not v.isdecimal()]
    q = Q()
    if ids:
        q |= Q(**{f"{name}_id__in": ids})
    if keys:
        q |= Q(**{f"{name}__key__in": keys})
    return q


def _bool(params, name: str) -> bool | None:
    raw = params.get(name, "").strip().lower()
    if not raw:
        return None
    if raw in ("1", "true", "yes", "on"):
        return True
    if raw in ("0", "false", "no", "off"):
        return False
    raise _bad(name, _("Give true or false."))


def _int(params, name: str, *, low: int, high: int | None = None) -> int | None:
    raw = params.get(name, "").strip()
    if not raw:
        return None
    number = int(raw) if raw.lstrip("-").isdecimal() else None
    if number is None or number < low or number > (MAX_ID if high is None else high):
        if high is None:
            raise _bad(name, _("Give a whole number of at least %(low)s.") % {"low": low})
        raise _bad(name, _("Give a whole number from %(low)s to %(high)s.") % {"low": low, "high": high})
    return int(raw)


def _moment(params, name: str, *, end: bool) -> datetime | None:
    """A date (the whole day, in the reader's time zone) or a date and time."""
    raw = params.get(name, "").strip()
    if not raw:
        return None
    try:
        moment = parse_datetime(raw)
        day = None if moment else parse_date(raw)
    except ValueError:
        moment = day = None
    if moment is not None:
        return moment if timezone.is_aware(moment) else timezone.make_aware(moment)
    if day is not None:
        start = timezone.make_aware(datetime.combine(day, time.min))
        return start + timedelta(days=1) if end else start
    raise _bad(name, _("Give a date (2026-03-31) or a date and time."))


def _range(params, field: str, prefix: str) -> Q:
    q = Q()
    start = _moment(params, f"{prefix}_from", end=False)
    until = _moment(params, f"{prefix}_to", end=True)
    if start is not None:
        q &= Q(**{f"{field}__gte": start})
    if until is not None:
        q &= Q(**{f"{field}__lt": until})
    return q


def _ordering(params, columns: dict[str, str], default: list) -> list:
    """``?ordering=-created_at,name`` over ``columns`` (API name → ORM path); NULLs always last."""
    names = _values(params, "ordering")
    if not names:
        return default
    order = []
    for name in names:
        desc = name.startswith("-")
        column = columns.get(name.lstrip("-"))
        if column is None:
            raise _bad("ordering", _("Cannot sort by %(name)s; one of: %(allowed)s.") % {
                "name": name.lstrip("-"), "allowed": ", ".join(sorted(columns))})
        order.append(F(column).desc(nulls_last=True) if desc else F(column).asc(nulls_last=True))
    return [*order, "-id"]


def _user_ids(params, name: str, user) -> Q | None:
    values = _values(params, name)
    if not values:
        return None
    ids, pool = [], False
    for v in values:
        if v == "me":
            ids.append(user.pk)
        elif v == "none":
            pool = True
        elif _id(v) is not None:
            ids.append(_id(v))
        else:
            raise _bad(name, _("Give user ids, “me” or “none”."))
    q = Q(**{f"{name}_id__in": ids}) if ids else Q(pk__in=[])
    return q | Q(**{f"{name}__isnull": True}) if pool else q


# --- customers -----------------------------------------------------------------------------------

CUSTOMER_ORDERING = {
    "number": "number", "name": "name", "short_name": "short_name", "kind": "kind", "status": "status",
    "category": "category__order", "grade": "grade__order", "customer_type": "customer_type__order",
    "industry": "industry__order", "source": "source__order", "value_class": "value_class__order",
    "province": "province", "city": "city", "phone": "phone", "owner": "owner__name", "is_hot": "is_hot",
    "heat": "heat", "hot_until": "hot_until", "last_contact_at": "last_contact_at",
    "next_contact_at": "next_contact_at", "created_at": "created_at", "updated_at": "updated_at",
}
CUSTOMER_RELATED = ("owner", "parent", *(
    "category", "grade", "customer_type", "industry", "source", "value_class", "hot_reason"))


def customer_filters(params, user) -> Q:
    """The list's filters (CUS-01) as one Q; raises a 400 naming a bad parameter."""
    q = Q()
    for part in (
        _choices(params, "kind", Customer.Kind.values),
        _choices(params, "status", Customer.Status.values),
        *(_dictionary(params, name) for name in (
            "category", "grade", "customer_type", "industry", "source", "value_class", "hot_reason")),
        _user_ids(params, "owner", user),
    ):
        if part is not None:
            q &= part
    for name in ("province", "city", "district"):
        values = _values(params, name)
        if values:
            q &= Q(**{f"{name}__in": [regions.standard_name(name, v) for v in values]})
    is_hot = _bool(params, "is_hot")
    if is_hot is not None:  # hot now: flagged and not expired, as on the web list
        q &= queries.hot_now_q() if is_hot else ~queries.hot_now_q()
    parent = _int(params, "parent", low=1)
    if parent is not None:
        q &= Q(parent_id=parent)
    q &= _range(params, "created_at", "created") & _range(params, "last_contact_at", "last_contact")
    days = _int(params, "not_followed_days", low=1, high=36500)
    if days is not None:  # no contact for N days, or never (the web list's "not followed up")
        q &= queries.not_followed_q(days)
    if _bool(params, "shared_with_me"):
        q &= Q(pk__in=Customer.objects.filter(shared_with(user)).values("pk"))
    return q


LIST_PARAMETERS = [
    OpenApiParameter("view", str, description="A tab of the web list: all, enterprise, individual, a customer "
                     "category key (potential, vip, …), hot, not_followed (with ?days=, default 30)."),
    OpenApiParameter("days", int),
    OpenApiParameter("search", str, description="Name, pinyin, initials (bjkj), number or phone; space = AND."),
    OpenApiParameter("kind", str, description="enterprise / individual (comma-separated for several)."),
    OpenApiParameter("status", str, description="prospect / intention / paused / signed."),
    *(OpenApiParameter(name, str, description="Pick-list value ids or keys, comma-separated.") for name in (
        "category", "grade", "customer_type", "industry", "source", "value_class", "hot_reason")),
    OpenApiParameter("province", str, description="江苏, 江苏省 and Jiangsu all find 江苏省's customers."),
    OpenApiParameter("city", str), OpenApiParameter("district", str),
    OpenApiParameter("owner", str, description="User ids, “me”, or “none” (the public pool)."),
    OpenApiParameter("is_hot", bool), OpenApiParameter("parent", int, description="Sub-customers of this customer."),
    OpenApiParameter("shared_with_me", bool),
    OpenApiParameter("created_from", str), OpenApiParameter("created_to", str),
    OpenApiParameter("last_contact_from", str), OpenApiParameter("last_contact_to", str),
    OpenApiParameter("not_followed_days", int, description="No follow-up for N days, or never."),
    OpenApiParameter("ordering", str, description="Columns, comma-separated, - for descending: "
                     + ", ".join(sorted(CUSTOMER_ORDERING))),
]


def _require_edit(user, customer: Customer) -> None:
    if not access.can_edit(user, customer):
        raise PermissionDenied(
            _("“%(customer)s” is shared with you read-only; you may not change it.") % {"customer": customer}
        )


@extend_schema_view(list=extend_schema(parameters=LIST_PARAMETERS))
class CustomerViewSet(ScopedViewSetMixin, viewsets.ModelViewSet):
    """Customers within your data scope, and those shared with you (CUS-01..09)."""

    queryset = Customer.objects.all()
    serializer_class = CustomerSerializer
    filter_backends: list = []  # search, filters and ordering are the list's own (see customer_filters)
    permission_module = "customers"
    permission_action = {
        "change_status": "edit", "hot": "edit", "history": "view", "share": "edit", "unshare": "edit", "shares": "view",
        "transfer": "edit", "merge": "edit",
    }

    def get_queryset(self):
        queryset = super().get_queryset().select_related(*CUSTOMER_RELATED)
        if self.action != "list":
            return queryset
        params = self.request.query_params
        _clean(params)
        queryset = queryset.filter(customer_filters(params, self.request.user))
        view = params.get("view", "").strip()
        if view:  # a tab of the web list: all, enterprise, individual, a category key, hot, not_followed
            days = _int(params, "days", low=1, high=36500)
            queryset = queries.filter_customers(queryset, {"view": view, "days": days})
        query = params.get("search", "").strip()
        if query:
            queryset = search_customers(queryset, query)
        return queryset.order_by(*_ordering(params, CUSTOMER_ORDERING, ["-created_at", "-id"]))

    def get_serializer_class(self):
        if self.action in ("retrieve", "create", "update", "partial_update", "change_status", "hot"):
            return CustomerDetailSerializer
        return CustomerSerializer

    def _detail(self, customer: Customer, code=http.HTTP_200_OK) -> Response:
        customer = Customer.objects.select_related(*CUSTOMER_RELATED).get(pk=customer.pk)
        return Response(CustomerDetailSerializer(customer, context=self.get_serializer_context()).data, status=code)

    @extend_schema(
        request=CustomerSerializer,
        responses={201: CustomerDetailSerializer, 409: OpenApiResponse(
            CustomerDuplicateResponseSerializer, description="A customer with the same name or phone exists.")},
    )
    def create(self, request, *args, **kwargs):
        serializer = CustomerSerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        contact = data.pop("contact", None)
        confirm = data.pop("confirm_duplicates", False)
        try:
            customer = services.create_customer(by=request.user, contact=contact, confirm_duplicates=confirm, **data)
        except services.DuplicateCustomer as exc:
            return Response({
                "detail": exc.messages[0], "errors": {},
                "duplicates": [{"id": d.customer_id, "name": d.name, "owner": d.owner, "reason": d.reason}
                               for d in exc.duplicates],
            }, status=http.HTTP_409_CONFLICT)
        return self._detail(customer, http.HTTP_201_CREATED)

    def update(self, request, *args, **kwargs):
        customer = self.get_object()
        _require_edit(request.user, customer)
        serializer = CustomerSerializer(
            customer, data=request.data, partial=kwargs.get("partial", False), context=self.get_serializer_context(),
        )
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        for name in ("contact", "confirm_duplicates", "owner"):
            data.pop(name, None)
        if "number" in data:
            data["number"] = data["number"].strip()
            if not data["number"]:
                raise _bad("number", _("A customer keeps its number; give one or leave it out."))
        services.update_customer(customer, by=request.user, **data)
        return self._detail(customer)

    def perform_destroy(self, instance):
        user = self.request.user
        if not access.can_delete(user, instance):
            raise PermissionDenied(
                _("“%(customer)s” is only shared with you; its owner's side may delete it.") % {"customer": instance}
            )
        recycle_bin.trash(instance, by=user)

    # --- status, grade, value class (CUS-07); hot flag (CUS-04) ---

    @extend_schema(request=CustomerStatusSerializer, responses=CustomerDetailSerializer)
    @action(detail=True, methods=["post"], url_path="status")
    def change_status(self, request, pk=None):
        """Change the status, grade and/or value class (each change is in the data log)."""
        customer = self.get_object()
        _require_edit(request.user, customer)
        serializer = CustomerStatusSerializer(customer, data=request.data)
        serializer.is_valid(raise_exception=True)
        services.update_customer(customer, by=request.user, **serializer.validated_data)
        return self._detail(customer)

    @extend_schema(request=CustomerHotSerializer, responses=CustomerDetailSerializer)
    @action(detail=True, methods=["post"])
    def hot(self, request, pk=None):
        """Flag as hot (heat 1–5, reason, optional expiry) or clear the flag."""
        customer = self.get_object()
        _require_edit(request.user, customer)
        serializer = CustomerHotSerializer(customer, data=request.data)
        serializer.is_valid(raise_exception=True)
        services.update_customer(customer, by=request.user, **serializer.validated_data)
        return self._detail(customer)

    @extend_schema(responses=LogEntrySerializer(many=True))
    @action(detail=True, methods=["get"], pagination_class=None)
    def history(self, request, pk=None):
        """The customer's data log: who changed which field when (LOG-01), newest first."""
        customer = self.get_object()
        rows = [
            {"at": e.at, "action": e.action, "user": str(e.user) if e.user else None,
             "changes": [c.__dict__ for c in e.changes]}
            for e in history_of(customer)
        ]
        return Response(LogEntrySerializer(rows, many=True).data)

    # --- sharing (CUS-05) ---

    @extend_schema(responses=CustomerShareSerializer(many=True))
    @action(detail=True, methods=["get"], pagination_class=None)
    def shares(self, request, pk=None):
        """Who the customer is shared with (expired shares marked)."""
        customer = self.get_object()
        return Response(CustomerShareSerializer(sharing.shares_of(customer), many=True).data)

    @extend_schema(request=CustomerShareRequestSerializer, responses=CustomerShareSerializer(many=True))
    @action(detail=True, methods=["post"], url_path="share")
    def share(self, request, pk=None):
        """Share with colleagues at "read" or "write" (read and write), optionally until ``expires_at``."""
        customer = self.get_object()
        serializer = CustomerShareRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        sharing.share(customer, data["users"], data["level"], data.get("expires_at"), by=request.user)
        return Response(CustomerShareSerializer(sharing.shares_of(customer), many=True).data)

    @extend_schema(request=None, responses={204: None},
                   parameters=[OpenApiParameter("user_id", int, OpenApiParameter.PATH, description="The user's id.")])
    @action(detail=True, methods=["delete"], url_path=r"share/(?P<user_id>[0-9]+)")
    def unshare(self, request, pk=None, user_id=None):
        """Stop sharing with one user (anyone may give up a share made to them)."""
        customer = self.get_object()
        uid = _id(user_id or "")
        share = CustomerShare.objects.filter(customer=customer, user_id=uid).select_related("user").first() if uid else None
        if share is None:
            raise NotFound(_("This customer is not shared with that user."))
        sharing.unshare(customer, share.user, by=request.user)
        return Response(status=http.HTTP_204_NO_CONTENT)

    def check_permissions(self, request):
        # Giving up a share made to yourself needs no edit right.
        if self.action == "unshare" and str(self.kwargs.get("user_id")) == str(getattr(request.user, "pk", "")):
            self.permission_action = {**self.permission_action, "unshare": "view"}
        super().check_permissions(request)

    # --- transfer (CUS-05) and merge (CUS-09) ---

    def _visible_ids(self, ids: list[int], field: str) -> list[Customer]:
        found = {c.pk: c for c in super().get_queryset().filter(pk__in=ids)}
        missing = [str(i) for i in ids if i not in found]
        if missing:
            raise _bad(field, _("Unknown customers: %(ids)s.") % {"ids": ", ".join(missing)})
        return [found[i] for i in ids]

    @extend_schema(request=CustomerTransferSerializer, responses=CustomerTransferResultSerializer)
    @action(detail=False, methods=["post"])
    def transfer(self, request):
        """Give one or many customers to a new owner, all or none (customers in your data scope only)."""
        serializer = CustomerTransferSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        customers = self._visible_ids(serializer.validated_data["ids"], "ids")
        count = sharing.transfer(customers, serializer.validated_data["to_user"], by=request.user)
        return Response({"transferred": count})

    @extend_schema(request=CustomerMergeSerializer, responses=CustomerMergeResultSerializer)
    @action(detail=False, methods=["post"])
    def merge(self, request):
        """Merge ``merged`` into ``survivor``: contacts, sub-customers, shares and linked records move."""
        serializer = CustomerMergeSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        survivor = self._visible_ids([serializer.validated_data["survivor"]], "survivor")[0]
        merged = self._visible_ids([serializer.validated_data["merged"]], "merged")[0]
        result = merging.merge(survivor, merged, by=request.user)
        survivor = Customer.objects.select_related(*CUSTOMER_RELATED).get(pk=result.survivor.pk)
        return Response({
            "survivor": CustomerSerializer(survivor, context=self.get_serializer_context()).data,
            "moved": result.moved, "filled": result.filled, "kept": result.kept,
        })


# --- contacts ------------------------------------------------------------------------------------

CONTACT_ORDERING = {
    "name": "name", "surname_initial": "surname_initial", "title": "title", "department": "department",
    "customer": "customer__name", "birthday": "birthday", "is_primary": "is_primary", "created_at": "created_at",
    "updated_at": "updated_at",
}
CONTACT_PARAMETERS = [
    OpenApiParameter("search", str, description="Name, pinyin, initials or phone."),
    OpenApiParameter("customer", int), OpenApiParameter("surname_initial", str, description="A–Z (百家姓 index)."),
    OpenApiParameter("birthday_month", str, description="1–12, or “this” for the current month."),
    OpenApiParameter("role", str), OpenApiParameter("category", str),
    OpenApiParameter("ordering", str, description=", ".join(sorted(CONTACT_ORDERING))),
]


@extend_schema_view(list=extend_schema(parameters=CONTACT_PARAMETERS))
class ContactViewSet(ScopedViewSetMixin, viewsets.ModelViewSet):
    """Contacts of the customers in your data scope and of those shared with you (CON-01)."""

    queryset = Contact.objects.all()
    serializer_class = ContactSerializer
    filter_backends: list = []
    permission_module = "contacts"

    def get_queryset(self):
        user = self.request.user
        queryset = Contact.objects.select_related("customer", "role", "category")
        shared = Q(customer_id__in=Customer.objects.filter(shared_with(user)).values("pk"))
        scope = scope_q(Contact, user)
        if scope is NOTHING:
            queryset = queryset.none()
        elif scope is not None:
            queryset = queryset.filter(scope | shared)
        if self.action != "list":
            return queryset
        params = self.request.query_params
        _clean(params)
        customer = _int(params, "customer", low=1)
        if customer is not None:
            queryset = queryset.filter(customer_id=customer)
        initial = params.get("surname_initial", "").strip().upper()
        if initial:
            if len(initial) != 1:
                raise _bad("surname_initial", _("Give one letter."))
            queryset = queryset.filter(surname_initial=initial)
        raw_month = params.get("birthday_month", "").strip().lower()
        month = timezone.localdate().month if raw_month == "this" else _int(params, "birthday_month", low=1, high=12)
        default = ["customer_id", "-is_primary", "id"]
        if month is not None:
            queryset = queries.birthdays_in(queryset, month).annotate(birthday_day=ExtractDay("birthday"))
            default = ["birthday_day", "name", "id"]
        for name in ("role", "category"):
            q = _dictionary(params, name)
            if q is not None:
                queryset = queryset.filter(q)
        query = params.get("search", "").strip()
        if query:
            queryset = search_contacts(queryset, query)
        return queryset.order_by(*_ordering(params, CONTACT_ORDERING, default))

    def _require_customer_edit(self, customer: Customer) -> None:
        _require_edit(self.request.user, customer)

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        customer = data.pop("customer")
        self._require_customer_edit(customer)
        serializer.instance = services.save_contact(None, customer=customer, by=self.request.user, **data)

    def perform_update(self, serializer):
        contact = serializer.instance
        self._require_customer_edit(contact.customer)
        data = dict(serializer.validated_data)
        data.pop("customer", None)
        serializer.instance = services.save_contact(contact, customer=contact.customer, by=self.request.user, **data)

    def perform_destroy(self, instance):
        user = self.request.user
        if not can(user, "contacts", "delete"):
            raise PermissionDenied(denial_message(user, "contacts", "delete"))
        self._require_customer_edit(instance.customer)
        recycle_bin.trash(instance, by=user)
        services.sync_phones(instance.customer)  # its numbers no longer find the customer
