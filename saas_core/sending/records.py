"""The idempotent send record: claimed and committed before the provider call, finished after.

Every channel logs one row per message on a model built on ``models.SendRecord`` and delivers it
with ``deliver``. The protocol, in the order it runs:

1. **Throttle**: a token from the transport's buckets (``throttle``); none yet → come back later,
   the row untouched.
2. **Claim**: one conditional UPDATE (queued/retrying → sending, attempts + 1) that commits
   before the provider is called, so two runs of the same task (a redelivery after a timeout, a
   retry racing the first attempt, the same task sent twice) cannot both send it. A run that
   finds the row already "sending" knows an earlier attempt was interrupted after its claim (a
   worker crash, the request possibly at the provider): it marks it "interrupted (not resent)"
   rather than risk a second message.
3. **Suppression**: a recipient suppressed after the message was queued is skipped.
4. **Transmit** and **finish**: only the run that holds the claim records the end. "Sent" only
   on the provider's acceptance; errors that prove the provider did not take the message (it
   said so, or the connection was refused) are retried with back-off; a request that got no
   answer (read timeout, connection cut) is "unknown" and never retried, for the same reason.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import models, transaction
from django.db.models import F, Q
from django.utils import timezone

from saas_core import egress
from saas_core.sending import throttle
from saas_core.sending.models import SendStatus

logger = logging.getLogger(__name__)

INTERRUPTED = ("An earlier attempt was interrupted after it started; not resent so the recipient cannot get the "
               "message twice.")


@dataclass(frozen=True)
class Result:
    """A provider's answer to one send."""

    ok: bool
    message_id: str = ""
    error_code: str = ""
    error_message: str = ""
    retryable: bool = False  # it did not take the message, and later may work
    ambiguous: bool = False  # no answer: it may have taken it


def failed(code: str, message: str, *, retryable: bool = False, ambiguous: bool = False) -> Result:
    return Result(False, error_code=str(code), error_message=str(message), retryable=retryable, ambiguous=ambiguous)


def network_error(exc: BaseException) -> Result:
    """No answer: refused (the request never arrived, retry) or timed out/cut (it may have).
    A connection our egress guard stopped never left, and trying again cannot help."""
    if (refused := egress.refused_in(exc)) is not None:
        return failed("ENDPOINT_REFUSED", str(refused))
    seen, chain = set(), []
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        chain.append(exc)
        exc = exc.__cause__ or exc.__context__
    described = "; ".join(f"{type(e).__name__}: {e}" for e in chain[:3])[:1000]
    names = " ".join(type(e).__name__ for e in chain) + " " + described
    if "ConnectionRefused" in names or "NewConnectionError" in names or "ConnectTimeout" in names \
            or "Connection refused" in names:
        return failed("CONNECTION_REFUSED", described, retryable=True)
    return failed("NO_ANSWER", described, ambiguous=True)


@dataclass(frozen=True)
class Outcome:
    status: str
    retry_in: float | None = None  # retry the attempt after this long (counts against the retries)
    throttled: bool = False  # not attempted: come back after ``retry_in`` (counts nothing)


THROTTLED = "throttled"


@dataclass
class Channel:
    """How one channel delivers its records (the parts of ``deliver`` that differ per channel)."""

    model: type[models.Model]
    transmit: Callable[[models.Model], Result]
    recipient: Callable[[models.Model], str]  # the normalised address, for suppression and throttles
    suppressed: Callable[[models.Model], bool] = lambda record: False
    transport: Callable[[], str] = lambda: ""
    limits: Callable[[], throttle.Limits] = lambda: throttle.NONE
    # Called in the finishing transaction when the message did not go (give back a quota...).
    on_not_sent: Callable[[models.Model], None] = lambda record: None
    skipped_message: str = "Suppressed before it was sent."
    not_sent_fields: dict = field(default_factory=dict)  # e.g. the cost back to 0
    max_retries: int = 5
    retry_base: Callable[[], int] = lambda: 30
    select_related: tuple[str, ...] = field(default_factory=tuple)
    provider_field: str = ""  # a field that records which provider sent it
    provider_name: Callable[[], str] = lambda: ""
    claim_fields: Callable[[], dict] = dict  # more fields the claim sets (a lease's time)
    # Called in the transaction that records the end (sent, failed, skipped, unknown): counters
    # move with the record, so a crash cannot leave one counted and not the other.
    on_finished: Callable[[models.Model, str], None] = lambda record, status: None


def claim(model: type[models.Model], pk: int, **fields) -> bool:
    """Take the record for this attempt (committed at once under autocommit); False if another run has it."""
    claimable = Q(status=SendStatus.QUEUED) | Q(status=SendStatus.RETRYING)
    return bool(model.objects.filter(claimable, pk=pk).update(status=SendStatus.SENDING,
                                                               attempts=F("attempts") + 1, **fields))


def finish(model: type[models.Model], pk: int, status: str, **fields) -> bool:
    """Record the attempt's end; only the run that holds the claim can."""
    return bool(model.objects.filter(pk=pk, status=SendStatus.SENDING).update(status=status, **fields))


def mark_interrupted(model: type[models.Model], pk: int) -> bool:
    return finish(model, pk, SendStatus.UNKNOWN, error_code="INTERRUPTED", error_message=INTERRUPTED)


def deliver(channel: Channel, pk: int) -> Outcome:
    """One attempt at one record, by the protocol above."""
    model = channel.model
    record = model.objects.select_related(*channel.select_related).filter(pk=pk).first()
    if record is None:
        return Outcome("missing")
    if record.status in (SendStatus.QUEUED, SendStatus.RETRYING) and (limits := channel.limits()):
        wait = throttle.take(channel.transport(), limits, channel.recipient(record))
        if wait > 0:
            return Outcome(THROTTLED, retry_in=wait, throttled=True)
    if not claim(model, pk, **channel.claim_fields()):
        status = model.objects.filter(pk=pk).values_list("status", flat=True).first()
        if status == SendStatus.SENDING:  # claimed by an attempt that never finished
            mark_interrupted(model, pk)
            return Outcome(SendStatus.UNKNOWN)
        return Outcome(status)  # sent, failed, skipped, unknown: nothing to do
    record.refresh_from_db(fields=["status", "attempts"])
    if channel.suppressed(record):  # suppressed after it was queued
        with transaction.atomic():
            if finish(model, pk, SendStatus.SKIPPED, error_message=channel.skipped_message,
                      **channel.not_sent_fields):
                channel.on_not_sent(record)
                channel.on_finished(record, SendStatus.SKIPPED)
        return Outcome(SendStatus.SKIPPED)
    provider = {channel.provider_field: channel.provider_name()} if channel.provider_field else {}
    result = channel.transmit(record)
    if result.ok:
        with transaction.atomic():
            if finish(model, pk, SendStatus.SENT, provider_message_id=result.message_id[:100],
                      sent_at=timezone.now(), error_code="", error_message="", **provider):
                channel.on_finished(record, SendStatus.SENT)
        return Outcome(SendStatus.SENT)
    logger.warning("%s %s: %s answered %s %s", model.__name__, pk, channel.transport(), result.error_code,
                   result.error_message)
    error = {"error_code": result.error_code[:100], "error_message": result.error_message[:2000], **provider}
    if result.ambiguous:
        with transaction.atomic():
            if finish(model, pk, SendStatus.UNKNOWN, **error):
                channel.on_finished(record, SendStatus.UNKNOWN)
        return Outcome(SendStatus.UNKNOWN)
    if result.retryable and record.attempts <= channel.max_retries:
        finish(model, pk, SendStatus.RETRYING, **error)
        return Outcome(SendStatus.RETRYING, retry_in=channel.retry_base() * 2 ** (record.attempts - 1))
    with transaction.atomic():
        if finish(model, pk, SendStatus.FAILED, **channel.not_sent_fields, **error):
            channel.on_not_sent(record)
            channel.on_finished(record, SendStatus.FAILED)
    return Outcome(SendStatus.FAILED)
