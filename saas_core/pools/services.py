"""Public pool operations (CUS-06); the web pages, the API and the periodic task all call these.

Who may do what
    - The Boss sets up pools and their reclaim rules, and is an admin of every pool.
    - Members of a pool (listed users, users of listed departments and their sub-departments;
      everyone when a pool lists no members) and its admins see the pool's customers and claim
      them. Admins also assign them to members.
    - Releasing needs the right to edit each customer (``customers.access.can_edit``) and
      membership of the target pool.

Claim rules (per pool): a daily limit of claims per member (the company's calendar day), a
waiting period before the previous owner may claim a customer again, and a cap on how many
customers a member may hold. An admin's assignment skips the daily limit and the waiting period
(it is the admin's decision) but not the holding cap.

Race safety: a claim or assignment locks the receiving user's row (so one user's claims are
counted one at a time) and then the customer's row, re-reads it, and changes the owner with a
conditional ``UPDATE ... WHERE owner_id IS NULL``; of two simultaneous claims exactly one wins,
the other is told who owns the customer now. Row locks are always taken user first, then
customers in id order, so operations cannot deadlock each other.

Reclaim rules (``reclaim_due``, hourly): see ``ReclaimRule`` for what each condition means. A
pool's rules cover the customers owned by its members; an owner who belongs to several pools is
covered by the first one (the default pool first, then by name), an owner who belongs to none
by the default pool. Per condition the most specific rule applies: a rule naming a level the
customer has beats "any customer", and of several such rules the longest period counts.
Owners are always warned ``warn_days_ahead`` days before a customer goes back: a customer that
is already overdue when a rule is created or tightened is warned now and goes back that many
days later, unless it is followed up (or otherwise starts a new clock) in between.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta

import pghistory
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Case, Count, Exists, F, OuterRef, Q, QuerySet, Subquery, When
from django.db.models.functions import Greatest
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.text import get_text_list
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from saas_core.accounts.models import User
from saas_core.customers import access as customer_access
from saas_core.customers.models import Customer
from saas_core.dictionaries import services as dictionaries
from saas_core.dictionaries.models import DictionaryItem
from saas_core.org.access import can, is_boss, require, require_boss
from saas_core.pools.models import LEVEL_TYPES, ClaimLog, Pool, PoolEntry, ReclaimRule, ReclaimWarning
from saas_core.tenancy import company_zone

CHUNK = 2000  # ids per statement in bulk moves (well under PostgreSQL's parameter limit)
RECLAIM_BATCH = 500  # customers per reclaim transaction: row locks are held for about a second at most

MemberUsers = Pool.member_users.through
MemberDepartments = Pool.member_departments.through
Admins = Pool.admins.through


class AlreadyTaken(ValidationError):
    """The customer is no longer in the pool (someone else claimed it first)."""

    def __init__(self, message):
        super().__init__(message, code="taken")


# --- membership ----------------------------------------------------------------------------------


def _ancestor_paths(path: str | None) -> list[str]:
    """``/3/17/42/`` → ``["/3/", "/3/17/", "/3/17/42/"]``: the department and those above it."""
    parts = [p for p in (path or "").split("/") if p]
    return ["/" + "/".join(parts[:i]) + "/" for i in range(1, len(parts) + 1)]


def _department_path(user) -> str | None:
    if not getattr(user, "department_id", None):
        return None
    from saas_core.org.models import Department

    return Department.objects.filter(pk=user.department_id).values_list("path", flat=True).first()


def _is_open():
    """Pools that list no members: open to everyone."""
    return ~Exists(MemberUsers.objects.filter(pool_id=OuterRef("pk"))) & ~Exists(
        MemberDepartments.objects.filter(pool_id=OuterRef("pk"))
    )


def member_q(user):
    """A filter on Pool: the pools ``user`` is a member of."""
    condition = _is_open() | Exists(MemberUsers.objects.filter(pool_id=OuterRef("pk"), user_id=user.pk))
    paths = _ancestor_paths(_department_path(user))
    if paths:
        condition |= Exists(MemberDepartments.objects.filter(pool_id=OuterRef("pk"), department__path__in=paths))
    return condition


def is_member(pool: Pool, user) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    return Pool.objects.filter(pk=pool.pk).filter(member_q(user)).exists()


def is_admin(pool: Pool, user) -> bool:
    """The Boss, or a user listed as an admin of ``pool``."""
    if not getattr(user, "is_authenticated", False):
        return False
    return is_boss(user) or Admins.objects.filter(pool_id=pool.pk, user_id=user.pk).exists()


def may_use(pool: Pool, user) -> bool:
    """Members and admins may see the pool's customers, claim them and release into it."""
    return is_admin(pool, user) or is_member(pool, user)


def visible_pools(user) -> QuerySet[Pool]:
    """The pools ``user`` may open: all for the Boss; else those they are a member or admin of."""
    if not getattr(user, "is_authenticated", False) or not can(user, "customers", "view"):
        return Pool.objects.none()
    if is_boss(user):
        return Pool.objects.all()
    return Pool.objects.filter(member_q(user) | Exists(Admins.objects.filter(pool_id=OuterRef("pk"), user_id=user.pk)))


def require_use(pool: Pool, user) -> None:
    if not may_use(pool, user):
        raise PermissionDenied(_("You are not a member of the public pool “%(pool)s”; ask the Boss to add you.")
                               % {"pool": pool.name})


def require_admin(pool: Pool, user) -> None:
    if not is_admin(pool, user):
        raise PermissionDenied(_("Only an admin of the public pool “%(pool)s” or the Boss may do this.")
                               % {"pool": pool.name})


def pool_customers(pool: Pool) -> QuerySet[Customer]:
    """The customers in ``pool`` (live ones without an owner), most recently released first."""
    return (
        Customer.objects.filter(pool_entry__pool=pool, owner__isnull=True)
        .select_related("pool_entry", "pool_entry__reason", "pool_entry__previous_owner", "category", "grade",
                        "value_class")
        .order_by("-pool_entry__released_at", "-pk")
    )


def pool_of(customer: Customer) -> Pool | None:
    """The pool ``customer`` is in, or None."""
    if customer.owner_id is not None:
        return None
    entry = PoolEntry.objects.select_related("pool").filter(customer_id=customer.pk).first()
    return entry.pool if entry else None


def may_view_in_pool(user, customer: Customer) -> bool:
    """A customer in a pool is visible to the pool's members and admins (for customers.access)."""
    pool = pool_of(customer)
    return pool is not None and can(user, "customers", "view") and may_use(pool, user)


def counts(pools: Iterable[Pool]) -> dict[int, int]:
    """Customers in each of ``pools``."""
    ids = [p.pk for p in pools]
    rows = (
        PoolEntry.objects.filter(pool_id__in=ids, customer__owner__isnull=True, customer__deleted_at__isnull=True)
        .values_list("pool_id").annotate(n=Count("pk"))
    )
    return dict(rows)


# --- setting up pools and rules (the Boss) -------------------------------------------------------

POOL_FIELDS = ("name", "description", "is_default", "daily_claim_limit", "reclaim_wait_days", "holding_cap",
               "warn_days_ahead")


def _require_setup(by) -> None:
    require_boss(by, _("Only the Boss may set up public pools and their rules."))


@transaction.atomic
def save_pool(pool: Pool | None = None, *, by, member_users=None, member_departments=None, admins=None,
              **fields) -> Pool:
    """Create (``pool`` None) or change a pool; lists left as None stay as they are."""
    _require_setup(by)
    pool = pool or Pool(created_by=by)
    for key, value in fields.items():
        if key in POOL_FIELDS:
            setattr(pool, key, value)
    pool.name = (pool.name or "").strip()
    errors: dict[str, list[str]] = {}
    try:
        pool.full_clean(exclude=["created_by"], validate_unique=False, validate_constraints=False)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if pool.name and Pool.objects.filter(name__iexact=pool.name).exclude(pk=pool.pk).exists():
        errors.setdefault("name", []).append(_("There is already a public pool named “%(name)s”.") % {"name": pool.name})
    if admins is not None:
        inactive = [str(u) for u in admins if not u.is_active or u.deleted_at is not None]
        if inactive:
            errors.setdefault("admins", []).append(
                _("Admins must be enabled users: %(users)s.") % {"users": ", ".join(inactive)})
    if pool.pk and pool.warn_days_ahead:
        shortest = pool.rules.order_by("days").values_list("days", flat=True).first()
        if shortest is not None and pool.warn_days_ahead >= shortest:
            errors.setdefault("warn_days_ahead", []).append(_(
                "Warn fewer days ahead than the shortest reclaim rule of this pool (%(days)d days)."
            ) % {"days": shortest})
    if errors:
        raise ValidationError(errors)
    if pool.is_default:
        # One default pool: choosing a new one unsets the old one (the row lock settles two at once).
        Pool.objects.select_for_update().filter(is_default=True).exclude(pk=pool.pk).update(is_default=False)
    pool.save()
    if member_users is not None:
        pool.member_users.set(member_users)
    if member_departments is not None:
        pool.member_departments.set(member_departments)
    if admins is not None:
        pool.admins.set(admins)
    return pool


@transaction.atomic
def delete_pool(pool: Pool, *, by, move_to: Pool | None = None) -> int:
    """Delete a pool; the customers in it move to ``move_to`` (required when there are any)."""
    _require_setup(by)
    PoolEntry.objects.filter(pool=pool, customer__owner__isnull=False).delete()  # owned again by other means
    entries = PoolEntry.objects.filter(pool=pool)
    held = entries.count()
    if held:
        if move_to is None or move_to.pk == pool.pk:
            raise ValidationError({"move_to": ngettext(
                "“%(pool)s” still holds %(count)d customer; choose the pool it moves to.",
                "“%(pool)s” still holds %(count)d customers; choose the pool they move to.", held,
            ) % {"pool": pool.name, "count": held}})
        entries.update(pool=move_to)
    pool.delete()
    return held


def _clean_level(level) -> DictionaryItem | None:
    if level in (None, ""):
        return None
    if not isinstance(level, DictionaryItem):
        level = DictionaryItem.objects.filter(pk=level).select_related("type").first()
    if level is None or level.type.key not in LEVEL_TYPES:
        raise ValidationError({"level": _("Choose a customer category, grade or value class, or any customer.")})
    return level


@transaction.atomic
def save_rule(rule: ReclaimRule | None = None, *, pool: Pool | None = None, by, **fields) -> ReclaimRule:
    """Create (``rule`` None, ``pool`` given) or change a reclaim rule."""
    _require_setup(by)
    rule = rule or ReclaimRule(pool=pool)
    if "level" in fields:
        rule.level = _clean_level(fields["level"])
    for key in ("kind", "days", "is_active"):
        if key in fields:
            setattr(rule, key, fields[key])
    try:
        rule.full_clean(exclude=["pool", "level"], validate_unique=False, validate_constraints=False)
    except ValidationError as exc:
        raise ValidationError(exc.message_dict) from None
    if rule.days and rule.pool.warn_days_ahead >= rule.days:
        raise ValidationError({"days": _(
            "Owners are warned %(warn)d days ahead in this pool; a rule needs more days than that."
        ) % {"warn": rule.pool.warn_days_ahead}})
    clash = ReclaimRule.objects.filter(pool=rule.pool, level=rule.level, kind=rule.kind).exclude(pk=rule.pk)
    if clash.exists():
        raise ValidationError({"level": _(
            "This pool already has a “%(kind)s” rule for %(level)s; change that rule instead."
        ) % {"kind": rule.get_kind_display(), "level": rule.level or _("any customer")}})
    rule.save()
    return rule


def delete_rule(rule: ReclaimRule, *, by) -> None:
    _require_setup(by)
    rule.delete()


# --- release -------------------------------------------------------------------------------------


def _clean_reason(reason, *, required: bool = True) -> DictionaryItem | None:
    if reason in (None, ""):
        if required:
            raise ValidationError({"reason": _("Choose why the customers go to the pool.")})
        return None
    if not isinstance(reason, DictionaryItem):
        reason = DictionaryItem.objects.filter(type__key="release_reason").filter(
            Q(pk=reason) if str(reason).isdigit() else Q(key=reason)
        ).first()
    if reason is None or reason.type.key != "release_reason" or not reason.is_active:
        raise ValidationError({"reason": _("Choose one of the reasons for releasing to the pool.")})
    return reason


def _put_in_pool(rows: list[tuple[int, int | None]], pool: Pool, *, how: str, by, reason, note: str, now) -> int:
    """Customers ``rows`` ((id, owner id), already locked) lose their owner and enter ``pool``."""
    for start in range(0, len(rows), CHUNK):
        chunk = rows[start:start + CHUNK]
        ids = [pk for pk, _owner in chunk]
        Customer.all_objects.filter(pk__in=ids).update(owner=None, updated_at=now)
        PoolEntry.objects.filter(customer_id__in=ids).delete()  # a stale entry of an earlier stay
        PoolEntry.objects.bulk_create([
            PoolEntry(customer_id=pk, pool=pool, released_at=now, released_by=by, previous_owner_id=owner,
                      reason=reason, how=how, note=note[:200])
            for pk, owner in chunk
        ])
        ReclaimWarning.objects.filter(customer_id__in=ids).delete()
    return len(rows)


def _ids(customers) -> list[int]:
    ids = []
    for c in customers:
        pk = c.pk if isinstance(c, Customer) else c
        try:
            ids.append(int(pk))
        except (TypeError, ValueError):
            raise ValidationError({"customers": _("“%(value)s” is not a customer id.") % {"value": pk}}) from None
    return sorted(set(ids))


def _names(names: list[str], shown: int = 10) -> str:
    listed = [f"“{n}”" for n in names[:shown]]
    if len(names) > shown:
        listed.append(ngettext("%(count)d more", "%(count)d more", len(names) - shown) % {"count": len(names) - shown})
    return get_text_list(listed, _("and"))


def release(customers, pool: Pool, *, by, reason, note: str = "") -> int:
    """Put ``customers`` (objects or ids) into ``pool``; all of them or none. Returns how many."""
    require(by, "customers", "edit")
    require_use(pool, by)
    reason = _clean_reason(reason)
    ids = _ids(customers)
    if not ids:
        raise ValidationError({"customers": _("Choose at least one customer to release.")})
    now = timezone.now()
    with transaction.atomic(), pghistory.context(user=by.pk, pool=pool.pk, pool_action="release"):
        rows = list(Customer.objects.select_for_update(of=("self",)).filter(pk__in=ids).order_by("pk"))
        ownerless = [c.pk for c in rows if c.owner_id is None]
        pooled = set(PoolEntry.objects.filter(customer_id__in=ownerless).values_list("customer_id", flat=True))
        # Customers outside the user's data scope are reported like ids that do not exist.
        hidden = [c for c in rows if c.pk not in pooled and not customer_access.can_view(by, c)]
        missing = len(ids) - len(rows) + len(hidden)
        if missing:
            raise ValidationError({"customers": ngettext(
                "%(count)d of the chosen customers does not exist or is in the recycle bin.",
                "%(count)d of the chosen customers do not exist or are in the recycle bin.", missing,
            ) % {"count": missing}})
        in_pool = [c.name for c in rows if c.pk in pooled]
        if in_pool:
            raise ValidationError({"customers": _("Already in a public pool: %(names)s.") % {"names": _names(in_pool)}})
        refused = [c.name for c in rows if not customer_access.can_edit(by, c)]
        if refused:
            raise PermissionDenied(_("You may not release customers you cannot edit: %(names)s.")
                                   % {"names": _names(refused)})
        return _put_in_pool([(c.pk, c.owner_id) for c in rows], pool, how=PoolEntry.How.MANUAL, by=by,
                            reason=reason, note=note or "", now=now)


def release_all_of(user: User, pool: Pool, *, by, reason=None, disable: bool = False) -> int:
    """A departed user's customers (those in the recycle bin too) go to ``pool``; returns how many.

    ``disable`` also disables ``user``. The Boss only, like transferring a user's records.
    """
    require_boss(by, _("Only the Boss may release a departed user's customers to a pool."))
    reason = _clean_reason(reason, required=False) if reason else dictionaries.get_item("release_reason", "owner_left")
    now = timezone.now()
    with transaction.atomic(), pghistory.context(user=by.pk, pool=pool.pk, pool_action="departed"):
        list(User.all_objects.select_for_update().filter(pk=user.pk).values_list("pk"))
        rows = list(Customer.all_objects.select_for_update().filter(owner=user).order_by("pk")
                    .values_list("pk", "owner_id"))
        moved = _put_in_pool(rows, pool, how=PoolEntry.How.DEPARTED, by=by, reason=reason, note="", now=now)
        if disable and user.is_active:
            from saas_core.accounts import services as account_services

            account_services.set_active(user, False)
    return moved


# --- claim and assign ----------------------------------------------------------------------------


def start_of_day(now: datetime) -> datetime:
    """Midnight of ``now``'s day in the company's time zone (the daily limit's day)."""
    local = now.astimezone(company_zone())
    return local.replace(hour=0, minute=0, second=0, microsecond=0)


def claimed_today(pool: Pool, user, now: datetime | None = None) -> int:
    now = now or timezone.now()
    return ClaimLog.objects.filter(user=user, pool=pool, how=ClaimLog.How.CLAIM, at__gte=start_of_day(now)).count()


def held_by(user) -> int:
    return Customer.objects.filter(owner=user).count()


def _check_holding_cap(pool: Pool, user, *, yours: bool) -> None:
    if not pool.holding_cap:
        return
    held = held_by(user)
    if held >= pool.holding_cap:
        if yours:
            message = ngettext(
                "You already hold %(count)d customer, the most “%(pool)s” allows; release some before claiming more.",
                "You already hold %(count)d customers, the most “%(pool)s” allows; release some before claiming more.",
                held)
        else:
            message = ngettext(
                "%(user)s already holds %(count)d customer, the most “%(pool)s” allows.",
                "%(user)s already holds %(count)d customers, the most “%(pool)s” allows.", held)
        raise ValidationError(message % {"count": held, "pool": pool.name, "user": user}, code="holding_cap")


def _check_claim_rules(pool: Pool, user, entry: PoolEntry, customer: Customer, now) -> None:
    if entry.previous_owner_id == user.pk and pool.reclaim_wait_days:
        until = entry.released_at + timedelta(days=pool.reclaim_wait_days)
        if now < until:
            raise ValidationError(_(
                "You were the previous owner of “%(name)s”; you may claim it again from %(date)s "
                "(a waiting period of %(days)d days)."
            ) % {"name": customer.name, "date": date_format(timezone.localtime(until), "Y-m-d H:i"),
                 "days": pool.reclaim_wait_days}, code="waiting_period")
    if pool.daily_claim_limit:
        done = claimed_today(pool, user, now)
        if done >= pool.daily_claim_limit:
            raise ValidationError(ngettext(
                "You have claimed %(count)d customer from “%(pool)s” today, the daily limit; try again tomorrow.",
                "You have claimed %(count)d customers from “%(pool)s” today, the daily limit; try again tomorrow.",
                done,
            ) % {"count": done, "pool": pool.name}, code="daily_limit")
    _check_holding_cap(pool, user, yours=True)


def _take(customer, user, *, by, how: str, check, pool: Pool | None = None) -> Customer:
    """Lock ``user`` then the customer, check, and give the customer to ``user`` if still ownerless."""
    pk = customer.pk if isinstance(customer, Customer) else int(customer)
    now = timezone.now()
    with transaction.atomic(), pghistory.context(user=by.pk, pool_action=how):
        list(User.all_objects.select_for_update().filter(pk=user.pk).values_list("pk"))
        # No join here: after waiting for the lock PostgreSQL re-reads the customer row, not a joined owner.
        row = Customer.objects.select_for_update().filter(pk=pk).first()
        if row is None:
            raise ValidationError(_("This customer does not exist or is in the recycle bin."), code="missing")
        entry = PoolEntry.objects.select_related("pool").filter(customer_id=pk).first()
        if row.owner_id is not None:
            if row.owner_id == user.pk:
                raise AlreadyTaken(_("“%(name)s” is already owned by %(owner)s.") % {"name": row.name, "owner": row.owner})
            last = ClaimLog.objects.filter(customer_id=pk).order_by("-at", "-pk").values_list("user_id", flat=True).first()
            if entry is None and last != row.owner_id:
                raise ValidationError(_("“%(name)s” is not in a public pool.") % {"name": row.name}, code="not_in_pool")
            raise AlreadyTaken(_("“%(name)s” is no longer in the pool: %(owner)s has just claimed it.")
                               % {"name": row.name, "owner": row.owner})
        if entry is None:
            raise ValidationError(_("“%(name)s” is not in a public pool.") % {"name": row.name}, code="not_in_pool")
        if pool is not None and entry.pool_id != pool.pk:
            raise ValidationError(_("“%(name)s” is not in the pool “%(pool)s”.") % {"name": row.name, "pool": pool.name},
                                  code="not_in_pool")
        check(entry.pool, entry, row, now)
        updated = Customer.objects.filter(pk=pk, owner__isnull=True).update(owner=user, updated_at=now)
        if updated != 1:  # cannot happen under the row lock; never give one customer twice
            raise AlreadyTaken(_("“%(name)s” is no longer in the pool.") % {"name": row.name})
        entry.delete()
        ClaimLog.objects.create(user=user, customer_id=pk, pool=entry.pool, at=now, how=how, by=by)
        ReclaimWarning.objects.filter(customer_id=pk).delete()
    row.owner, row.updated_at = user, now
    return row


def claim(customer, *, by, pool: Pool | None = None) -> Customer:
    """``by`` takes ``customer`` (an object or id) from its pool (which must be ``pool`` when given),
    within the pool's claim rules."""
    require(by, "customers", "edit")

    def check(pool, entry, row, now):
        require_use(pool, by)
        _check_claim_rules(pool, by, entry, row, now)

    return _take(customer, by, by=by, how=ClaimLog.How.CLAIM, check=check, pool=pool)


def assign(customer, *, to: User, by, pool: Pool | None = None) -> Customer:
    """A pool admin (or the Boss) gives ``customer`` to ``to``, a member of the pool.

    The daily limit and the waiting period do not apply (the admin decides); the holding cap does.
    """
    if not to.is_active or to.deleted_at is not None:
        raise ValidationError({"user": _("Choose an enabled user.")})
    if not can(to, "customers", "edit"):
        raise ValidationError({"user": _("%(user)s's role may not edit customers, so cannot own one.") % {"user": to}})

    def check(pool, entry, row, now):
        require_admin(pool, by)
        if not may_use(pool, to):
            raise ValidationError({"user": _("%(user)s is not a member of “%(pool)s”.") % {"user": to, "pool": pool.name}})
        _check_holding_cap(pool, to, yours=False)

    return _take(customer, to, by=by, how=ClaimLog.How.ASSIGN, check=check, pool=pool)


def claimable_users(pool: Pool) -> QuerySet[User]:
    """Enabled users an admin may assign the pool's customers to (members and admins)."""
    users = User.objects.filter(is_active=True).order_by("name", "username")
    if Pool.objects.filter(pk=pool.pk).filter(_is_open()).exists():
        return users
    paths = list(pool.member_departments.values_list("path", flat=True))
    q = Q(pk__in=MemberUsers.objects.filter(pool_id=pool.pk).values("user_id"))
    q |= Q(pk__in=Admins.objects.filter(pool_id=pool.pk).values("user_id"))
    for path in paths:
        q |= Q(department__path__startswith=path)
    return users.filter(q)


# --- reclaim rules -------------------------------------------------------------------------------


def covering_pools() -> dict[int, int]:
    """user id → the pool whose reclaim rules cover that user's customers (see the module docstring)."""
    pools = list(Pool.objects.order_by("-is_default", "name", "pk"))
    if not pools:
        return {}
    users_of: dict[int, set[int]] = {}
    for pool_id, user_id in MemberUsers.objects.values_list("pool_id", "user_id"):
        users_of.setdefault(pool_id, set()).add(user_id)
    paths_of: dict[int, list[str]] = {}
    for pool_id, path in MemberDepartments.objects.values_list("pool_id", "department__path"):
        paths_of.setdefault(pool_id, []).append(path)
    listed = [p for p in pools if p.pk in users_of or p.pk in paths_of]
    fallback = next((p for p in pools if p.is_default), None) or next(
        (p for p in pools if p not in listed), None)
    out: dict[int, int] = {}
    for user_id, path in User.all_objects.values_list("pk", "department__path"):
        home = next((p for p in listed if user_id in users_of.get(p.pk, ())
                     or (path and any(path.startswith(d) for d in paths_of.get(p.pk, ())))), fallback)
        if home is not None:
            out[user_id] = home.pk
    return out


def _owned_since(customer_ref: str = "pk", owner_ref: str = "owner"):
    """When the current owner last got the customer from a pool (claim or assignment)."""
    return Subquery(
        ClaimLog.objects.filter(customer_id=OuterRef(customer_ref), user_id=OuterRef(owner_ref))
        .order_by("-at").values("at")[:1]
    )


def _basis(kind: str, prefix: str = "", customer_ref: str = "pk", owner_ref: str = "owner"):
    """The moment a rule of ``kind`` starts counting from (PostgreSQL's GREATEST skips NULLs)."""
    since = _owned_since(customer_ref, owner_ref)
    if kind == ReclaimRule.Kind.NO_DEAL:
        return Greatest(f"{prefix}created_at", since)
    return Greatest(f"{prefix}created_at", f"{prefix}last_contact_at", since)


def _level_q(rule: ReclaimRule) -> Q:
    return Q(**{LEVEL_TYPES[rule.level.type.key]: rule.level_id})


def _applies_to(rule: ReclaimRule, rules: list[ReclaimRule], owners: list[int]) -> QuerySet[Customer]:
    """Live customers of ``owners`` that ``rule`` (not a more specific or longer one) governs."""
    qs = Customer.objects.filter(owner_id__in=owners)
    if rule.level_id:
        qs = qs.filter(_level_q(rule))
    for other in rules:
        if other.pk == rule.pk or other.kind != rule.kind or not other.level_id:
            continue
        if rule.level_id is None or other.days > rule.days or (other.days == rule.days and other.pk < rule.pk):
            qs = qs.exclude(_level_q(other))
    if rule.kind == ReclaimRule.Kind.NO_DEAL:
        qs = qs.exclude(status=Customer.Status.SIGNED)
    return qs


def _stale(qs: QuerySet[Customer], rule: ReclaimRule, before: datetime) -> QuerySet[Customer]:
    """``qs`` narrowed to customers whose clock for ``rule`` started at or before ``before``."""
    qs = qs.filter(created_at__lte=before)  # cheap filters first; the exact one uses the basis
    if rule.kind == ReclaimRule.Kind.NO_FOLLOW_UP:
        qs = qs.filter(Q(last_contact_at__isnull=True) | Q(last_contact_at__lte=before))
    return qs.annotate(basis=_basis(rule.kind)).filter(basis__lte=before)


def _warn(rule: ReclaimRule, governed: QuerySet[Customer], pool: Pool, now: datetime) -> int:
    """Record a warning for each customer entering the warning window (once per clock)."""
    warn = timedelta(days=pool.warn_days_ahead)
    period = timedelta(days=rule.days)
    fresh = _stale(governed, rule, now - period + warn).filter(~Exists(ReclaimWarning.objects.filter(
        rule=rule, customer_id=OuterRef("pk"), owner_id=OuterRef("owner_id"), basis_at=OuterRef("basis"),
    )))
    created = 0
    batch: list[ReclaimWarning] = []
    for pk, owner_id, basis in fresh.values_list("pk", "owner_id", "basis").iterator(chunk_size=CHUNK):
        batch.append(ReclaimWarning(rule=rule, pool=pool, customer_id=pk, owner_id=owner_id, days=rule.days,
                                    basis_at=basis, warned_at=now, due_at=max(basis + period, now + warn)))
        if len(batch) >= CHUNK:
            created += len(ReclaimWarning.objects.bulk_create(batch, ignore_conflicts=True))
            batch = []
    if batch:
        created += len(ReclaimWarning.objects.bulk_create(batch, ignore_conflicts=True))
    return created


def _due(rule: ReclaimRule, governed: QuerySet[Customer], pool: Pool, now: datetime) -> QuerySet[Customer]:
    due = _stale(governed, rule, now - timedelta(days=rule.days))
    if pool.warn_days_ahead:
        due = due.filter(Exists(ReclaimWarning.objects.filter(
            rule=rule, customer_id=OuterRef("pk"), owner_id=OuterRef("owner_id"), basis_at=OuterRef("basis"),
            due_at__lte=now,
        )))
    return due


def _reclaim(rule: ReclaimRule, due: QuerySet[Customer], pool: Pool, now: datetime) -> int:
    reason = dictionaries.get_item("release_reason", "no_follow_up")
    note = _("%(kind)s for %(days)d days") % {"kind": rule.get_kind_display(), "days": rule.days}
    ids = list(due.values_list("pk", flat=True))
    moved = 0
    for start in range(0, len(ids), RECLAIM_BATCH):
        with transaction.atomic(), pghistory.context(pool=pool.pk, pool_action="reclaim", rule=rule.pk):
            # Re-checked under the row locks: a follow-up or claim that just committed keeps the customer.
            rows = list(due.filter(pk__in=ids[start:start + RECLAIM_BATCH]).select_for_update(of=("self",))
                        .order_by("pk").values_list("pk", "owner_id"))
            moved += _put_in_pool(rows, pool, how=PoolEntry.How.RULE, by=None, reason=reason, note=note, now=now)
    return moved


def reclaim_due(now: datetime | None = None) -> dict[str, int]:
    """Apply every pool's reclaim rules in this tenant: warn owners, return overdue customers.

    Idempotent: a second run at the same moment warns and moves nothing. Returns counts.
    """
    now = now or timezone.now()
    home = covering_pools()
    rules = list(ReclaimRule.objects.filter(is_active=True, kind__in=ReclaimRule.EVALUATED)
                 .select_related("pool", "level__type").order_by("pool_id", "pk"))
    result = {"warned": 0, "reclaimed": 0, "dropped_warnings": 0}
    by_pool: dict[int, list[ReclaimRule]] = {}
    for rule in rules:
        by_pool.setdefault(rule.pool_id, []).append(rule)
    for pool_id, pool_rules in by_pool.items():
        pool = pool_rules[0].pool
        owners = sorted(u for u, p in home.items() if p == pool_id)
        for rule in pool_rules:
            governed = _applies_to(rule, pool_rules, owners)
            if pool.warn_days_ahead:
                result["warned"] += _warn(rule, governed, pool, now)
            result["reclaimed"] += _reclaim(rule, _due(rule, governed, pool, now), pool, now)
            # Warnings of this rule for customers it no longer governs (level changed, owner moved).
            dropped, _detail = ReclaimWarning.objects.filter(rule=rule).exclude(
                customer_id__in=governed.values("pk")).delete()
            result["dropped_warnings"] += dropped
    stale, _detail = ReclaimWarning.objects.exclude(pk__in=current_warnings().values("pk")).delete()
    result["dropped_warnings"] += stale
    return result


def current_warnings(owner=None, pool: Pool | None = None) -> QuerySet[ReclaimWarning]:
    """Warnings still in force: the rule is on, the owner still owns the customer and has not
    followed it up (its clock has not restarted) since. Soonest first."""
    qs = ReclaimWarning.objects.filter(rule__is_active=True, customer__owner_id=F("owner_id"),
                                       customer__deleted_at__isnull=True)
    if owner is not None:
        qs = qs.filter(owner=owner)
    if pool is not None:
        qs = qs.filter(pool=pool)
    basis = Case(
        When(rule__kind=ReclaimRule.Kind.NO_DEAL,
             then=_basis(ReclaimRule.Kind.NO_DEAL, "customer__", "customer_id", "owner_id")),
        default=_basis(ReclaimRule.Kind.NO_FOLLOW_UP, "customer__", "customer_id", "owner_id"),
    )
    qs = qs.annotate(current_basis=basis).filter(current_basis=F("basis_at"))
    qs = qs.exclude(rule__kind=ReclaimRule.Kind.NO_DEAL, customer__status=Customer.Status.SIGNED)
    return qs.select_related("customer", "pool", "rule", "owner").order_by("due_at", "pk")
