"""The one permission check every feature uses (ROLE-03).

In a service or a view::

    from saas_core.org.access import can, require, has_right

    require(request.user, "customers", "delete")      # PermissionDenied with a clear message
    if has_right(request.user, "see_cost_price"): ...

Page views take ``@permission_required("customers", "view")``; API views take
``permission_classes = [ModulePermission]`` with ``permission_module = "customers"`` (or use
``saas_core.org.scope.ScopedViewSetMixin``, which also applies the data scope); menu entries
take ``visible=menu_visible("customers")``.

What a role may do is read once per user object, so once per request: a change made by the
Boss counts from the next request on. ``forget(user)`` drops what one user object remembers.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.utils.translation import gettext as _
from rest_framework.permissions import BasePermission

from saas_core.accounts.models import Role
from saas_core.org import permissions as registry

_CACHE_ATTR = "_org_access"


@dataclass(frozen=True)
class Access:
    """A snapshot of one role's setting."""

    role: str
    data_scope: str
    chosen_department_ids: frozenset[int]
    permissions: dict[str, frozenset[str]]
    rights: dict[str, bool]
    customer_sections: tuple[str, ...]

    @property
    def is_boss(self) -> bool:
        return self.role == Role.BOSS

    def can(self, module: registry.Module, action: str) -> bool:
        if self.is_boss:
            return True
        if self.role == Role.SYSTEM_MAINTAINER and module.business:
            return False
        stored = self.permissions.get(module.key)
        if stored is None:  # registered after the role was last saved
            return action in registry.default_actions(self.role, module)
        return action in stored

    def has_right(self, right: registry.Right) -> bool:
        if self.is_boss:
            return True
        if self.role == Role.SYSTEM_MAINTAINER:
            return False
        stored = self.rights.get(right.key)
        return registry.default_right(self.role, right) if stored is None else bool(stored)


NO_ACCESS = Access("", "none", frozenset(), {}, {}, ())


def _role_setting_row(role: str) -> tuple | None:
    """One role's setting with its chosen departments, in one round trip: every page reads it,
    so it is plain SQL rather than two ORM queries."""
    from saas_core.org.models import RoleSetting

    table = connection.ops.quote_name(RoleSetting._meta.db_table)
    chosen = connection.ops.quote_name(RoleSetting.chosen_departments.through._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT r.data_scope, r.permissions, r.rights, r.customer_sections, "
            f"ARRAY(SELECT c.department_id FROM {chosen} c WHERE c.rolesetting_id = r.id) "
            f"FROM {table} r WHERE r.role = %s",
            [role],
        )
        row = cursor.fetchone()
    if row is None:
        return None
    return (row[0], *(json.loads(v) if isinstance(v, str) else v for v in row[1:4]), row[4])


def role_access(role: str) -> Access:
    """A fresh snapshot of ``role``'s setting (no cache)."""
    if role == Role.BOSS:
        return Access(role, "all", frozenset(), {}, {}, ())
    row = _role_setting_row(role)
    if row is None:  # never seeded (should not happen): the registered defaults
        values = registry.role_defaults(role)
        chosen: frozenset[int] = frozenset()
    else:
        values = dict(zip(("data_scope", "permissions", "rights", "customer_sections"), row[:4], strict=True))
        chosen = frozenset(row[4])
    scope = "none" if role == Role.SYSTEM_MAINTAINER else values["data_scope"]
    return Access(
        role=role,
        data_scope=scope,
        chosen_department_ids=chosen,
        permissions={k: frozenset(v or ()) for k, v in (values["permissions"] or {}).items()},
        rights={k: bool(v) for k, v in (values["rights"] or {}).items()},
        customer_sections=tuple(values["customer_sections"] or ()),
    )


def access_of(user) -> Access:
    """What ``user``'s role may do, read once per user object and schema."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return NO_ACCESS
    schema = getattr(connection, "schema_name", None)
    if schema in (None, settings.PUBLIC_SCHEMA_NAME):
        return NO_ACCESS  # vendor staff on the public site have no company data
    cached = getattr(user, _CACHE_ATTR, None)
    if cached is not None and cached[0] == (schema, user.role):
        return cached[1]
    access = role_access(user.role)
    setattr(user, _CACHE_ATTR, ((schema, user.role), access))
    return access


def forget(user) -> None:
    """Drop what this user object remembers about its role and scope (after changing them)."""
    for attr in (_CACHE_ATTR, "_org_scope"):
        if hasattr(user, attr):
            delattr(user, attr)


def can(user, module: str, action: str) -> bool:
    """May ``user`` do ``action`` (view, create, edit, delete, import, export) in ``module``?"""
    return access_of(user).can(registry.get_module(module), registry.check_action(action))


def denial_message(user, module: str, action: str) -> str:
    mod = registry.get_module(module)
    role = Role(user.role).label if getattr(user, "role", None) in Role.values else ""
    return _("Your role (%(role)s) may not %(action)s %(module)s.") % {
        "role": role, "action": registry.ACTION_VERBS[registry.check_action(action)], "module": mod.sentence_noun,
    }


def require(user, module: str, action: str) -> None:
    """Raise PermissionDenied, with a message naming the module and action, unless ``can``."""
    if not can(user, module, action):
        raise PermissionDenied(denial_message(user, module, action))


def has_right(user, right: str) -> bool:
    """Special rights: see_cost_price, export_excel, purge_recycle_bin, undo_stock_moves, view_combined_reports."""
    return access_of(user).has_right(registry.get_right(right))


def require_right(user, right: str) -> None:
    if not has_right(user, right):
        raise PermissionDenied(_("Your role may not %(right)s.") % {"right": str(registry.get_right(right).label).lower()})


def data_scope(user) -> str:
    return access_of(user).data_scope


def customer_sections(user) -> list[str] | None:
    """The customer sections ``user`` may see; None means every section (all roles but Customer service)."""
    access = access_of(user)
    if access.role != Role.CUSTOMER_SERVICE:
        return None if access is not NO_ACCESS else []
    return list(access.customer_sections)


def is_boss(user) -> bool:
    return bool(getattr(user, "is_authenticated", False) and getattr(user, "is_boss", False))


def require_boss(user, message: str | None = None) -> None:
    if not is_boss(user):
        raise PermissionDenied(message or _("Only the Boss may do this."))


# --- views, API, menus ---------------------------------------------------------------------


def permission_required(module: str, action: str = registry.VIEW):
    """Page view decorator: sign-in required, then ``require(user, module, action)``."""
    registry.check_action(action)

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            require(request.user, module, action)
            return view(request, *args, **kwargs)

        return login_required(wrapped)

    return decorator


def boss_required(view=None, *, message: str | None = None):
    """Page view decorator: only the Boss (a 403 saying so for anyone else)."""

    def decorator(fn):
        @wraps(fn)
        def wrapped(request, *args, **kwargs):
            require_boss(request.user, message)
            return fn(request, *args, **kwargs)

        return login_required(wrapped)

    return decorator(view) if view is not None else decorator


METHOD_ACTIONS = {
    "GET": registry.VIEW, "HEAD": registry.VIEW, "OPTIONS": registry.VIEW,
    "POST": registry.CREATE, "PUT": registry.EDIT, "PATCH": registry.EDIT, "DELETE": registry.DELETE,
}


def module_of_view(view) -> str:
    module = getattr(view, "permission_module", None)
    if module:
        return module
    getter = getattr(view, "get_permission_module", None)
    if getter is not None:
        return getter()
    raise LookupError(f"{type(view).__name__} uses ModulePermission but sets no permission_module")


def action_of_view(request, view) -> str | None:
    action = getattr(view, "permission_action", None)
    if action is None:  # an @action(permission_action=...) reached without the router's initkwargs
        handler = getattr(view, getattr(view, "action", None) or "", None)
        action = getattr(handler, "kwargs", {}).get("permission_action")
    if isinstance(action, dict):
        action = action.get(getattr(view, "action", None))
    return action or METHOD_ACTIONS.get(request.method)


class ModulePermission(BasePermission):
    """DRF permission: ``view.permission_module`` and the method's action (or ``permission_action``).

    GET/HEAD/OPTIONS → view, POST → create, PUT/PATCH → edit, DELETE → delete. A custom
    ``@action(..., permission_action="export")`` (or a dict ``{view action: permission action}``
    on the view) overrides it. A refusal is a 403 whose detail names the module and action.
    """

    message = None

    def has_permission(self, request, view) -> bool:
        user = request.user
        if not (user and user.is_authenticated):
            return False  # 401 from the authenticators
        module = module_of_view(view)
        action = action_of_view(request, view)
        if action is None:
            self.message = _("This method is not allowed.")
            return False
        if can(user, module, action):
            return True
        self.message = denial_message(user, module, action)
        return False


class IsBoss(BasePermission):
    """DRF permission: the Boss only; ``view.boss_message`` says why to anyone else."""

    def has_permission(self, request, view) -> bool:
        if is_boss(request.user):
            return True
        self.message = getattr(view, "boss_message", None) or _("Only the Boss may do this.")
        return False


def menu_visible(module: str, action: str = registry.VIEW) -> Callable:
    """For ``MenuEntry(visible=...)``: shown only to users who may ``action`` in ``module``."""

    def visible(request) -> bool:
        return can(getattr(request, "user", None), module, action)

    return visible


def menu_visible_to_boss(request) -> bool:
    return is_boss(getattr(request, "user", None))
