"""The call center's business operations: settings, extensions, number lookup and the call
state machine every adapter (AMI, webhooks, click-to-dial) feeds.

``ingest`` stores events as they arrive (duplicates stop at the unique constraint) and queues
``process_call`` after commit; ``process_call`` applies a call's unprocessed events in the order
they happened, under a row lock on the call, and pushes cards to agents' tabs
(``saas_core.realtime.services.notify_user``). Events may arrive late, twice, or out of order:
"ended" before "ringing" leaves the call missed, never ringing.
"""

from __future__ import annotations

import logging
from dataclasses import asdict, dataclass, field
from datetime import datetime
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from plugins.call_center.models import (
    GENERIC_FIELDS,
    Call,
    CallRing,
    Direction,
    EventKind,
    Extension,
    Kind,
    RawEvent,
    Result,
    RingState,
    Telephony,
)
from saas_core.accounts.models import User
from saas_core.customers.models import Contact, Customer, PhoneNumber
from saas_core.customers.phones import normalise_phone
from saas_core.egress import ForbiddenDestination, check_endpoint
from saas_core.org.scope import visible
from saas_core.realtime.services import notify_user

log = logging.getLogger(__name__)

EVENT_ORDER = {EventKind.RINGING: 0, EventKind.ANSWERED: 1, EventKind.ENDED: 2}
# A ringing card older than this is not sent again to a reconnecting tab (the call is long over
# even if its "ended" never came).
PENDING_MINUTES = 10


# --- settings and extensions ------------------------------------------------------------------


def telephony() -> Telephony:
    config, _created = Telephony.objects.get_or_create(pk=1)
    return config


def has_secret(value: str) -> bool:
    return bool(value)


@transaction.atomic
def save_telephony(*, by: User, **fields) -> Telephony:
    """The Boss's telephony settings. A blank secret keeps the stored one."""
    from plugins.call_center.access import may_configure

    if not may_configure(by):
        raise ValidationError(_("Only the Boss may change the telephony settings."))
    config = Telephony.objects.select_for_update().get(pk=telephony().pk)
    for secret in ("ami_secret", "webhook_secret"):
        if not fields.get(secret):
            fields.pop(secret, None)
    mapping = fields.get("generic_mapping")
    if mapping is not None:
        unknown = sorted(set(mapping) - set(GENERIC_FIELDS))
        if unknown:
            raise ValidationError({"generic_mapping": [
                _("Unknown field(s) in the mapping: %(fields)s.") % {"fields": ", ".join(unknown)}]})
    for name, value in fields.items():
        setattr(config, name, value)
    errors: dict[str, list[str]] = {}
    if config.kind == Kind.AMI:
        for name, label in (("ami_host", _("AMI host")), ("ami_username", _("AMI user")),
                            ("ami_secret", _("AMI secret"))):
            if not getattr(config, name):
                errors.setdefault(name, []).append(_("%(field)s is needed for an Asterisk PBX.") % {"field": label})
    callback = urlsplit(config.callback_url or "")
    for name, url in (("ami_host", f"{config.ami_host}:{config.ami_port}" if config.kind == Kind.AMI else ""),
                      ("callback_url", f"{callback.scheme}://{callback.netloc}" if config.callback_url else "")):
        if url and name not in errors:
            try:
                check_endpoint(url, allowed_hosts())
            except ForbiddenDestination as exc:
                errors[name] = [str(exc)]
    if config.kind in (Kind.TINET, Kind.GENERIC) and not config.webhook_secret:
        errors["webhook_secret"] = [_("A signing secret is needed: unsigned events are refused.")]
    if errors:
        raise ValidationError(errors)
    config.full_clean()
    config.save()
    return config


def allowed_hosts() -> list[str]:
    """The operator's exceptions to "public addresses only" (``CALL_CENTER_ALLOWED_HOSTS``)."""
    return list(getattr(settings, "CALL_CENTER_ALLOWED_HOSTS", []))


def save_extension(*, by: User, code: str, user: User) -> Extension:
    from plugins.call_center.access import may_configure

    if not may_configure(by):
        raise ValidationError(_("Only the Boss may map extensions."))
    code = (code or "").strip()
    if not code or not code.replace("-", "").replace("_", "").isalnum():
        raise ValidationError({"code": [_("An extension or agent id is letters and digits only.")]})
    if Extension.objects.filter(code=code).exclude(user=user).exists():
        raise ValidationError({"code": [_("Extension %(code)s is already mapped to someone else.") % {"code": code}]})
    try:
        with transaction.atomic():
            extension, _created = Extension.objects.update_or_create(user=user, defaults={"code": code})
    except IntegrityError:
        raise ValidationError({"code": [_("Extension %(code)s is already mapped to someone else.")
                                        % {"code": code}]}) from None
    return extension


def remove_extension(extension: Extension, *, by: User) -> None:
    from plugins.call_center.access import may_configure

    if not may_configure(by):
        raise ValidationError(_("Only the Boss may map extensions."))
    extension.delete()


def users_for_agents(codes) -> list[User]:
    """The active users at these extensions / agent ids, in the order given."""
    codes = [str(c) for c in codes or () if c]
    by_code = {e.code: e.user for e in Extension.objects.filter(code__in=codes, user__is_active=True)
               .select_related("user")}
    return [by_code[c] for c in dict.fromkeys(codes) if c in by_code]


def extension_of(user: User) -> str:
    return Extension.objects.filter(user=user).values_list("code", flat=True).first() or ""


# --- number lookup ----------------------------------------------------------------------------


def match_number(raw: str) -> tuple[Customer | None, Contact | None]:
    """The customer (and contact) a number belongs to, by the normalised number index of the
    customers app (``PhoneNumber.digits``); a contact's number wins over a customer's switchboard."""
    digits = normalise_phone(raw or "")
    if len(digits) < 5:
        return None, None
    row = (PhoneNumber.objects.filter(digits=digits, customer__deleted_at__isnull=True)
           .select_related("customer", "contact").order_by("contact_id", "customer_id").first())
    if row is None:
        return None, None
    contact = row.contact if row.contact is not None and row.contact.deleted_at is None else None
    return row.customer, contact


# --- events -------------------------------------------------------------------------------------


@dataclass
class TelephonyEvent:
    """One event in our terms, whatever the adapter: what ``ingest`` stores and replays."""

    vendor: str
    call_id: str
    event: str
    at: datetime
    sequence: int = 0
    caller: str = ""
    callee: str = ""
    agents: list[str] = field(default_factory=list)
    direction: str = Direction.INBOUND
    queue: str = ""
    result: str = ""
    recording_url: str = ""

    def as_payload(self) -> dict:
        data = asdict(self)
        data["at"] = self.at.isoformat()
        return data

    @classmethod
    def from_payload(cls, data: dict) -> TelephonyEvent:
        data = dict(data)
        data["at"] = datetime.fromisoformat(data["at"])
        return cls(**{k: v for k, v in data.items() if k in cls.__dataclass_fields__})


def validate_event(event: TelephonyEvent) -> None:
    errors: dict[str, list[str]] = {}
    if not event.call_id or len(event.call_id) > 100:
        errors["call_id"] = [_("A call id of 1 to 100 characters is required.")]
    if event.event not in EVENT_ORDER:
        errors["event"] = [_("Unknown event %(event)s: ringing, answered or ended.") % {"event": event.event}]
    if event.direction not in Direction.values:
        errors["direction"] = [_("Direction is in or out.")]
    if event.result and event.result not in Result.values:
        errors["result"] = [_("Result is answered, missed, busy or failed.")]
    for name in ("caller", "callee", "queue"):
        if len(getattr(event, name) or "") > 50:
            errors[name] = [_("At most 50 characters.")]
    if errors:
        raise ValidationError(errors)


def ingest(events: list[TelephonyEvent], *, inline: bool = False) -> int:
    """Store events (a repeat of (vendor, call id, event, sequence) is dropped) and process their
    calls after commit: by a Celery task, or ``inline`` right after (the AMI adapter, which is a
    worker of its own). Returns how many were new."""
    from plugins import enablement
    from plugins.call_center.tasks import process_call_task

    if not enablement.is_enabled("call_center"):
        # Switched off between the PBX's event and now: nothing is stored, nobody gets a card.
        log.info("call-center events dropped: the module is off in %s", getattr(enablement.current_tenant(),
                                                                               "schema_name", "?"))
        return 0
    for event in events:
        validate_event(event)
    new = 0
    with transaction.atomic():
        for e in events:
            try:
                with transaction.atomic():
                    RawEvent.objects.create(vendor=e.vendor, call_id=e.call_id, event=e.event,
                                             sequence=e.sequence, payload=e.as_payload())
            except IntegrityError:
                continue  # the same event again: it is stored already
            new += 1
        for vendor, call_id in dict.fromkeys((e.vendor, e.call_id) for e in events):
            if inline:
                transaction.on_commit(lambda v=vendor, c=call_id: process_call(v, c))
            else:
                transaction.on_commit(lambda v=vendor, c=call_id: process_call_task.delay(v, c))
    return new


def adopt_originated(events: list[TelephonyEvent]) -> list[TelephonyEvent]:
    """A PBX's events for a call placed by click-to-dial (its Linkedid is our call id) belong to
    that logged call: they are re-labelled as ours and outgoing."""
    ids = {e.call_id for e in events if e.vendor != "crm"}
    ours = set(Call.objects.filter(vendor="crm", call_id__in=ids).values_list("call_id", flat=True)) if ids else set()
    for event in events:
        if event.call_id in ours:
            event.vendor, event.direction = "crm", Direction.OUTBOUND
            if event.event == EventKind.RINGING:
                event.agents = []  # the agent's own phone rings first: not an incoming card
    return events


def process_call(vendor: str, call_id: str) -> Call | None:
    """Apply the call's unprocessed events in the order they happened (idempotent)."""
    with transaction.atomic():
        # Locked in one order (pk): two workers taking the same call's rows in scan order deadlocked.
        pending = list(RawEvent.objects.select_for_update(skip_locked=False)
                       .filter(vendor=vendor, call_id=call_id, processed_at__isnull=True).order_by("pk"))
        if not pending:
            return Call.objects.filter(vendor=vendor, call_id=call_id).first()
        events = sorted((TelephonyEvent.from_payload(row.payload) for row in pending),
                        key=lambda e: (e.at, EVENT_ORDER[e.event], e.sequence))
        call = None
        for event in events:
            call = apply_event(event)
        RawEvent.objects.filter(pk__in=[row.pk for row in pending]).update(processed_at=timezone.now())
        return call


def _call_for(event: TelephonyEvent) -> Call:
    number = event.caller if event.direction == Direction.INBOUND else event.callee
    try:
        with transaction.atomic():
            call, created = Call.all_objects.select_for_update().get_or_create(
                vendor=event.vendor, call_id=event.call_id,
                defaults={"direction": event.direction, "caller": event.caller, "callee": event.callee,
                          "number": number, "digits": normalise_phone(number), "queue": event.queue,
                          "started_at": event.at},
            )
    except IntegrityError:  # another worker made it meanwhile
        call = Call.all_objects.select_for_update().get(vendor=event.vendor, call_id=event.call_id)
        created = False
    if created:
        call.customer, call.contact = match_number(number)
        call.save(update_fields=["customer", "contact"])
    else:
        changed = []
        if event.at < call.started_at:
            call.started_at = event.at
            changed.append("started_at")
        for name in ("caller", "callee", "queue"):
            if not getattr(call, name) and getattr(event, name):
                setattr(call, name, getattr(event, name))
                changed.append(name)
        if not call.number and number:
            # The call was made by an event without the number ("ended" before "ringing"): the
            # outside party and their customer are known only now.
            call.number, call.digits = number, normalise_phone(number)
            call.customer, call.contact = match_number(number)
            changed += ["number", "digits", "customer", "contact"]
        if changed:
            call.save(update_fields=changed)
    return call


def _card_event(kind: str, call: Call, **extra) -> dict:
    return {"type": kind, "call": call.pk, "card": reverse("call_center:card", args=[call.pk]), **extra}


def apply_event(event: TelephonyEvent) -> Call:
    """One event on the call log and the agents' cards (inside ``process_call``'s transaction)."""
    call = _call_for(event)
    if event.recording_url and not call.recording_url:
        call.recording_url = event.recording_url[:500]
        call.save(update_fields=["recording_url"])
    if event.event == EventKind.RINGING:
        _ringing(call, event)
    elif event.event == EventKind.ANSWERED:
        _answered(call, event)
    else:
        _ended(call, event)
    return call


def _ringing(call: Call, event: TelephonyEvent) -> None:
    agents = users_for_agents(event.agents)
    if call.agent_id is None and agents:
        call.agent = agents[0]
        call.save(update_fields=["agent"])
    for user in agents:
        if call.ended_at is not None and call.answered_at is None:
            state = RingState.MISSED
        elif call.answered_at is not None:  # answered (and maybe ended) before this "ringing" came
            state = RingState.ANSWERED if user.pk == call.agent_id else RingState.TAKEN
        else:
            state = RingState.RINGING
        ring, created = CallRing.objects.get_or_create(call=call, user=user,
                                                       defaults={"state": state, "rang_at": event.at})
        if created and state == RingState.RINGING:
            notify_user(user.pk, _card_event("call.ringing", call))
        elif created and state == RingState.MISSED and call.direction == Direction.INBOUND:
            # "ended" came first and told nobody (no card had rung yet): the agent hears of it now.
            _tell_missed(call, [user])


def _answered(call: Call, event: TelephonyEvent) -> None:
    agents = users_for_agents(event.agents)
    agent = agents[0] if agents else call.agent
    if call.answered_at is None or event.at < call.answered_at:
        call.answered_at = event.at
    if agent is not None:
        call.agent = agent
    if call.ended_at is not None:  # "answered" arrived after "ended"
        call.result = Result.ANSWERED
        call.duration = max(0, int((call.ended_at - call.answered_at).total_seconds()))
    call.save(update_fields=["answered_at", "agent", "result", "duration"])
    if call.direction == Direction.OUTBOUND:
        return  # one's own click-to-dial call: no cards
    if agent is not None:
        CallRing.objects.update_or_create(call=call, user=agent, defaults={"state": RingState.ANSWERED},
                                          create_defaults={"state": RingState.ANSWERED, "rang_at": event.at})
    others = list(CallRing.objects.filter(call=call).exclude(user=agent)
                  .exclude(state__in=[RingState.TAKEN]).select_related("user"))
    CallRing.objects.filter(pk__in=[r.pk for r in others]).update(state=RingState.TAKEN)
    taken_by = agent.name if agent is not None else ""
    for ring in others:
        notify_user(ring.user_id, _card_event("call.taken", call, by=taken_by))
    if agent is not None:
        notify_user(agent.pk, _card_event("call.answered", call))


def _ended(call: Call, event: TelephonyEvent) -> None:
    if call.ended_at is not None and call.ended_at <= event.at:
        return  # already ended (a repeat with a new sequence)
    call.ended_at = event.at
    if call.answered_at is not None:
        call.result = Result.ANSWERED
        call.duration = max(0, int((call.ended_at - call.answered_at).total_seconds()))
    else:
        call.result = event.result if event.result in (Result.BUSY, Result.FAILED) else Result.MISSED
    call.save(update_fields=["ended_at", "result", "duration"])
    rings = list(CallRing.objects.filter(call=call).select_related("user"))
    for ring in rings:
        if ring.state == RingState.RINGING:
            ring.state = RingState.MISSED if call.answered_at is None else RingState.TAKEN
            ring.save(update_fields=["state"])
        notify_user(ring.user_id, _card_event("call.ended", call, result=call.result))
    if call.result == Result.MISSED and call.direction == Direction.INBOUND:
        _tell_missed(call, [r.user for r in rings])
    if call.recording_url and not call.recording:
        from plugins.call_center.tasks import copy_recording_task

        transaction.on_commit(lambda: copy_recording_task.delay(call.pk))


def _tell_missed(call: Call, users: list[User]) -> None:
    from saas_core.activities.services import notify

    who = call.customer.name if call.customer_id else call.number
    for user in users:
        notify(user, gettext_noop("Missed call from %(who)s"), {"who": who},
               url=reverse("call_center:log") + "?result=missed")


# --- reading ------------------------------------------------------------------------------------


def calls_for(user: User) -> QuerySet[Call]:
    """The call log ``user`` may read: their data scope over the calls' agents."""
    return visible(Call.objects.select_related("agent", "customer", "contact"), user)


def may_see_call(user: User, call: Call) -> bool:
    return calls_for(user).filter(pk=call.pk).exists() or CallRing.objects.filter(call=call, user=user).exists()


def log_filter(queryset: QuerySet[Call], *, q: str = "", direction: str = "", result: str = "",
               agent: User | None = None, start=None, end=None) -> QuerySet[Call]:
    if q:
        digits = normalise_phone(q)
        cond = Q(customer__name__icontains=q) | Q(contact__name__icontains=q)
        if digits:
            cond |= Q(digits__contains=digits)
        queryset = queryset.filter(cond)
    if direction:
        queryset = queryset.filter(direction=direction)
    if result:
        queryset = queryset.filter(result=result)
    if agent is not None:
        queryset = queryset.filter(agent=agent)
    if start:
        queryset = queryset.filter(started_at__date__gte=start)
    if end:
        queryset = queryset.filter(started_at__date__lte=end)
    return queryset


def ringing_for(user: User) -> list[dict]:
    """Cards still ringing for ``user`` (sent again to a tab that (re)connects)."""
    since = timezone.now() - timezone.timedelta(minutes=PENDING_MINUTES)
    rings = (CallRing.objects.filter(user=user, state=RingState.RINGING, rang_at__gte=since,
                                     call__ended_at__isnull=True).select_related("call"))
    return [_card_event("call.ringing", ring.call) for ring in rings]


def missed_for(user: User, limit: int = 5) -> list[Call]:
    """The user's latest missed incoming calls (the workbench's list)."""
    return list(Call.objects.filter(rings__user=user, result=Result.MISSED, direction=Direction.INBOUND)
                .select_related("customer").order_by("-started_at")[:limit])


def card_context(user: User, call: Call) -> dict:
    """What the pop-up card shows: the caller, owner, last 3 follow-ups (when ``user`` may see
    the customer), who took the call, and the actions."""
    from saas_core.activities.models import FollowUp
    from saas_core.customers import access as customer_access

    customer = call.customer if call.customer_id and call.customer.deleted_at is None else None
    may_open = customer is not None and customer_access.can_view(user, customer)
    ring = CallRing.objects.filter(call=call, user=user).first()
    return {
        "call": call, "customer": customer, "contact": call.contact, "may_open": may_open,
        "followups": list(FollowUp.objects.filter(customer=customer).select_related("owner")
                          .order_by("-happened_at")[:3]) if may_open else [],
        "ring": ring, "taken_by": call.agent if ring is not None and ring.state == RingState.TAKEN else None,
    }


def sweep_stale() -> int:
    """Process events left unprocessed for a minute (a lost task), and end calls still "live"
    after ``PENDING_MINUTES`` without an "ended" (a PBX restart): no card rings for ever."""
    now = timezone.now()
    done = 0
    late = (RawEvent.objects.filter(processed_at__isnull=True, received_at__lt=now - timezone.timedelta(minutes=1))
            .values_list("vendor", "call_id").distinct()[:500])
    for vendor, call_id in list(late):
        process_call(vendor, call_id)
        done += 1
    stale = Call.objects.filter(ended_at__isnull=True, started_at__lt=now - timezone.timedelta(minutes=PENDING_MINUTES))
    for vendor, call_id, at in list(stale.values_list("vendor", "call_id", "started_at")[:500]):
        with transaction.atomic():
            apply_event(TelephonyEvent(vendor=vendor, call_id=call_id, event=EventKind.ENDED,
                                       at=at + timezone.timedelta(minutes=PENDING_MINUTES), result=Result.FAILED))
        done += 1
    return done


# --- click-to-dial ------------------------------------------------------------------------------


def dial(*, by: User, number: str, contact_id: int | None = None) -> Call:
    """Click-to-dial: log the outgoing call at once and ask the PBX (or the cloud vendor) to ring
    ``by``'s extension first, then ``number``; the request goes out after commit."""
    import uuid

    from plugins.call_center.access import may_dial
    from plugins.call_center.tasks import originate_task
    from saas_core.customers import access as customer_access

    if not may_dial(by):
        raise ValidationError(_("You may not make calls."))
    digits = normalise_phone(number or "")
    if len(digits) < 3 or len(number) > 50:
        raise ValidationError({"number": [_("Enter a phone number to call.")]})
    config = telephony()
    if config.kind == Kind.NONE:
        raise ValidationError(_("No telephony is connected: the Boss sets it up in the telephony settings."))
    extension = extension_of(by)
    if not extension:
        raise ValidationError(_("You have no extension: ask the Boss to map one to you."))
    contact = None
    if contact_id is not None:
        contact = Contact.objects.select_related("customer").filter(pk=contact_id).first()
        if contact is None or not customer_access.can_view(by, contact.customer):
            raise ValidationError({"contact": [_("This contact does not exist or is not yours to see.")]})
    customer, matched = (contact.customer, contact) if contact is not None else match_number(number)
    with transaction.atomic():
        call = Call.objects.create(
            vendor="crm", call_id=uuid.uuid4().hex, direction=Direction.OUTBOUND, caller=extension, callee=number,
            number=number, digits=digits, agent=by, customer=customer, contact=matched, started_at=timezone.now(),
            created_by=by,
        )
        transaction.on_commit(lambda: originate_task.delay(call.pk))
    return call


def followup_url(call: Call) -> str:
    """A new follow-up prefilled with the call (subject, contact), back to the call log after."""
    from urllib.parse import urlencode

    when = timezone.localtime(call.started_at).strftime("%Y-%m-%d %H:%M")
    query = {"subject": _("Call with %(number)s") % {"number": call.number},
             "content": _("Call at %(time)s.") % {"time": when}, "next": reverse("call_center:log")}
    if call.customer_id:
        query["customer"] = call.customer_id
    if call.contact_id:
        query["contact"] = call.contact_id
    if not call.customer_id:
        return reverse("call_center:log")
    return reverse("activities:followup_create") + "?" + urlencode(query)
