"""Organisation operations: the department tree, superiors, role settings and record transfer.

Web views, the API and any later caller go through these; every rule is checked here.
Changes to the tree (and to superiors) take a per-schema advisory lock, so two concurrent
moves cannot build a cycle or a fifth level between them.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.db.models import Count, F, Value
from django.db.models.functions import Concat, Substr
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from saas_core.accounts.models import Role, User
from saas_core.org import access
from saas_core.org import permissions as registry
from saas_core.org.models import MAX_DEPTH, DataScope, Department, RoleSetting

TREE_LOCK = 72_410_001
SUPERIOR_LOCK = 72_410_002


def _lock(key: int) -> None:
    """A transaction-level lock per tenant schema (the key mixes in the schema name)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s, hashtext(current_schema()))", [key])


# --- departments -------------------------------------------------------------------------------


def _clean_name(name: str | None) -> str:
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": _("Enter the department's name.")})
    if len(name) > 100:
        raise ValidationError({"name": _("The name is too long (at most 100 characters).")})
    return name


def _check_sibling_name(name: str, parent: Department | None, exclude_pk: int | None = None) -> None:
    siblings = Department.objects.filter(parent=parent, name__iexact=name).exclude(pk=exclude_pk)
    if siblings.exists():
        where = parent.name if parent else _("the top level")
        raise ValidationError({"name": _("There is already a department named “%(name)s” in %(where)s.") % {
            "name": name, "where": where}})


def _depth_error(level: int) -> ValidationError:
    return ValidationError({"parent": _(
        "Departments can be at most %(max)d levels deep; this would put a department at level %(level)d."
    ) % {"max": MAX_DEPTH, "level": level}})


def _check_leader(leader: User | None) -> None:
    if leader is not None and (leader.deleted_at is not None or not User.objects.filter(pk=leader.pk).exists()):
        raise ValidationError({"leader": _("Choose a user of this company as the leader.")})


@transaction.atomic
def create_department(*, name: str, parent: Department | None = None, order: int = 0, leader: User | None = None) -> Department:
    _lock(TREE_LOCK)
    name = _clean_name(name)
    if parent is not None:
        parent = Department.objects.get(pk=parent.pk)  # fresh path and depth under the lock
    depth = parent.depth + 1 if parent else 1
    if depth > MAX_DEPTH:
        raise _depth_error(depth)
    _check_sibling_name(name, parent)
    _check_leader(leader)
    department = Department.objects.create(name=name, parent=parent, order=order or 0, leader=leader, depth=depth)
    department.path = f"{parent.path if parent else '/'}{department.pk}/"
    department.save(update_fields=["path"])
    return department


@transaction.atomic
def update_department(department: Department, **fields) -> Department:
    """Rename, reorder, change the leader and/or move (``parent``) a department."""
    _lock(TREE_LOCK)
    department = Department.objects.get(pk=department.pk)
    if "parent" in fields and (fields["parent"].pk if fields["parent"] else None) != department.parent_id:
        department = _move(department, fields["parent"])
    if "name" in fields:
        name = _clean_name(fields["name"])
        _check_sibling_name(name, department.parent, exclude_pk=department.pk)
        department.name = name
    if "order" in fields:
        department.order = fields["order"] or 0
    if "leader" in fields:
        _check_leader(fields["leader"])
        department.leader = fields["leader"]
    department.save(update_fields=["name", "order", "leader"])
    return department


def move_department(department: Department, new_parent: Department | None) -> Department:
    return update_department(department, parent=new_parent)


def _move(department: Department, new_parent: Department | None) -> Department:
    old_path = department.path
    if new_parent is not None:
        new_parent = Department.objects.get(pk=new_parent.pk)
        if new_parent.path.startswith(old_path):
            raise ValidationError({"parent": _(
                "A department cannot be moved under itself or one of its own sub-departments."
            )})
    deepest = Department.objects.filter(path__startswith=old_path).order_by("-depth").values_list("depth", flat=True).first()
    new_depth = new_parent.depth + 1 if new_parent else 1
    delta = new_depth - department.depth
    if deepest + delta > MAX_DEPTH:
        raise _depth_error(deepest + delta)
    _check_sibling_name(department.name, new_parent, exclude_pk=department.pk)
    new_path = f"{new_parent.path if new_parent else '/'}{department.pk}/"
    Department.objects.filter(path__startswith=old_path).update(
        path=Concat(Value(new_path), Substr("path", len(old_path) + 1)), depth=F("depth") + delta,
    )
    Department.objects.filter(pk=department.pk).update(parent=new_parent)
    return Department.objects.get(pk=department.pk)


def delete_blockers(department: Department) -> list[str]:
    """Why ``department`` cannot be deleted yet (empty when it can)."""
    reasons = []
    users = User.objects.filter(department=department).count()
    if users:
        reasons.append(ngettext("%(count)d user belongs to it", "%(count)d users belong to it", users) % {"count": users})
    children = Department.objects.filter(parent=department).count()
    if children:
        reasons.append(ngettext("it has %(count)d sub-department", "it has %(count)d sub-departments", children) % {"count": children})
    return reasons


@transaction.atomic
def delete_department(department: Department) -> None:
    _lock(TREE_LOCK)
    reasons = delete_blockers(department)
    if reasons:
        raise ValidationError(_(
            "“%(name)s” cannot be deleted: %(reasons)s. Move them to another department first."
        ) % {"name": department.name, "reasons": "; ".join(reasons)})
    # Deleted users (kept for their records' history) let go of the department.
    User.all_objects.filter(department=department).update(department=None)
    RoleSetting.chosen_departments.through.objects.filter(department=department).delete()
    department.delete()


def subtree(department: Department):
    """``department`` and all its descendants, one indexed query."""
    return Department.objects.filter(path__startswith=department.path)


def descendant_ids(department: Department) -> set[int]:
    return set(subtree(department).exclude(pk=department.pk).values_list("pk", flat=True))


@dataclass
class TreeNode:
    department: Department
    members: list[User] = field(default_factory=list)
    children: list[TreeNode] = field(default_factory=list)

    @property
    def member_count(self) -> int:
        return len(self.members) + sum(child.member_count for child in self.children)


@dataclass
class OrgChart:
    roots: list[TreeNode]
    unassigned: list[User]


def org_chart() -> OrgChart:
    """The whole tree with each department's (live) users, in two queries."""
    departments = list(Department.objects.select_related("leader").order_by("depth", "order", "name", "pk"))
    nodes = {d.pk: TreeNode(d) for d in departments}
    unassigned = []
    for user in User.objects.select_related("superior").order_by("-is_active", "name", "username"):
        node = nodes.get(user.department_id)
        (node.members if node else unassigned).append(user)
    roots = []
    for d in departments:
        (nodes[d.parent_id].children if d.parent_id in nodes else roots).append(nodes[d.pk])
    return OrgChart(roots, unassigned)


def department_choices(exclude: Department | None = None, max_depth: int = MAX_DEPTH):
    """(department, indented label) pairs in tree order; ``exclude`` drops that subtree."""
    departments = list(Department.objects.order_by("depth", "order", "name", "pk"))
    children: dict[int | None, list[Department]] = {}
    for d in departments:
        children.setdefault(d.parent_id, []).append(d)
    out = []

    def walk(parent_id):
        for d in children.get(parent_id, []):
            if exclude is not None and d.path.startswith(exclude.path):
                continue
            if d.depth <= max_depth:
                out.append((d, "\u3000" * (d.depth - 1) + d.name))
            walk(d.pk)

    walk(None)
    return out


# --- superiors ---------------------------------------------------------------------------------


def check_superior(user: User, superior: User | None) -> None:
    """A superior must be another live user who is not (directly or not) below ``user``."""
    if superior is None:
        return
    if user.pk is not None and superior.pk == user.pk:
        raise ValidationError({"superior": _("A user cannot be their own superior.")})
    if superior.deleted_at is not None:
        raise ValidationError({"superior": _("Choose a user of this company as the superior.")})
    if user.pk is None:
        return
    from saas_core.org.scope import subordinate_ids

    if superior.pk in subordinate_ids(user.pk):
        raise ValidationError({"superior": _(
            "%(superior)s reports to %(user)s (directly or through others); choosing them as superior would make a circle."
        ) % {"superior": superior, "user": user}})


def lock_superiors() -> None:
    """Call inside the transaction that changes a ``superior``, before ``check_superior``."""
    _lock(SUPERIOR_LOCK)


# --- roles -------------------------------------------------------------------------------------

ROLE_ORDER = list(Role.values)


def role_settings() -> list[RoleSetting]:
    """One setting per role, in the roles' order (missing rows are created with the defaults)."""
    existing = {s.role: s for s in RoleSetting.objects.prefetch_related("chosen_departments")}
    missing = [r for r in ROLE_ORDER if r not in existing]
    for role in missing:
        existing[role] = _create_default(role)
    return [existing[r] for r in ROLE_ORDER]


def _create_default(role: str) -> RoleSetting:
    values = registry.role_defaults(role)
    setting, _created = RoleSetting.objects.get_or_create(role=role, defaults=values)
    return setting


def get_role_setting(role: str) -> RoleSetting:
    if role not in Role.values:
        raise RoleSetting.DoesNotExist(role)
    setting = RoleSetting.objects.filter(role=role).prefetch_related("chosen_departments").first()
    return setting or _create_default(role)


@dataclass
class Matrix:
    """A role's effective permissions, defaults filled in (what the edit page and the API show)."""

    role: str
    data_scope: str
    chosen_departments: list[Department]
    permissions: dict[str, list[str]]
    rights: dict[str, bool]
    customer_sections: list[str]
    editable: bool


def effective(setting: RoleSetting) -> Matrix:
    snapshot = access.role_access(setting.role)
    mods = registry.modules()
    return Matrix(
        role=setting.role,
        data_scope=snapshot.data_scope,
        chosen_departments=list(setting.chosen_departments.all()) if setting.role != Role.BOSS else [],
        permissions={m.key: [a for a in registry.ACTIONS if snapshot.can(m, a)] for m in mods},
        rights={r.key: snapshot.has_right(r) for r in registry.rights()},
        customer_sections=list(setting.customer_sections) if setting.role == Role.CUSTOMER_SERVICE else [],
        editable=setting.role != Role.BOSS,
    )


def _check_role_editor(by: User) -> None:
    if not access.is_boss(by):
        raise PermissionDenied(_("Only the Boss may change roles and permissions."))


@transaction.atomic
def update_role(
    role: str,
    *,
    by: User,
    data_scope: str | None = None,
    chosen_departments=None,
    permissions: dict | None = None,
    rights: dict | None = None,
    customer_sections: list | None = None,
) -> RoleSetting:
    """Change what ``role`` may do and see; arguments left as None stay as they are.

    ``permissions`` maps module keys to granted actions (modules not named keep theirs);
    ``rights`` maps right keys to true/false. Everything is checked before anything is saved.
    """
    _check_role_editor(by)
    if role == Role.BOSS:
        raise ValidationError({"role": _("The Boss always may do everything and see all records; the Boss role cannot be changed.")})
    if role not in Role.values:
        raise ValidationError({"role": _("Unknown role.")})
    setting = RoleSetting.objects.select_for_update().filter(role=role).first() or _create_default(role)
    errors: dict[str, list[str]] = {}
    maintainer = role == Role.SYSTEM_MAINTAINER

    if data_scope is not None:
        if data_scope not in DataScope.values:
            errors.setdefault("data_scope", []).append(_("Choose one of the data scopes."))
        elif maintainer and data_scope != DataScope.NONE:
            errors.setdefault("data_scope", []).append(_("The System maintainer sees no business data; the scope stays “No business data”."))
    new_scope = data_scope if data_scope is not None else setting.data_scope

    departments = None
    if chosen_departments is not None:
        ids = [d.pk if isinstance(d, Department) else d for d in chosen_departments]
        departments = list(Department.objects.filter(pk__in=ids))
        if len({d.pk for d in departments}) != len(set(ids)):
            errors.setdefault("chosen_departments", []).append(_("One of the chosen departments does not exist."))
    if new_scope == DataScope.CHOSEN_DEPARTMENTS:
        chosen = departments if departments is not None else list(setting.chosen_departments.all())
        if not chosen:
            errors.setdefault("chosen_departments", []).append(_("Choose at least one department for this data scope."))

    new_permissions = dict(setting.permissions or {})
    if permissions is not None:
        if not isinstance(permissions, dict):
            errors.setdefault("permissions", []).append(_("Give the permissions as module: list of actions."))
        else:
            for key, actions in permissions.items():
                try:
                    module = registry.get_module(key)
                except LookupError:
                    errors.setdefault("permissions", []).append(_("Unknown module “%(key)s”.") % {"key": key})
                    continue
                if not isinstance(actions, list | tuple | set) or any(a not in registry.ACTIONS for a in actions):
                    errors.setdefault("permissions", []).append(
                        _("%(module)s: the actions must be some of %(actions)s.") % {
                            "module": module.label, "actions": ", ".join(registry.ACTIONS)})
                    continue
                if maintainer and module.business and actions:
                    errors.setdefault("permissions", []).append(
                        _("The System maintainer sees no business data and cannot be given %(module)s.") % {"module": module.label})
                    continue
                new_permissions[key] = [a for a in registry.ACTIONS if a in set(actions)]

    new_rights = dict(setting.rights or {})
    if rights is not None:
        if not isinstance(rights, dict):
            errors.setdefault("rights", []).append(_("Give the special rights as right: true or false."))
        else:
            for key, granted in rights.items():
                try:
                    right = registry.get_right(key)
                except LookupError:
                    errors.setdefault("rights", []).append(_("Unknown special right “%(key)s”.") % {"key": key})
                    continue
                if maintainer and granted:
                    errors.setdefault("rights", []).append(
                        _("The System maintainer cannot be given “%(right)s”.") % {"right": right.label})
                    continue
                new_rights[key] = bool(granted)

    new_sections = list(setting.customer_sections or [])
    if customer_sections is not None:
        known = {s.key for s in registry.customer_sections()}
        if not isinstance(customer_sections, list | tuple) or any(s not in known for s in customer_sections):
            errors.setdefault("customer_sections", []).append(
                _("The customer sections must be some of %(keys)s.") % {"keys": ", ".join(sorted(known))})
        else:
            new_sections = [s.key for s in registry.customer_sections() if s.key in set(customer_sections)]

    if errors:
        raise ValidationError(errors)
    setting.data_scope = new_scope
    setting.permissions = new_permissions
    setting.rights = new_rights
    setting.customer_sections = new_sections
    setting.updated_by = by
    setting.save()
    if departments is not None:
        setting.chosen_departments.set(departments)
    access.forget(by)
    return setting


@transaction.atomic
def reset_role(role: str, *, by: User) -> RoleSetting:
    """Put a role back to the product's defaults."""
    _check_role_editor(by)
    if role == Role.BOSS:
        raise ValidationError({"role": _("The Boss always may do everything and see all records; the Boss role cannot be changed.")})
    values = registry.role_defaults(role)
    setting = RoleSetting.objects.select_for_update().filter(role=role).first() or _create_default(role)
    for key, value in values.items():
        setattr(setting, key, value)
    setting.updated_by = by
    setting.save()
    setting.chosen_departments.clear()
    return setting


def role_user_counts() -> dict[str, int]:
    return dict(User.objects.values_list("role").annotate(n=Count("pk")).values_list("role", "n"))


# --- transfer of a user's records (ACC-01) -----------------------------------------------------


@dataclass
class TransferLine:
    key: str
    label: str
    count: int


def _owned_types():
    from saas_core.records.registry import record_types

    # Records owned through another record (a contact through its customer) follow that record.
    return [rt for rt in record_types() if rt.owner_field and "__" not in rt.owner_field]


def _owned_by(rt, user: User):
    # The base manager: records in the recycle bin move too, so a restore gives them to the new owner.
    return rt.model._base_manager.filter(**{rt.owner_field: user})


def transfer_preview(from_user: User) -> list[TransferLine]:
    """Per business record type with an owner: how many records of ``from_user`` would move."""
    lines = []
    for rt in _owned_types():
        count = _owned_by(rt, from_user).count()
        if count:
            lines.append(TransferLine(rt.key, str(rt.model._meta.verbose_name_plural), count))
    return sorted(lines, key=lambda line: line.label)


def _check_transfer(from_user: User, to_user: User | None, by: User) -> None:
    if not access.is_boss(by):
        raise PermissionDenied(_("Only the Boss may transfer a user's records."))
    if to_user is None:
        raise ValidationError({"to_user": _("Choose the user who receives the records.")})
    if to_user.pk == from_user.pk:
        raise ValidationError({"to_user": _("Choose another user than the one whose records move.")})
    if to_user.deleted_at is not None or not to_user.is_active:
        raise ValidationError({"to_user": _("The receiving user must be an enabled user.")})


@transaction.atomic
def transfer_records(from_user: User, to_user: User, by: User, *, disable: bool = False) -> dict[str, int]:
    """Give every record owned by ``from_user`` to ``to_user`` at once; returns counts per record type.

    All or nothing: one transaction, with ``from_user``'s row locked so a second transfer of
    the same user waits and then finds nothing left to move. ``disable`` then disables
    ``from_user`` (a departing employee).
    """
    _check_transfer(from_user, to_user, by)
    list(User.all_objects.select_for_update().filter(pk__in=[from_user.pk, to_user.pk]).order_by("pk").values_list("pk"))
    now = timezone.now()
    counts: dict[str, int] = {}
    for rt in _owned_types():
        changes = {rt.owner_field: to_user}
        if any(f.name == "updated_at" for f in rt.model._meta.concrete_fields):
            changes["updated_at"] = now
        moved = _owned_by(rt, from_user).update(**changes)
        if moved:
            counts[rt.key] = moved
    if disable and from_user.is_active:
        from saas_core.accounts import services as account_services

        account_services.set_active(from_user, False)
    return counts


def transferable_users(exclude: User):
    return User.objects.filter(is_active=True).exclude(pk=exclude.pk).order_by("name", "username")

