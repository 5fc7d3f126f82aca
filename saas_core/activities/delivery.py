"""Delivering due reminders exactly once: in-app, by e-mail, and by SMS where that module is on.

One run (``run``) for the current tenant, started by the beat tick's fan-out (activities.tasks):

1. in-app: due reminders are claimed with ``SELECT … FOR UPDATE SKIP LOCKED``; in the same
   transaction each gets its notification (unique per reminder), its e-mail delivery row
   (unique per reminder and channel) and ``notified_at``. Two runs at once (two beats by
   mistake) claim disjoint rows; a run that dies before its commit leaves the rows unclaimed.
2. e-mail: open deliveries are leased (``state=sending, lease_until``, ``attempts`` + 1) by one
   UPDATE over a SKIP LOCKED sub-select. A lease is the pair (id, attempts): every lease
   raises ``attempts`` under the row lock, so no two leases of a row have the same number.
   Each message is then sent inside ``_sending``: one transaction that first marks its rows
   sent *only where the lease is still ours* (a conditional UPDATE … WHERE attempts = mine),
   calls the provider with those rows only, and commits. A worker slowed past its lease
   (a loaded machine, a slow SMTP server) therefore sends nothing a second worker has leased
   again, and while it sends, its row locks keep any new lease (SKIP LOCKED) off them; an error
   rolls the mark back and the rows are retried with back-off (``_failed``, also conditional).
   A worker that dies mid-run loses its locks with its connection and leaves its leased rows;
   once the lease ends a later run takes them again. A message is delivered when the SMTP
   server answered 250; only a death between that answer and the commit (microseconds) can
   repeat one. Reminders of one person due in the same run go out as one message, over one
   SMTP connection per leased batch.
   SMS (where the SMS module is on and set to text reminders) goes through the same
   ``_sending`` (``send_sms``): the provider call is the module's hook ``crm_send_reminder_sms``,
   which writes the text into the module's send log inside that transaction; the module's own
   delivery sends a logged text once.
3. the tenant's wake-up mark (public ``wakeups``) is set to its next due time, so the tick
   visits only tenants with work.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import connection, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from saas_core.activities.models import Delivery, Reminder, Task
from saas_core.links import workspace_base_url
from saas_core.tenancy import company_zone
from saas_core.wakeups import services as wakeups

log = logging.getLogger(__name__)

CLAIM_BATCH = 1000
SEND_BATCH = 500
MAX_ATTEMPTS = 5


def lease_seconds() -> int:
    return int(getattr(settings, "REMINDER_LEASE_SECONDS", 120))


def sms_enabled() -> bool:
    """Whether this company's reminders also go out by SMS: the SMS module (``plugins/sms``) is
    on and its "send reminders by SMS" setting too (hook ``crm_reminder_sms_on``)."""
    from plugins.enablement import hooks_for

    return bool(hooks_for().crm_reminder_sms_on())


def _table(model) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def notify_due(now: datetime | None = None, *, sms: bool | None = None) -> int:
    """Step 1: in-app notifications and the e-mail (and SMS) delivery rows of the reminders due;
    returns how many."""
    now = now or timezone.now()
    total = 0
    reminders, notifications, deliveries = _table(Reminder), "activities_notification", _table(Delivery)
    users = connection.ops.quote_name("accounts_user")
    sms = sms_enabled() if sms is None else sms
    channels = [("email", "email"), ("sms", "mobile")] if sms else [("email", "email")]
    # One statement per batch: claim (SKIP LOCKED), write the notifications and the delivery rows,
    # mark the reminders. Reminders of tasks in the recycle bin are marked but get nothing (a
    # restore schedules the future ones again).
    deliveries_sql = "".join(
        f""", {channel}_rows AS (
            INSERT INTO {deliveries} (reminder_id, channel, address, state, attempts, error)
            SELECT m.id, '{channel}', u.{column}, 'pending', 0, '' FROM live m JOIN {users} u ON u.id = m.user_id
            WHERE u.{column} <> '' AND u.is_active
            ON CONFLICT (reminder_id, channel) DO NOTHING)"""
        for channel, column in channels
    )
    sql = f"""WITH claimed AS (
            SELECT id FROM {reminders} WHERE notified_at IS NULL AND remind_at <= %(now)s
            ORDER BY remind_at LIMIT %(limit)s FOR UPDATE SKIP LOCKED),
        marked AS (
            UPDATE {reminders} r SET notified_at = %(now)s FROM claimed WHERE r.id = claimed.id
            RETURNING r.id, r.user_id, r.task_id, r.title, r.body, r.url),
        live AS (
            SELECT m.* FROM marked m
            WHERE m.task_id IS NULL OR NOT EXISTS (
                SELECT 1 FROM {_table(Task)} t WHERE t.id = m.task_id AND t.deleted_at IS NOT NULL)),
        notes AS (
            INSERT INTO {notifications} (user_id, reminder_id, title, body, url, created_at)
            SELECT user_id, id, title, body, url, %(now)s FROM live
            ON CONFLICT (reminder_id) DO NOTHING){deliveries_sql}
        SELECT (SELECT count(*) FROM marked), (SELECT count(*) FROM live)"""
    while True:
        with connection.cursor() as cursor:
            cursor.execute(sql, {"now": now, "limit": CLAIM_BATCH})
            claimed, delivered = cursor.fetchone()
        total += delivered
        if claimed < CLAIM_BATCH:
            return total


def _lease(channel: str, now: datetime, limit: int) -> list[tuple]:
    """Lease open deliveries of ``channel`` (pending, or sending whose lease ended) in one statement."""
    deliveries, reminders, users = _table(Delivery), _table(Reminder), connection.ops.quote_name("accounts_user")
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            f"""UPDATE {deliveries} d SET state = 'sending', attempts = d.attempts + 1, lease_until = %s
                FROM (SELECT id FROM {deliveries}
                      WHERE channel = %s AND state IN ('pending', 'sending') AND (lease_until IS NULL OR lease_until <= %s)
                      ORDER BY id LIMIT %s FOR UPDATE SKIP LOCKED) claimed, {reminders} r, {users} u
                WHERE d.id = claimed.id AND r.id = d.reminder_id AND u.id = r.user_id
                RETURNING d.id, d.address, d.attempts, r.title, r.body, r.url, r.remind_at, r.user_id, u.language""",
            [now + timedelta(seconds=lease_seconds()), channel, now, limit],
        )
        return cursor.fetchall()


def _speaking(rows: list[tuple]):
    """The person's own language (their reminder titles are in it already), else the company's."""
    return translation.override(rows[0][8] or translation.get_language())


def _summary(rows: list[tuple]) -> str:
    """One reminder's title, or "3 reminders: the first, …" for several of one person."""
    if len(rows) == 1:
        return rows[0][3]
    return _("%(count)d reminders: %(first)s, …") % {"count": len(rows), "first": rows[0][3]}


def _message(address: str, rows: list[tuple], site: str) -> EmailMessage:
    subject = _summary(rows)
    parts = []
    for _id, _address, _attempts, title, body, url, remind_at, _user, _language in rows:
        when = timezone.localtime(remind_at).strftime("%Y-%m-%d %H:%M")
        parts.append("\n".join(p for p in (f"{when}  {title}", body, f"{site}{url}" if url else "") if p))
    message = EmailMessage(subject=subject[:200], body="\n\n".join(parts), to=[address])
    # One Message-ID per delivery set: should a message ever go out twice, mail clients see one.
    message.extra_headers["Message-ID"] = f"<reminder-{connection.schema_name}-{rows[0][0]}@{settings.BASE_DOMAIN}>"
    return message


def _mark(rows: list[tuple], state: str, error: str = "", retry_at: datetime | None = None) -> set[int]:
    """Move leased ``rows`` to ``state`` where their lease is still ours (the row is "sending"
    under the attempt number our lease gave it); returns the ids moved. A row leased again by
    another run after our lease ran out is left alone."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"""UPDATE {_table(Delivery)} d SET state = %s, sent_at = %s, error = %s, lease_until = %s
                FROM unnest(%s::bigint[], %s::integer[]) AS mine(id, attempts)
                WHERE d.id = mine.id AND d.attempts = mine.attempts AND d.state = 'sending'
                RETURNING d.id""",
            [state, timezone.now() if state == "sent" else None, error[:300], retry_at,
             [r[0] for r in rows], [r[2] for r in rows]],
        )
        return {row[0] for row in cursor.fetchall()}


@contextmanager
def _sending(group: list[tuple], *, wait_for_disk: bool = True) -> Iterator[list[tuple]]:
    """The one way a reminder goes out, by any channel: yields the rows of ``group`` still
    leased by us, already marked sent in a transaction that commits when the block (the
    provider call) ends. Nothing in the block may go out for rows not yielded; an exception
    rolls the mark back (and with it whatever the block wrote).

    ``wait_for_disk=False`` commits without waiting for the WAL flush, for this transaction only
    (SET LOCAL: a session-level SET would stay on the server connection, which behind a
    transaction-pooling PgBouncer other clients get next)."""
    with transaction.atomic():
        if not wait_for_disk:
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL synchronous_commit TO off")
        ours = _mark(group, "sent")
        yield [row for row in group if row[0] in ours]


def _failed(group: list[tuple], address: str, exc: Exception) -> None:
    """Retry later with back-off, or give up after ``MAX_ATTEMPTS`` (rows still ours only)."""
    attempts = max(r[2] for r in group)
    log.warning("reminder to %s failed (attempt %s): %s", address, attempts, exc)
    if attempts >= MAX_ATTEMPTS:
        _mark(group, "failed", str(exc))
    else:
        _mark(group, "pending", str(exc), timezone.now() + timedelta(seconds=30 * attempts))


def _drain(channel: str, now: datetime | None, send: Callable[[list[tuple]], int]) -> int:
    """Lease the open deliveries of ``channel`` batch by batch and hand each batch to ``send``."""
    sent = 0
    while True:
        rows = _lease(channel, now or timezone.now(), SEND_BATCH)
        if rows:
            sent += send(rows)
        if len(rows) < SEND_BATCH:
            return sent


def send_emails(now: datetime | None = None) -> int:
    """Step 2: send the open e-mail deliveries; returns how many reminders went out."""
    return _drain("email", now, email_leased)


def email_leased(rows: list[tuple]) -> int:
    """E-mail leased ``rows``, one message per address over one SMTP connection; returns how many
    reminders went out (rows whose lease another run has taken since are not among them)."""
    sent, site = 0, workspace_base_url()
    by_address: dict[str, list[tuple]] = defaultdict(list)
    for row in rows:
        by_address[row[1]].append(row)
    smtp = get_connection(fail_silently=False)
    try:
        groups = list(by_address.items())
        for n, (address, group) in enumerate(groups):
            try:
                # The "sent" marks need not wait for the disk: what they protect against is this
                # worker dying, and the server has them as soon as they are written.
                with _sending(group, wait_for_disk=False) as mine:
                    if mine:
                        smtp.open()  # once; again after a failure closed it
                        with _speaking(mine):
                            smtp.send_messages([_message(address, mine, site)])
            except Exception as exc:  # refused, or no server: retry later, then give up
                unreachable = smtp.connection is None
                smtp.close()
                for other_address, other in groups[n:] if unreachable else [(address, group)]:
                    _failed(other, other_address, exc)
                if unreachable:
                    break
                continue
            sent += len(mine)
    finally:
        smtp.close()
    return sent


def send_sms(now: datetime | None = None) -> int:
    """Step 2b: text the open SMS deliveries through the SMS module; returns how many reminders."""
    return _drain("sms", now, text_leased)


def text_leased(rows: list[tuple]) -> int:
    """Text leased ``rows`` through the SMS module; returns how many reminders.

    Each text is written (by the module, into its send log and quota) inside ``_sending``, the
    transaction that marks its deliveries sent if they are still ours: a worker that dies before
    the commit leaves both undone, a worker that lost its lease writes nothing, and the module's
    own delivery sends a logged message once. Reminders of one person in the same run share one
    text. A refusal (quota used up, number opted out, SMS off) fails the delivery with the
    module's message and is not tried again; any other error is retried with back-off.
    """
    from django.core.exceptions import ValidationError

    from plugins.enablement import hooks_for

    hooks, sent = hooks_for(), 0
    groups: dict[tuple[int, str], list[tuple]] = defaultdict(list)
    for row in rows:
        groups[(row[7], row[1])].append(row)
    for (user_id, address), group in groups.items():
        try:
            with _sending(group) as mine:
                if mine:
                    with _speaking(mine):
                        queued = hooks.crm_send_reminder_sms(user_id=user_id, number=address,
                                                             title=_summary(mine), remind_at=mine[0][6])
                    if not queued:  # the module was switched off since these rows were written
                        raise ValidationError(_("The SMS module is off."))
        except ValidationError as exc:
            _mark(group, "failed", "; ".join(exc.messages))
            continue
        except Exception as exc:
            _failed(group, address, exc)
            continue
        sent += len(mine)
    return sent


def _next_due_sql() -> str:
    return f"""SELECT LEAST(
        (SELECT min(remind_at) FROM {_table(Reminder)} WHERE notified_at IS NULL),
        (SELECT min(COALESCE(lease_until, now())) FROM {_table(Delivery)} WHERE state IN ('pending', 'sending')))"""


def next_due() -> datetime | None:
    """When this tenant next has delivery work: a reminder, or an open delivery's lease/retry."""
    with connection.cursor() as cursor:
        cursor.execute(_next_due_sql())
        return cursor.fetchone()[0]


def run(now: datetime | None = None) -> dict:
    """One delivery run for the current tenant (see the module's docstring)."""
    schema = connection.schema_name
    seen = wakeups.version_of(schema)
    # Times in the texts and e-mails read in the company's time zone.
    with translation.override(_tenant_language()), timezone.override(company_zone()):
        notified = notify_due(now, sms=sms_enabled())
        emailed = send_emails(now)
        texted = send_sms(now)
    wakeups.settle(schema, seen, next_due_sql=_next_due_sql())
    return {"notified": notified, "emailed": emailed, "texted": texted}


def _tenant_language() -> str:
    return settings.LANGUAGE_CODE

