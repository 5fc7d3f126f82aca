"""Opportunities (OPP-01): the operations pages, the kanban, the API, imports and the demo all call.

``change_stage`` is the only code that moves an opportunity to another stage: it checks the
stage belongs to the opportunity's type and that a lost stage has its reason, and writes the
StageChange row in the same transaction, under a lock on the opportunity, so the history is the
truth "days in stage" is computed from.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max, OuterRef, QuerySet, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from saas_core.accounts.models import User
from saas_core.customers import access as customer_access
from saas_core.customers.models import Contact, Customer
from saas_core.dictionaries.models import DictionaryItem
from saas_core.money import check_places, places
from saas_core.opportunities.models import Opportunity, OpportunityType, Stage, StageChange
from saas_core.org.access import require
from saas_core.org.scope import visible, visible_user_ids
from saas_core.records import batch
from saas_core.records.batch import BatchWords

MODULE = "opportunities"
# What create/update accept besides the stage (which goes through change_stage) and the contacts.
FIELDS = (
    "subject", "customer", "type", "found_on", "source", "owner", "requirements", "expected_sign_on",
    "expected_amount", "probability", "stage_note", "competitors", "solutions",
)


def opportunities_for(user: User) -> QuerySet[Opportunity]:
    """The opportunities ``user``'s data scope shows."""
    return visible(Opportunity.objects.all(), user)


def stages_of(kind: OpportunityType) -> list[Stage]:
    return list(kind.stages.order_by("position", "id"))


def first_stage(kind: OpportunityType) -> Stage:
    stage = kind.stages.filter(outcome=Stage.Outcome.OPEN).order_by("position", "id").first()
    if stage is None:
        stage = kind.stages.order_by("position", "id").first()
    if stage is None:
        raise ValidationError({"type": [_("This opportunity type has no stages yet: the Boss adds them first.")]})
    return stage


def _check_amount(opportunity: Opportunity, errors: dict) -> None:
    amount = opportunity.expected_amount
    if amount is None:
        return
    if amount < 0:
        errors.setdefault("expected_amount", []).append(_("The expected amount must not be negative."))
        return
    try:
        check_places(amount, places().price)
    except ValidationError as exc:
        errors.setdefault("expected_amount", []).extend(exc.messages)


def _check(opportunity: Opportunity, by: User, contacts: Iterable[Contact] | None) -> None:
    errors: dict[str, list] = {}
    customer = opportunity.customer if opportunity.customer_id else None
    if customer is None:
        errors["customer"] = [_("Choose the customer of this opportunity.")]
    elif not customer_access.can_view(by, customer):
        errors["customer"] = [_("You may not see this customer.")]
    if customer is not None and contacts is not None:
        strangers = [c for c in contacts if c.customer_id != customer.pk]
        if strangers:
            errors["contacts"] = [_("These contacts belong to another customer: %(names)s.")
                                  % {"names": ", ".join(c.name for c in strangers)}]
    if not opportunity.type_id:
        errors["type"] = [_("Choose the opportunity type.")]
    elif opportunity.stage_id and opportunity.stage.type_id != opportunity.type_id:
        errors["stage"] = [_("“%(stage)s” is a stage of another opportunity type; choose one of “%(type)s”.")
                           % {"stage": opportunity.stage, "type": opportunity.type}]
    if opportunity.owner_id and by.pk != opportunity.owner_id:
        ids = visible_user_ids(by)
        if ids is not None and opportunity.owner_id not in ids:
            errors["owner"] = [_("You may only give opportunities to people within your data scope.")]
    _check_amount(opportunity, errors)
    try:
        opportunity.full_clean(exclude=["customer", "type", "stage", "owner", "contacts", "expected_amount"])
    except ValidationError as exc:
        for field, messages in exc.message_dict.items():
            errors.setdefault(field, []).extend(messages)
    if errors:
        raise ValidationError(errors)


def _assign(opportunity: Opportunity, fields: dict) -> None:
    unknown = set(fields) - set(FIELDS)
    if unknown:
        raise TypeError(f"unknown opportunity fields: {sorted(unknown)}")
    for name, value in fields.items():
        setattr(opportunity, name, value)


def _record(opportunity: Opportunity, *, by: User | None, from_stage: Stage | None, note: str = "",
            lost_reason: DictionaryItem | None = None, at=None) -> StageChange:
    return StageChange.objects.create(
        opportunity=opportunity, from_stage=from_stage, to_stage=opportunity.stage, by=by, at=at or timezone.now(),
        note=note, lost_reason=lost_reason,
    )


def _check_lost_reason(stage: Stage, lost_reason: DictionaryItem | None) -> None:
    if stage.outcome == Stage.Outcome.LOST and lost_reason is None:
        raise ValidationError({"lost_reason": [_("Choose why the opportunity was lost.")]})
    if lost_reason is not None and getattr(lost_reason.type, "key", None) != "lost_reason":
        raise ValidationError({"lost_reason": [_("Choose a lost reason from the list.")]})


@transaction.atomic
def create_opportunity(
    *, by: User, stage: Stage | None = None, contacts: Iterable[Contact] = (), lost_reason: DictionaryItem | None = None,
    check_permission: bool = True, at=None, **fields,
) -> Opportunity:
    """A new opportunity in ``stage`` (the type's first open stage by default); its first history row says so.

    ``probability`` defaults to the stage's; ``owner`` to ``by``; ``found_on`` to today.
    """
    if check_permission:
        require(by, MODULE, "create")
    opportunity = Opportunity(created_by=by)
    fields.setdefault("owner", by)
    fields.setdefault("found_on", timezone.localdate())
    _assign(opportunity, fields)
    contacts = list(contacts)
    if opportunity.type_id and stage is None:
        stage = first_stage(opportunity.type)
    if stage is not None:
        opportunity.stage = stage
    if stage is not None and "probability" not in fields:
        opportunity.probability = stage.probability
    _check(opportunity, by, contacts)
    _check_lost_reason(opportunity.stage, lost_reason)
    opportunity.lost_reason = lost_reason if opportunity.stage.outcome == Stage.Outcome.LOST else None
    opportunity.save()
    if contacts:
        opportunity.contacts.set(contacts)
    _record(opportunity, by=by, from_stage=None, note=opportunity.stage_note, lost_reason=opportunity.lost_reason, at=at)
    return opportunity


def _locked(opportunity: Opportunity) -> Opportunity:
    locked = Opportunity.objects.select_for_update().select_related("stage", "type").filter(pk=opportunity.pk).first()
    if locked is None:
        raise ValidationError(_("This opportunity no longer exists (it may have been deleted)."))
    return locked


@transaction.atomic
def update_opportunity(
    opportunity: Opportunity, *, by: User, stage: Stage | None = None, contacts: Iterable[Contact] | None = None,
    lost_reason: DictionaryItem | None = None, **fields,
) -> Opportunity:
    """Change an opportunity's fields; a different ``stage`` goes through ``change_stage``."""
    require(by, MODULE, "edit")
    locked = _locked(opportunity)
    _assign(locked, fields)
    contacts = list(contacts) if contacts is not None else None
    if locked.type_id != locked.stage.type_id and stage is None:
        # A new type: its first stage, recorded like any other move.
        stage = first_stage(locked.type)
    moving = stage is not None and stage.pk != locked.stage_id
    if not moving:
        _check(locked, by, contacts)
        if locked.stage.outcome == Stage.Outcome.LOST and lost_reason is not None:
            locked.lost_reason = lost_reason
    else:
        # Checked as it will be once moved (the stage must belong to the new type), then moved by change_stage.
        current = locked.stage
        locked.stage = stage
        try:
            _check(locked, by, contacts)
        finally:
            locked.stage = current
    locked.save()
    if contacts is not None:
        locked.contacts.set(contacts)
    if moving:
        change_stage(locked, by=by, stage=stage, note=fields.get("stage_note", ""), lost_reason=lost_reason,
                     probability=fields.get("probability"), check_permission=False)
        locked.refresh_from_db()
    opportunity.__dict__.update(locked.__dict__)
    return locked


@transaction.atomic
def change_stage(
    opportunity: Opportunity, *, by: User, stage: Stage, note: str = "", lost_reason: DictionaryItem | None = None,
    probability: int | None = None, check_permission: bool = True, at=None,
) -> Opportunity:
    """Move ``opportunity`` to ``stage`` and record who, when, from → to and the note.

    The stage must belong to the opportunity's type; a lost stage needs ``lost_reason``. The
    probability becomes the stage's default unless one is given. Moving to the stage it is
    already in changes nothing and records nothing.
    """
    if check_permission:
        require(by, MODULE, "edit")
    locked = _locked(opportunity)
    if stage is None:
        raise ValidationError({"stage": [_("Choose the stage.")]})
    if stage.type_id != locked.type_id:
        raise ValidationError({"stage": [_("“%(stage)s” is a stage of another opportunity type; choose one of “%(type)s”.")
                                         % {"stage": stage, "type": locked.type}]})
    if stage.pk == locked.stage_id:
        return locked
    _check_lost_reason(stage, lost_reason)
    if probability is not None and not 0 <= int(probability) <= 100:
        raise ValidationError({"probability": [_("The probability is a percentage from 0 to 100.")]})
    previous = locked.stage
    locked.stage = stage
    locked.probability = stage.probability if probability is None else int(probability)
    locked.stage_note = (note or "")[:500]
    locked.lost_reason = lost_reason if stage.outcome == Stage.Outcome.LOST else None
    locked.save(update_fields=["stage", "probability", "stage_note", "lost_reason", "updated_at"])
    _record(locked, by=by, from_stage=previous, note=locked.stage_note, lost_reason=locked.lost_reason, at=at)
    opportunity.__dict__.update({k: v for k, v in locked.__dict__.items() if k != "_state"})
    return locked


def stage_since(queryset: QuerySet[Opportunity]) -> QuerySet[Opportunity]:
    """``queryset`` annotated with ``stage_since``: when it entered its current stage (from the history)."""
    latest = StageChange.objects.filter(opportunity=OuterRef("pk")).order_by("-at", "-id").values("at")[:1]
    return queryset.annotate(stage_since=Subquery(latest))


def days_in_stage(opportunity: Opportunity, *, today: date | None = None) -> int:
    """Whole days since the opportunity entered its current stage (computed from the history, not stored)."""
    since = getattr(opportunity, "stage_since", None)
    if since is None:
        since = opportunity.stage_changes.aggregate(at=Max("at"))["at"]
    if since is None:
        return 0
    today = today or timezone.localdate()
    return max((today - timezone.localtime(since).date()).days, 0)


def batch_words() -> BatchWords:
    """What the batch actions and the transfer say about opportunities, in the current language."""
    return BatchWords(
        none_ticked=_("Tick at least one opportunity first."),
        no_action=_("Choose what to do with the ticked opportunities."),
        none_chosen=_("Choose at least one opportunity."),
        outside_scope=_("You may only transfer opportunities within your data scope."),
        transferred=lambda n: ngettext("%(count)d opportunity transferred.", "%(count)d opportunities transferred.",
                                       n) % {"count": n},
        binned=lambda n: ngettext("%(count)d opportunity moved to the recycle bin.",
                                  "%(count)d opportunities moved to the recycle bin.", n) % {"count": n},
    )


def transfer(opportunities: Iterable[Opportunity], to_user: User, *, by: User) -> int:
    """Give opportunities (all within ``by``'s scope) to ``to_user``; all or nothing."""
    return batch.transfer(opportunities, to_user, by=by, module=MODULE, words=batch_words())


def customer_opportunities(user: User, customer: Customer) -> QuerySet[Opportunity]:
    return opportunities_for(user).filter(customer=customer).select_related("stage", "type", "owner")


# --- types and stages (the Boss) --------------------------------------------------------------


def _require_boss(by: User) -> None:
    if not getattr(by, "is_boss", False):
        raise PermissionDenied(_("Only the Boss may change opportunity types and stages."))


def _names(zh: str, en: str) -> dict:
    zh, en = (zh or "").strip(), (en or "").strip()
    if not (zh or en):
        raise ValidationError({"name_zh": [_("Give the name in Chinese or English.")]})
    return {"name_zh": zh[:60], "name_en": en[:60]}


@transaction.atomic
def save_type(kind: OpportunityType | None, *, by: User, name_zh: str = "", name_en: str = "",
              is_active: bool = True) -> OpportunityType:
    _require_boss(by)
    names = _names(name_zh, name_en)
    if kind is None:
        last = OpportunityType.objects.aggregate(m=Max("position"))["m"] or 0
        kind = OpportunityType(position=last + 1)
    for key, value in names.items():
        setattr(kind, key, value)
    kind.is_active = is_active
    kind.save()
    return kind


@transaction.atomic
def save_stage(stage: Stage | None, *, by: User, type: OpportunityType | None = None, name_zh: str = "",
               name_en: str = "", probability=0, outcome: str = Stage.Outcome.OPEN) -> Stage:
    """Add a stage at the end of its type's list, or rename it / change its probability or outcome."""
    _require_boss(by)
    names = _names(name_zh, name_en)
    try:
        probability = int(probability)
    except (TypeError, ValueError):
        probability = -1
    if not 0 <= probability <= 100:
        raise ValidationError({"probability": [_("The probability is a percentage from 0 to 100.")]})
    if outcome not in Stage.Outcome.values:
        raise ValidationError({"outcome": [_("Choose in progress, won or lost.")]})
    if stage is None:
        if type is None:
            raise ValidationError({"type": [_("Choose the opportunity type.")]})
        OpportunityType.objects.select_for_update().filter(pk=type.pk).first()
        last = type.stages.aggregate(m=Max("position"))["m"] or 0
        stage = Stage(type=type, position=last + 1)
    stage.name_zh, stage.name_en = names["name_zh"], names["name_en"]
    stage.probability, stage.outcome = probability, outcome
    stage.save()
    return stage


@transaction.atomic
def reorder_stages(kind: OpportunityType, stage_ids: list[int], *, by: User) -> list[Stage]:
    """Put the type's stages in the order of ``stage_ids`` (every stage of the type, once)."""
    _require_boss(by)
    OpportunityType.objects.select_for_update().filter(pk=kind.pk).first()
    stages = {s.pk: s for s in kind.stages.all()}
    if sorted(stage_ids) != sorted(stages):
        raise ValidationError({"stages": [_("List every stage of this type once.")]})
    for position, pk in enumerate(stage_ids, start=1):
        Stage.objects.filter(pk=pk).update(position=position)
    return stages_of(kind)


@transaction.atomic
def delete_stage(stage: Stage, *, by: User) -> None:
    _require_boss(by)
    if Opportunity.all_objects.filter(stage=stage).exists() or StageChange.objects.filter(to_stage=stage).exists() \
            or StageChange.objects.filter(from_stage=stage).exists():
        raise ValidationError(_("“%(stage)s” is used by opportunities; rename it instead.") % {"stage": stage})
    stage.delete()
