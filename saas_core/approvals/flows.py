"""Designing flows (the Boss) and reading them (the engine): routes, conditions, nodes.

A flow's definition (stored whole in a ``FlowVersion``)::

    {"empty_node": "pass" | "boss",          # a node that resolves to nobody
     "resubmit": "start" | "rejected_node",   # where a resubmission after a reject begins
     "routes": [{"name": "Large quotes", "priority": 1,
                 "conditions": [{"field": "amount", "op": "gt", "value": "10000"},
                                {"field": "owner_role", "op": "in", "values": ["sales"]}],
                 "nodes": [{"name": "Manager", "approver": "superior", "levels": 1, "mode": "any"},
                           {"name": "Director", "approver": "role", "role": "director", "mode": "any"}]}]}

Routes are tried by priority (lowest first); the first whose conditions all hold is the path; a
route without conditions matches every document; no route matching means no approval needed.
Every save writes a new version; pending approvals keep theirs.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from saas_core.accounts.models import Role, User
from saas_core.approvals import registry
from saas_core.approvals.models import Flow, FlowVersion
from saas_core.org.access import is_boss

USERS, SUPERIOR, SUPERIOR_CHAIN, ROLE, CHOSEN = "users", "superior", "superior_chain", "role", "chosen"
APPROVER_KINDS = [
    (USERS, gettext_lazy("Named people")),
    (SUPERIOR, gettext_lazy("The initiator's superior, N levels up")),
    (SUPERIOR_CHAIN, gettext_lazy("Every superior up to a role")),
    (ROLE, gettext_lazy("Everyone with a role")),
    (CHOSEN, gettext_lazy("Chosen by the initiator")),
]
SEQUENTIAL, ALL, ANY = "sequential", "all", "any"
MODES = [
    (SEQUENTIAL, gettext_lazy("In order (依次)")),
    (ALL, gettext_lazy("All must approve (会签)")),
    (ANY, gettext_lazy("Any one (或签)")),
]
EMPTY_NODE = [("pass", gettext_lazy("passes by itself")), ("boss", gettext_lazy("goes to the Boss"))]
RESUBMIT = [("start", gettext_lazy("from the first step")),
            ("rejected_node", gettext_lazy("from the step that rejected it"))]
OPERATORS = {
    "gt": pgettext_lazy("condition", "over"),
    "gte": pgettext_lazy("condition", "at least"),
    "lt": pgettext_lazy("condition", "under"),
    "lte": pgettext_lazy("condition", "at most"),
    "between": pgettext_lazy("condition", "between"),
    "in": pgettext_lazy("condition", "is one of"),
}
MAX_ROUTES = 50
MAX_NODES = 20
MAX_LEVELS = 10
EMPTY_DEFINITION: dict = {"empty_node": "pass", "resubmit": "start", "routes": []}


def document_type_or_404(key: str) -> registry.DocumentType:
    from django.http import Http404

    document_type = registry.get(key)
    if document_type is None:
        raise Http404
    return document_type


def current(doc_type: str) -> tuple[Flow | None, dict]:
    """The flow of ``doc_type`` and its current definition (the empty one if never designed)."""
    flow = Flow.objects.select_related("version").filter(doc_type=doc_type).first()
    if flow is None or flow.version is None:
        return flow, dict(EMPTY_DEFINITION, routes=[])
    return flow, flow.version.definition


# --- checking what the Boss designs ------------------------------------------------------------


def _decimal(raw: Any) -> Decimal | None:
    try:
        value = Decimal(str(raw).strip())
    except (InvalidOperation, ValueError):
        return None
    return value if value.is_finite() else None


def clean_condition(document_type: registry.DocumentType, condition: Mapping, errors: dict, key: str) -> dict:
    field = document_type.field(str(condition.get("field", "")))
    if field is None:
        errors.setdefault(f"{key}.field", []).append(_("Choose what the condition tests."))
        return {}
    op = condition.get("op", "")
    if op not in field.operators:
        errors.setdefault(f"{key}.op", []).append(_("Choose how to compare."))
        return {}
    if field.kind == registry.NUMBER:
        value = _decimal(condition.get("value", ""))
        if value is None:
            errors.setdefault(f"{key}.value", []).append(_("Enter a number."))
            return {}
        out = {"field": field.key, "op": op, "value": format(value, "f")}
        if op == "between":
            value2 = _decimal(condition.get("value2", ""))
            if value2 is None:
                errors.setdefault(f"{key}.value2", []).append(_("Enter the upper end of the range."))
                return {}
            if value2 < value:
                errors.setdefault(f"{key}.value2", []).append(_("The upper end is below the lower end."))
                return {}
            out["value2"] = format(value2, "f")
        return out
    values = [str(v) for v in condition.get("values") or () if str(v).strip()]
    if not values:
        errors.setdefault(f"{key}.values", []).append(_("Choose at least one value."))
        return {}
    if field.kind == registry.CHOICE and field.choices is not None:
        allowed = {str(v) for v, _label in field.choices()}
        if any(v not in allowed for v in values):
            errors.setdefault(f"{key}.values", []).append(_("Choose values from the list."))
            return {}
    if field.kind == registry.DEPARTMENT:
        from saas_core.org.models import Department

        ids = {int(v) for v in values if v.isdigit()}
        if len(ids) != len(values) or Department.objects.filter(pk__in=ids).count() != len(ids):
            errors.setdefault(f"{key}.values", []).append(_("Choose departments from the list."))
            return {}
    return {"field": field.key, "op": "in", "values": values}


def clean_node(node: Mapping, errors: dict, key: str) -> dict:
    name = str(node.get("name", "")).strip()[:100]
    if not name:
        errors.setdefault(f"{key}.name", []).append(_("Name the step."))
    kind = node.get("approver", "")
    mode = node.get("mode", ANY)
    if kind not in dict(APPROVER_KINDS):
        errors.setdefault(f"{key}.approver", []).append(_("Choose who approves."))
        return {}
    if mode not in dict(MODES):
        errors.setdefault(f"{key}.mode", []).append(_("Choose how the approvers decide."))
        return {}
    out: dict = {"name": name, "approver": kind, "mode": mode}
    if kind == USERS:
        ids = [int(v) for v in node.get("users") or () if str(v).isdigit()]
        found = list(User.objects.filter(pk__in=ids, is_active=True).values_list("pk", flat=True))
        if not ids:
            errors.setdefault(f"{key}.users", []).append(_("Choose at least one person."))
        elif len(set(found)) != len(set(ids)):
            errors.setdefault(f"{key}.users", []).append(_("Choose enabled people of the company."))
        out["users"] = list(dict.fromkeys(ids))
    elif kind == SUPERIOR:
        try:
            levels = int(node.get("levels") or 1)
        except (TypeError, ValueError):
            levels = 0
        if not 1 <= levels <= MAX_LEVELS:
            errors.setdefault(f"{key}.levels", []).append(
                _("Levels up is a whole number from 1 to %(max)d.") % {"max": MAX_LEVELS})
        out["levels"] = levels
    elif kind in (SUPERIOR_CHAIN, ROLE):
        role = node.get("role", "")
        if role not in Role.values or role == Role.SYSTEM_MAINTAINER:
            errors.setdefault(f"{key}.role", []).append(_("Choose a role."))
        out["role"] = role
    return out


def clean_route(document_type: registry.DocumentType, route: Mapping) -> dict:
    """A route as stored, or ValidationError keyed ``name``, ``conditions.<i>.<field>``, ``nodes.<i>.<field>``."""
    errors: dict[str, list] = {}
    name = str(route.get("name", "")).strip()[:100]
    if not name:
        errors["name"] = [_("Name the route.")]
    try:
        priority = int(route.get("priority") or 0)
    except (TypeError, ValueError):
        priority = -1
    if not 0 <= priority <= 999:
        errors["priority"] = [_("The priority is a whole number from 0 to 999 (lower goes first).")]
    conditions = [clean_condition(document_type, c, errors, f"conditions.{i}")
                  for i, c in enumerate(route.get("conditions") or ())]
    nodes = [clean_node(n, errors, f"nodes.{i}") for i, n in enumerate(route.get("nodes") or ())]
    if not nodes:
        errors.setdefault("nodes", []).append(_("Add at least one step."))
    elif len(nodes) > MAX_NODES:
        errors.setdefault("nodes", []).append(_("A route has at most %(count)d steps.") % {"count": MAX_NODES})
    if errors:
        raise ValidationError(errors)
    return {"name": name, "priority": priority, "conditions": conditions, "nodes": nodes}


# --- saving (each save is a new version) ----------------------------------------------------------


def _save_definition(doc_type: str, change, *, by: User) -> FlowVersion:
    if not is_boss(by):
        raise PermissionDenied(_("Only the Boss may design approval flows."))
    flow, _created = Flow.objects.get_or_create(doc_type=doc_type)
    flow = Flow.objects.select_for_update(of=("self",)).select_related("version").get(pk=flow.pk)
    definition = dict(flow.version.definition) if flow.version else dict(EMPTY_DEFINITION)
    definition["routes"] = [dict(r) for r in definition.get("routes", [])]
    change(definition)
    definition["routes"].sort(key=lambda r: r["priority"])
    number = (flow.version.number if flow.version else 0) + 1
    version = FlowVersion.objects.create(flow=flow, number=number, definition=definition, created_by=by)
    flow.version = version
    flow.save(update_fields=["version", "updated_at"])
    return version


@transaction.atomic
def save_route(doc_type: str, index: int | None, route: Mapping, *, by: User) -> FlowVersion:
    """Add a route (``index`` None) or replace route ``index`` of the current design."""
    document_type = document_type_or_404(doc_type)
    cleaned = clean_route(document_type, route)

    def change(definition: dict) -> None:
        routes = definition["routes"]
        if index is None:
            if len(routes) >= MAX_ROUTES:
                raise ValidationError({"name": [_("A flow has at most %(count)d routes.") % {"count": MAX_ROUTES}]})
            routes.append(cleaned)
        elif 0 <= index < len(routes):
            routes[index] = cleaned
        else:
            raise ValidationError(_("This route no longer exists (someone changed the flow)."))

    return _save_definition(doc_type, change, by=by)


@transaction.atomic
def delete_route(doc_type: str, index: int, *, by: User) -> FlowVersion:
    document_type_or_404(doc_type)

    def change(definition: dict) -> None:
        if not 0 <= index < len(definition["routes"]):
            raise ValidationError(_("This route no longer exists (someone changed the flow)."))
        del definition["routes"][index]

    return _save_definition(doc_type, change, by=by)


@transaction.atomic
def save_settings(doc_type: str, *, by: User, empty_node: str, resubmit: str, enabled: bool = True) -> FlowVersion:
    document_type_or_404(doc_type)
    errors = {}
    if empty_node not in dict(EMPTY_NODE):
        errors["empty_node"] = [_("Choose what happens to a step with nobody to approve.")]
    if resubmit not in dict(RESUBMIT):
        errors["resubmit"] = [_("Choose where a resubmission begins.")]
    if errors:
        raise ValidationError(errors)

    def change(definition: dict) -> None:
        definition["empty_node"], definition["resubmit"] = empty_node, resubmit

    version = _save_definition(doc_type, change, by=by)
    Flow.objects.filter(pk=version.flow_id).update(enabled=enabled)
    return version


# --- reading a route for one document ------------------------------------------------------------


def _department_matches(department_id, chosen: list[str]) -> bool:
    if not department_id:
        return False
    from saas_core.org.models import Department

    path = Department.objects.filter(pk=department_id).values_list("path", flat=True).first() or ""
    return any(f"/{pk}/" in path for pk in chosen)


def condition_holds(document_type: registry.DocumentType, condition: Mapping, values: Mapping) -> bool:
    field = document_type.field(condition["field"])
    if field is None:  # a field the document no longer declares never holds
        return False
    value = values.get(field.key)
    if field.kind == registry.NUMBER:
        number = _decimal(value) if value is not None else None
        if number is None:
            return False
        low = Decimal(condition["value"])
        return {
            "gt": number > low, "gte": number >= low, "lt": number < low, "lte": number <= low,
            "between": low <= number <= Decimal(condition.get("value2", low)),
        }[condition["op"]]
    if field.kind == registry.DEPARTMENT:
        return _department_matches(value, condition["values"])
    return str(value) in condition["values"]


def choose_route(document_type: registry.DocumentType, definition: Mapping, values: Mapping) -> dict | None:
    for route in sorted(definition.get("routes", []), key=lambda r: r["priority"]):
        if all(condition_holds(document_type, c, values) for c in route["conditions"]):
            return route
    return None


def describe_condition(document_type: registry.DocumentType, condition: Mapping) -> str:
    """"Amount over 10000" in the reader's language (the flow page, the timeline)."""
    field = document_type.field(condition["field"])
    label = str(field.label) if field else condition["field"]
    op = str(OPERATORS.get(condition["op"], condition["op"]))
    if condition["op"] == "between":
        return f"{label} {op} {condition['value']} – {condition['value2']}"
    if "values" in condition:
        names = dict(field.choices()) if field and field.choices else {}
        if field and field.kind == registry.DEPARTMENT:
            from saas_core.org.models import Department

            names = {str(pk): n for pk, n in Department.objects.filter(
                pk__in=[int(v) for v in condition["values"]]).values_list("pk", "name")}
        shown = "、".join(str(names.get(v, v)) for v in condition["values"])
        return f"{label} {op} {shown}"
    return f"{label} {op} {condition['value']}"


# --- who approves a node ----------------------------------------------------------------------


def _superiors(user: User) -> list[User]:
    """``user``'s superiors, nearest first (a cycle stops the walk)."""
    out: list[User] = []
    seen = {user.pk}
    current_user = user
    while current_user.superior_id and current_user.superior_id not in seen and len(out) < 50:
        current_user = User.all_objects.get(pk=current_user.superior_id)
        seen.add(current_user.pk)
        out.append(current_user)
    return out


def _active(ids) -> list[int]:
    found = set(User.objects.filter(pk__in=list(ids), is_active=True).values_list("pk", flat=True))
    return [i for i in dict.fromkeys(ids) if i in found]


def resolve(node: Mapping, initiator: User, chosen: list[int] | None = None) -> list[int]:
    """The ids of the people who approve ``node`` for a document of ``initiator`` (may be empty)."""
    kind = node["approver"]
    if kind == USERS:
        return _active(node.get("users", []))
    if kind == SUPERIOR:
        chain = _superiors(initiator)
        levels = node.get("levels", 1)
        return _active([chain[levels - 1].pk]) if len(chain) >= levels else []
    if kind == SUPERIOR_CHAIN:
        ids = []
        for superior in _superiors(initiator):
            ids.append(superior.pk)
            if superior.role == node.get("role"):
                break
        return _active(ids)
    if kind == ROLE:
        return list(User.objects.filter(role=node.get("role"), is_active=True).order_by("pk")
                     .values_list("pk", flat=True))
    if kind == CHOSEN:
        return _active(chosen or [])
    return []


def bosses() -> list[int]:
    return list(User.objects.filter(role=Role.BOSS, is_active=True).order_by("pk").values_list("pk", flat=True))
