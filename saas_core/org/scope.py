"""Data scope (ROLE-02): whose records a user may see, as one mechanism for every entry point.

    from saas_core.org.scope import visible, can_see

    customers = visible(Customer.objects.all(), request.user)      # lists, search, exports, reports
    if not can_see(request.user, customer): raise Http404              # detail pages, file links

A model takes part by its business-record declaration
(``@business_record(module=..., owner_field=..., shared=...)``, saas_core.records.registry):
records whose owner is among the users the viewer may see, plus those ``shared(user)`` lets
through. A model that is not declared raises ImproperlyConfigured instead of going unfiltered.

The scopes, set per role by the Boss: self; self and subordinates (the ``superior`` chain,
recursively); own department; own department and its sub-departments; chosen departments
(with their sub-departments); all. The System maintainer sees no business data at all.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import connection, models
from django.db.models import Q, QuerySet
from rest_framework.permissions import IsAuthenticated

from saas_core.org import permissions as registry
from saas_core.org.access import ModulePermission, access_of

_CACHE_ATTR = "_org_scope"


def _record_type(model):
    from saas_core.records.registry import record_type

    rt = record_type(model) or record_type(model._meta.concrete_model)
    if rt is None:
        raise ImproperlyConfigured(
            f"{model._meta.label} is not a registered business record: declare it with "
            "@business_record(module=..., owner_field=...) (saas_core.records.registry) before filtering it by data scope."
        )
    return rt


def subordinate_ids(user_id: int) -> set[int]:
    """``user_id`` and everyone below them along the ``superior`` chain (deleted users included)."""
    from saas_core.accounts.models import User

    table = connection.ops.quote_name(User._meta.db_table)
    with connection.cursor() as cursor:
        # UNION (not UNION ALL) stops on a cycle, should one ever exist.
        cursor.execute(
            f"""
            WITH RECURSIVE below(id) AS (
                SELECT %s::bigint
                UNION
                SELECT u.id FROM {table} u JOIN below ON u.superior_id = below.id
            )
            SELECT id FROM below
            """,
            [user_id],
        )
        return {row[0] for row in cursor.fetchall()}


def department_subtree_q(department_ids, prefix: str = "") -> Q:
    """A Q on Department (or on ``<prefix>__`` of a model related to it) for these departments and their subtrees."""
    from saas_core.org.models import Department

    paths = list(Department.objects.filter(pk__in=list(department_ids)).values_list("path", flat=True))
    field = f"{prefix}__path__startswith" if prefix else "path__startswith"
    q = Q(pk__in=[]) if not prefix else Q(**{f"{prefix}__pk__in": []})
    for path in paths:
        q |= Q(**{field: path})
    return q


def department_subtree_ids(department_ids) -> set[int]:
    from saas_core.org.models import Department

    return set(Department.objects.filter(department_subtree_q(department_ids)).values_list("pk", flat=True))


def _users_in_departments(department_ids, *, subtrees: bool) -> set[int]:
    from saas_core.accounts.models import User

    if not department_ids:
        return set()
    users = User.all_objects.all()
    if subtrees:
        users = users.filter(department_subtree_q(department_ids, prefix="department"))
    else:
        users = users.filter(department_id__in=list(department_ids))
    return set(users.values_list("pk", flat=True))


def _compute(user) -> frozenset[int] | None:
    access = access_of(user)
    scope = access.data_scope
    if not getattr(user, "is_authenticated", False) or scope == "none":
        return frozenset()
    if scope == "all":
        return None
    ids = {user.pk}
    if scope == "self_and_subordinates":
        ids |= subordinate_ids(user.pk)
    elif scope == "department" and user.department_id:
        ids |= _users_in_departments([user.department_id], subtrees=False)
    elif scope == "department_tree" and user.department_id:
        ids |= _users_in_departments([user.department_id], subtrees=True)
    elif scope == "chosen_departments":
        ids |= _users_in_departments(access.chosen_department_ids, subtrees=True)
    return frozenset(ids)


def visible_user_ids(user) -> frozenset[int] | None:
    """The users whose records ``user`` may see; None means everyone's (scope "all")."""
    if user is None or not getattr(user, "is_authenticated", False):
        return frozenset()
    schema = getattr(connection, "schema_name", None)
    if schema in (None, settings.PUBLIC_SCHEMA_NAME):
        return frozenset()
    key = (schema, user.role, user.department_id)
    cached = getattr(user, _CACHE_ATTR, None)
    if cached is not None and cached[0] == key:
        return cached[1]
    ids = _compute(user)
    setattr(user, _CACHE_ATTR, (key, ids))
    return ids


NOTHING = Q(pk__in=[])

# Records a user may see beyond their data scope, added by apps above at start-up:
# fn(model, user) -> pks of ``model`` (the approval engine: documents the user must approve now).
_extensions: list[Callable] = []


def register_extension(extension: Callable) -> None:
    if extension not in _extensions:
        _extensions.append(extension)


def _extra_pks(model, user) -> list:
    pks: list = []
    for extension in _extensions:
        pks.extend(extension(model, user) or ())
    return pks


def _scope(model, user):
    """None (no filter), the NOTHING sentinel, or the Q of what ``user`` may see of ``model``."""
    rt = _record_type(model)
    module = registry.get_module(rt.module)
    signed_in = getattr(user, "is_authenticated", False)
    sees_nothing = not signed_in or access_of(user).data_scope == "none"
    if rt.owner_field is None:
        # Company-wide records (no owner): all of them, but no business data for the System maintainer.
        return NOTHING if sees_nothing and (module.business or not signed_in) else None
    if sees_nothing:
        return NOTHING
    ids = visible_user_ids(user)
    if ids is None:
        return None
    q = Q(**{f"{rt.owner_field}__in": sorted(ids)})
    shared = rt.shared_q(user)
    if shared is not None:
        q |= _shared_pks_q(model, shared)
    extra = _extra_pks(model, user)
    if extra:
        q |= Q(pk__in=extra)
    return q


SHARED_INLINE_MAX = 1000


def _shared_pks_q(model, shared: Q) -> Q:
    """The records shared with the viewer, as ``pk IN (...)``.

    Looked up first and written as a literal list (usually empty or short): an ``OR pk IN
    (subquery)`` hides the owner condition from the planner, so a salesperson with a few
    hundred of a million customers would walk the whole "newest first" index for one page,
    while ``owner_id = …`` alone reads exactly one page from the owner's index. Only a viewer
    with very many shares keeps the subquery (as a subquery, a share across a to-many relation
    cannot repeat records).
    """
    subquery = model._base_manager.filter(shared).values("pk")
    pks = list(subquery.order_by().distinct()[: SHARED_INLINE_MAX + 1].values_list("pk", flat=True))
    if len(pks) > SHARED_INLINE_MAX:
        return Q(pk__in=subquery)
    return Q(pk__in=pks)


def scope_q(model, user) -> Q | None:
    """The filter ``visible`` applies to ``model`` for ``user`` (None: no filter), to combine in raw-ish queries."""
    return _scope(model, user)


def visible(queryset: QuerySet, user) -> QuerySet:
    """``queryset`` narrowed to the records ``user``'s data scope lets them see."""
    q = _scope(queryset.model, user)
    if q is None:
        return queryset
    if q is NOTHING:
        return queryset.none()
    return queryset.filter(q)


def can_see(user, obj: models.Model) -> bool:
    """May ``user`` see this one record (detail pages, downloads)?"""
    rt = _record_type(type(obj))
    if rt.owner_field and "__" not in rt.owner_field and rt.shared is None:
        # Read off the record itself: the extensions (one query each) are asked only about a
        # record whose owner is outside the scope, not on every detail page.
        if not getattr(user, "is_authenticated", False) or access_of(user).data_scope == "none":
            return False
        ids = visible_user_ids(user)
        if ids is None:
            return True
        field = obj._meta.get_field(rt.owner_field)
        return getattr(obj, field.attname) in ids or obj.pk in _extra_pks(type(obj), user)
    q = _scope(type(obj), user)
    if q is None:
        return True
    if q is NOTHING:
        return False
    return visible(type(obj)._base_manager.filter(pk=obj.pk), user).exists()


class ScopedViewSetMixin:
    """For every business-record API: module permission per method, and the data scope.

    ``get_queryset`` goes through ``visible``; a record outside the scope is a 404 on
    retrieve/update/delete, like one that does not exist. The permission module is the record
    type's (``permission_module`` overrides it); custom actions set ``permission_action``
    (``@action(detail=True, methods=["post"], permission_action="export")``).
    """

    permission_classes = [IsAuthenticated, ModulePermission]
    permission_module: str | None = None
    permission_action: str | dict | None = None

    def get_permission_module(self) -> str:
        if self.permission_module:
            return self.permission_module
        model = getattr(getattr(self, "queryset", None), "model", None) or self.get_queryset_model()
        return _record_type(model).module

    def get_queryset_model(self):
        raise ImproperlyConfigured(f"{type(self).__name__}: set queryset or permission_module")

    def get_queryset(self):
        return visible(super().get_queryset(), self.request.user)
