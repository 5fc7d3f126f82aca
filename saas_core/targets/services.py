"""Sales targets (TGT-01): entering monthly targets, deriving quarters and years, the warning when
the children's targets sum above their parent's, and actuals with completion %.

Subjects: the company (the Boss sets it), departments and people within the user's data scope
(someone with the "targets" edit right sets them). A department's children are its sub-departments
and the people directly in it; the company's are the top-level departments. Actuals come from the
measure registry (``measures``): one SQL aggregate per call, grouped by owner and month.
"""

from __future__ import annotations

import calendar
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q, Sum
from django.utils.translation import gettext as _

from saas_core import money
from saas_core.accounts.models import User
from saas_core.lines import services as lines
from saas_core.org.access import can, require
from saas_core.org.models import Department
from saas_core.org.scope import department_subtree_ids, visible_user_ids
from saas_core.targets import measures
from saas_core.targets.models import Target

MODULE = "targets"
L = Target.Level
MONTHS = range(1, 13)
HUNDRED = Decimal(100)


def month_key(day: date) -> str:
    return f"{day.year:04d}-{day.month:02d}"


def quarter_of(month: int) -> int:
    return (month - 1) // 3 + 1


def quarter_months(year: int, quarter: int) -> list[date]:
    return [date(year, m, 1) for m in range(quarter * 3 - 2, quarter * 3 + 1)]


def month_end(day: date) -> date:
    return date(day.year, day.month, calendar.monthrange(day.year, day.month)[1])


@dataclass(frozen=True)
class Subject:
    """Whose target: the company, a department or a person (``key`` is how a form names it)."""

    level: str
    pk: int | None
    label: str
    parent_key: str | None = None

    @property
    def key(self) -> str:
        return self.level if self.pk is None else f"{self.level}-{self.pk}"


# --- who may see and set what ---------------------------------------------------------------------------


def _departments_in_scope(user: User) -> list[Department]:
    ids = visible_user_ids(user)
    departments = Department.objects.order_by("path")
    if ids is None:
        return list(departments)
    own = set(User.all_objects.filter(pk__in=ids, department__isnull=False).values_list("department_id", flat=True))
    led = set(Department.objects.filter(leader=user).values_list("pk", flat=True))
    # A department whose people the user all sees (their own, led, or a subtree their scope covers).
    return list(departments.filter(pk__in=own | department_subtree_ids(led)))


def subjects(user: User) -> list[Subject]:
    """The subjects ``user`` sees targets of, parents before children: the company (scope "all"
    only), departments in their scope, then the people in their scope."""
    out: list[Subject] = []
    ids = visible_user_ids(user)
    if ids is None:
        out.append(Subject(L.COMPANY, None, _("The whole company")))
    departments = _departments_in_scope(user)
    for department in departments:
        parent = f"{L.DEPARTMENT}-{department.parent_id}" if department.parent_id else (
            L.COMPANY if ids is None else None)
        out.append(Subject(L.DEPARTMENT, department.pk, department.name, parent))
    people = User.objects.filter(is_active=True).order_by("department__path", "name", "username")
    if ids is not None:
        people = people.filter(pk__in=ids)
    for person in people.select_related("department"):
        parent = f"{L.DEPARTMENT}-{person.department_id}" if person.department_id else None
        out.append(Subject(L.PERSON, person.pk, str(person), parent))
    return out


def may_set(user: User, subject: Subject, seen: Iterable[Subject] | None = None) -> bool:
    """The Boss sets the company's target; someone with the "targets" edit right sets those of the
    departments and people they see, except their own. ``seen``: ``subjects(user)`` if known."""
    if subject.level == L.COMPANY:
        return user.is_boss
    if not can(user, MODULE, "edit"):
        return False
    if subject.level == L.PERSON and subject.pk == user.pk and not user.is_boss:
        return False  # nobody sets their own target
    return any(s.key == subject.key for s in (subjects(user) if seen is None else seen))


def _filter(subject: Subject) -> Q:
    if subject.level == L.COMPANY:
        return Q(level=L.COMPANY)
    if subject.level == L.DEPARTMENT:
        return Q(level=L.DEPARTMENT, department_id=subject.pk)
    return Q(level=L.PERSON, user_id=subject.pk)


# --- entering ---------------------------------------------------------------------------------------------


def _measure(key: str) -> measures.Measure:
    measure = measures.get(key)
    if measure is None:
        raise ValidationError({"measure": [_("Choose what the target measures.")]})
    return measure


@transaction.atomic
def save_targets(*, by: User, measure: str, year: int, entries: Mapping[tuple[str, int], object]) -> list[dict]:
    """Store ``{(subject key, month): amount}`` for ``year`` (a blank amount removes that month's
    target); every amount is checked first, nothing is half-written. Returns the warnings where the
    children now sum above their parent (they are warnings: the targets are saved)."""
    require(by, MODULE, "edit")
    kind = _measure(measure)
    seen = subjects(by)
    by_key = {s.key: s for s in seen}
    errors: dict[str, list] = {}
    places = money.places().price if kind.money else 0
    rows: list[tuple[Subject, int, Decimal | None]] = []
    for (key, month), raw in entries.items():
        name = f"{key}.{month}"
        subject = by_key.get(key)
        if subject is None or not may_set(by, subject, seen):
            raise PermissionDenied(_("You may not set this target."))
        if month not in MONTHS:
            errors[name] = [_("Choose a month from 1 to 12.")]
            continue
        if lines.is_blank(raw):
            rows.append((subject, month, None))
            continue
        value = lines.read_number(raw, name, errors, places=places)
        if value is None:
            continue
        if value < 0:
            errors.setdefault(name, []).append(_("A target cannot be negative."))
        elif value >= lines.money_limit():
            errors.setdefault(name, []).append(_("The amount is too large."))
        else:
            rows.append((subject, month, value))
    if errors:
        raise ValidationError(errors)
    for subject, month, value in rows:
        where = _filter(subject) & Q(measure=measure, month=date(year, month, 1))
        if value is None:
            Target.objects.filter(where).delete()
            continue
        updated = Target.objects.filter(where).update(amount=value, updated_by=by)
        if not updated:
            Target.objects.create(
                measure=measure, month=date(year, month, 1), level=subject.level, amount=value, updated_by=by,
                department_id=subject.pk if subject.level == L.DEPARTMENT else None,
                user_id=subject.pk if subject.level == L.PERSON else None)
    return over_parent(by, measure, year)


# --- reading: the grid, derived quarters and years, warnings ---------------------------------------------


@dataclass
class Row:
    subject: Subject
    months: list[Decimal | None] = field(default_factory=lambda: [None] * 12)
    editable: bool = False

    @property
    def quarters(self) -> list[Decimal]:
        return [sum((m or 0 for m in self.months[q * 3:q * 3 + 3]), Decimal(0)) for q in range(4)]

    @property
    def year(self) -> Decimal:
        return sum((m or 0 for m in self.months), Decimal(0))


def _stored(measure: str, year: int) -> dict[tuple[str, int], Decimal]:
    out = {}
    for level, department_id, user_id, month, amount in Target.objects.filter(
            measure=measure, month__year=year).values_list("level", "department_id", "user_id", "month", "amount"):
        key = level if level == L.COMPANY else f"{level}-{department_id or user_id}"
        out[(key, month.month)] = amount
    return out


def grid(user: User, measure: str, year: int) -> list[Row]:
    """One row per subject ``user`` sees, months then derived quarters and year."""
    require(user, MODULE, "view")
    _measure(measure)
    stored = _stored(measure, year)
    rows = []
    seen = subjects(user)
    for subject in seen:
        row = Row(subject, editable=may_set(user, subject, seen))
        for month in MONTHS:
            row.months[month - 1] = stored.get((subject.key, month))
        rows.append(row)
    return rows


def over_parent(user: User, measure: str, year: int) -> list[dict]:
    """Months where a parent's target is below the sum of its children's (a warning, not a block)."""
    stored = _stored(measure, year)
    everyone = subjects(user)
    children: dict[str, list[str]] = defaultdict(list)
    for subject in everyone:
        if subject.parent_key:
            children[subject.parent_key].append(subject.key)
    out = []
    for parent in everyone:
        kids = children.get(parent.key)
        if not kids:
            continue
        for month in MONTHS:
            target = stored.get((parent.key, month))
            total = sum((stored.get((k, month)) or Decimal(0) for k in kids), Decimal(0))
            if target is not None and total > target:
                out.append({"subject": parent, "month": month, "target": target, "children": total})
    return out


# --- actuals and completion -------------------------------------------------------------------------------


def owners_of(subject: Subject) -> list[int] | None:
    """The people whose records count for ``subject`` (None: everybody, for the company)."""
    if subject.level == L.COMPANY:
        return None
    if subject.level == L.PERSON:
        return [subject.pk]
    tree = department_subtree_ids([subject.pk])
    return list(User.all_objects.filter(department_id__in=tree).values_list("pk", flat=True))


def target_of(subject: Subject, measure: str, first: date, last: date) -> Decimal | None:
    value = Target.objects.filter(_filter(subject), measure=measure, month__gte=first, month__lte=last) \
        .aggregate(total=Sum("amount"))["total"]
    return value


def actual_of(subject: Subject, measure: str, first: date, last: date) -> Decimal:
    kind = _measure(measure)
    return sum(kind.actuals(owners_of(subject), first, last).values(), Decimal(0))


def actuals_by_subject(user: User, measure: str, first: date, last: date,
                       chosen: Iterable[Subject]) -> dict[str, Decimal]:
    """Each subject's actual over the days ``first``..``last`` from one aggregate of the people
    ``user`` sees (the company's from everybody's)."""
    kind = _measure(measure)
    got = kind.actuals(visible_user_ids(user), first, last)
    by_owner: dict[int, Decimal] = defaultdict(Decimal)
    for (owner, _month), value in got.items():
        by_owner[owner] += value
    out = {}
    for subject in chosen:
        if subject.level == L.COMPANY:
            out[subject.key] = actual_of(subject, measure, first, last)
        else:
            out[subject.key] = sum((by_owner.get(pk, Decimal(0)) for pk in owners_of(subject)), Decimal(0))
    return out


def percent(actual: Decimal, target: Decimal | None) -> Decimal | None:
    if not target:
        return None
    return (actual / target * HUNDRED).quantize(Decimal("0.1"))


@dataclass(frozen=True)
class Progress:
    measure: measures.Measure
    period: str  # "month" or "quarter"
    target: Decimal | None
    actual: Decimal

    @property
    def percent(self) -> Decimal | None:
        return percent(self.actual, self.target)


def progress(subject: Subject, today: date, measure_keys: Iterable[str] | None = None) -> list[Progress]:
    """This month's and this quarter's target, actual and % for each measure, for ``subject``."""
    first_month = date(today.year, today.month, 1)
    quarter = quarter_months(today.year, quarter_of(today.month))
    out = []
    kinds = [measures.get(k) for k in measure_keys] if measure_keys else measures.measures()
    for kind in kinds:
        if kind is None:
            continue
        owners = owners_of(subject)
        got = kind.actuals(owners, quarter[0], month_end(quarter[-1]))
        this_month = month_key(first_month)
        month_actual = sum((v for (_o, m), v in got.items() if m == this_month), Decimal(0))
        quarter_actual = sum(got.values(), Decimal(0))
        targets = dict(Target.objects.filter(_filter(subject), measure=kind.key, month__in=quarter)
                       .values_list("month", "amount"))
        quarter_target = sum(targets.values(), Decimal(0)) if targets else None
        out.append(Progress(kind, "month", targets.get(first_month), month_actual))
        out.append(Progress(kind, "quarter", quarter_target, quarter_actual))
    return out


def team_subject(user: User) -> Subject | None:
    """The team a user answers for: the company for the Boss (scope "all"), else the department
    they lead, else their own department when their scope covers it (managers, directors)."""
    if visible_user_ids(user) is None:
        return Subject(L.COMPANY, None, _("The whole company"))
    led = Department.objects.filter(leader=user).order_by("path").first()
    if led is not None:
        return Subject(L.DEPARTMENT, led.pk, led.name)
    if user.department_id and user.role in ("manager", "director", "manager_assistant", "director_assistant"):
        return Subject(L.DEPARTMENT, user.department_id, user.department.name)
    return None
