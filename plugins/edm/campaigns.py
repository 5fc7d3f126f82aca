"""Templates, audiences and campaigns (EDM-01): the operations the pages, the API and the tasks call.

No recipient is ever sent a campaign twice:

- **Snapshot**: when a campaign starts, its recipients are written in one ``INSERT … SELECT``
  from the audience's filter (the sender's data scope), suppressed addresses left out, one row
  per address (a unique constraint, ``ON CONFLICT DO NOTHING``). Later changes to contacts or
  the filter change nothing.
- **Batches**: a worker takes a batch of queued rows with ``FOR UPDATE SKIP LOCKED`` and marks
  them with the time (a lease); other workers take other rows. A run that dies leaves its batch
  leased; after the lease another run takes the rows it never started.
- **One message**: each message is claimed and committed ("sending") before the SMTP call and
  marked sent only on the server's 250 (``saas_core.sending.records.deliver``). A row found
  "sending" after its lease belonged to a run that died in the middle of the SMTP exchange: it is
  marked "interrupted (not resent)", never sent again.
"""

from __future__ import annotations

import logging
import queue
import threading
import time
from dataclasses import dataclass
from datetime import timedelta
from html import escape

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import F, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from plugins.edm import abtest, bounces, content, limits, mailer, services, tracking
from plugins.edm.models import Audience, AudienceMember, Campaign, CampaignEvent, CampaignRecipient, EmailTemplate
from saas_core import links
from saas_core.org.access import require
from saas_core.sending import audiences, records, suppression, throttle, unsubscribe
from saas_core.sending.models import Channel, SendStatus

logger = logging.getLogger(__name__)

MODULE = "edm"
BATCH = 50
MAX_RETRIES = 3


def lease_seconds() -> int:
    return int(getattr(settings, "EDM_CLAIM_LEASE_SECONDS", 120))


# --- templates ---------------------------------------------------------------------------------


@transaction.atomic
def save_template(template: EmailTemplate | None, *, by, name: str, subject: str, html: str) -> EmailTemplate:
    require(by, MODULE, "create" if template is None else "edit")
    template = template or EmailTemplate(created_by=by)
    template.name, template.subject, template.html = (name or "").strip(), (subject or "").strip(), html or ""
    content.check_variables(template.subject, "subject")
    content.check_variables(template.html)
    content.inline_css(template.html)  # refuses CSS it cannot read, now rather than at send time
    template.full_clean(exclude=["created_by"], validate_unique=False)
    if EmailTemplate.objects.filter(name=template.name, is_active=True).exclude(pk=template.pk).exists():
        raise ValidationError({"name": [_("A template named “%(name)s” exists already.") % {"name": template.name}]})
    template.save()
    return template


def values_for(contact, customer, company: str) -> dict[str, str]:
    owner = getattr(customer, "owner", None) if customer is not None else None
    return {"customer": customer.name if customer is not None else "",
            "contact": contact.name if contact is not None else "",
            "owner": str(owner) if owner is not None else "", "company": company}


@dataclass(frozen=True)
class Rendered:
    subject: str
    html: str
    text: str


def render(subject: str, inlined_html: str, values: dict[str, str], text_template: str | None = None) -> Rendered:
    """The message for these values. ``text_template``: the plain-text part of the unfilled HTML,
    made once per campaign (filling it gives the text of the filled HTML, without parsing 30 KB per message)."""
    html = content.fill(inlined_html, values, html=True)
    text = content.fill(text_template, values, html=False) if text_template is not None else content.plain_text(html)
    return Rendered(content.fill(subject, values, html=False), html, text)


def preview(template: EmailTemplate, *, by) -> Rendered:
    """The template filled with a sample (the sender as contact), as the recipient sees it."""
    values = {"customer": _("Sample customer"), "contact": str(by), "owner": str(by), "company": services.company_name()}
    return render(template.subject, content.inline_css(template.html), values)


# --- audiences ---------------------------------------------------------------------------------


MAX_LIST = 100_000
FILTERED = (Audience.Kind.CUSTOMERS, Audience.Kind.CONTACTS)
MEMBERS_SQL = """
INSERT INTO edm_audiencemember (audience_id, email, name, contact_id, customer_id)
SELECT %s, lower(btrim(r.email)), left(r.name, 100), r.id, r.customer_id FROM ({inner}) r(id, customer_id, email, name)
WHERE btrim(r.email) <> '' ON CONFLICT (audience_id, email) DO NOTHING
"""


def _audience_name(name: str) -> str:
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": [_("Give the audience a name.")]})
    return name[:100]


@transaction.atomic
def save_audience(*, by, name: str, kind: str, filters=None) -> Audience:
    """A saved filter (customers or contacts), or a static group: the contacts the filter finds
    for ``by`` now, kept as they are (later contacts do not join it)."""
    require(by, MODULE, "create")
    name = _audience_name(name)
    if kind not in (*FILTERED, Audience.Kind.GROUP):
        raise ValidationError({"kind": [_("Choose customers or contacts.")]})
    base = audiences.CONTACTS if kind == Audience.Kind.GROUP else kind
    clean = audiences.filters_json(audiences.clean_filters(base, filters))
    audience, _created = Audience.objects.update_or_create(created_by=by, name=name,
                                                           defaults={"kind": kind, "filters": clean})
    if kind == Audience.Kind.GROUP:
        audience.members.all().delete()
        reached, _matched = audiences.contacts(by, base, audiences.clean_filters(base, clean), "email")
        inner, params = reached.values("id", "customer_id", "email", "name").query.sql_with_params()
        with connection.cursor() as cursor:
            cursor.execute(MEMBERS_SQL.format(inner=inner), [audience.pk, *params])
    return audience


@transaction.atomic
def import_list(*, by, name: str, text: str) -> Audience:
    """An imported list: one address a line, optionally followed by a comma and a name. Every bad
    line is named and nothing is saved until all are right; repeats count once."""
    from django.core.validators import validate_email

    require(by, MODULE, "create")
    name = _audience_name(name)
    members: dict[str, str] = {}
    errors: list[str] = []
    lines = (text or "").splitlines()
    if len(lines) > MAX_LIST:
        raise ValidationError({"addresses": [_("At most %(n)s addresses in one list.") % {"n": MAX_LIST}]})
    for number, line in enumerate(lines, 1):
        address, _comma, person = line.replace("，", ",").partition(",")
        address = address.strip().lower()
        if not address:
            continue
        try:
            validate_email(address)
        except ValidationError:
            errors.append(_("Line %(n)s: “%(value)s” is not an e-mail address.") % {"n": number, "value": address[:80]})
            continue
        members.setdefault(address, person.strip()[:100])
    if errors:
        raise ValidationError({"addresses": errors[:20]})
    if not members:
        raise ValidationError({"addresses": [_("Paste at least one e-mail address.")]})
    audience, _created = Audience.objects.update_or_create(created_by=by, name=name,
                                                           defaults={"kind": Audience.Kind.LIST, "filters": {}})
    audience.members.all().delete()
    AudienceMember.objects.bulk_create([AudienceMember(audience=audience, email=e, name=n)
                                        for e, n in members.items()], batch_size=5000)
    return audience


def audience_rows(audience: Audience, by):
    """(contact id, customer id, e-mail) of the audience for ``by``, as a query, and how many it matches."""
    if audience.kind in FILTERED:
        reached, matched = audiences.contacts(by, audience.kind, audiences.clean_filters(audience.kind,
                                                                                         audience.filters), "email")
        return reached.values_list("id", "customer_id", "email"), matched.count()
    members = audience.members.all()
    return members.values_list("contact_id", "customer_id", "email"), members.count()


@dataclass(frozen=True)
class Reach:
    matched: int
    with_address: int
    suppressed: int


def reach(audience: Audience, *, by) -> Reach:
    """How many the audience reaches for ``by`` now, and how many the suppression list takes out."""
    rows, matched = audience_rows(audience, by)
    emails = {e.strip().lower() for _contact, _customer, e in rows}
    return Reach(matched, len(emails), len(suppression.suppressed(Channel.EMAIL, emails)))


# --- campaigns ---------------------------------------------------------------------------------


@transaction.atomic
def create_campaign(*, by, name: str, template: EmailTemplate, audience: Audience, scheduled_at=None,
                    track: bool = True) -> Campaign:
    require(by, MODULE, "create")
    if not (name or "").strip():
        raise ValidationError({"name": [_("Give the campaign a name.")]})
    if not template.is_active:
        raise ValidationError({"template": [_("This template is archived; choose another.")]})
    if scheduled_at is not None and scheduled_at <= timezone.now():
        raise ValidationError({"scheduled_at": [_("Choose a time in the future, or send now.")]})
    return Campaign.objects.create(name=name.strip()[:200], template=template, audience=audience, created_by=by,
                                   scheduled_at=scheduled_at, track=track,
                                   status=Campaign.Status.SCHEDULED if scheduled_at else Campaign.Status.DRAFT)


SNAPSHOT_SQL = """
INSERT INTO edm_campaignrecipient (campaign_id, email, contact_id, customer_id, status, provider_message_id,
                                   error_code, error_message, attempts, opens, clicks, bounce, held)
SELECT %s, lower(btrim(r.email)), r.id, r.customer_id, 'queued', '', '', '', 0, 0, 0, '', false
FROM ({inner}) r(id, customer_id, email)
WHERE btrim(r.email) <> '' AND NOT EXISTS (
    SELECT 1 FROM sending_suppression s WHERE s.channel = 'email' AND s.address = lower(btrim(r.email)))
ON CONFLICT (campaign_id, email) DO NOTHING
"""


def start(campaign: Campaign, *, by=None, enqueue_run: bool = True) -> Campaign:
    """Snapshot the recipients (one INSERT … SELECT) and queue the sending, after the commit.

    Held (refused with the reason) until the sender's domain is verified. ``by``: who presses
    "send now"; a scheduled campaign starts as its creator. ``enqueue_run=False``: the caller
    runs it (as the import machinery's ``start(enqueue=False)``)."""
    with transaction.atomic():
        campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
        if by is not None:
            require(by, MODULE, "create")
        if campaign.status not in (Campaign.Status.DRAFT, Campaign.Status.SCHEDULED):
            raise ValidationError(_("This campaign has started already (“%(status)s”).")
                                  % {"status": campaign.get_status_display()})
        services.require_verified_sender()
        template, audience = campaign.template, campaign.audience
        rows, _matched = audience_rows(audience, campaign.created_by)
        inner, params = rows.query.sql_with_params()
        with connection.cursor() as cursor:
            cursor.execute(SNAPSHOT_SQL.format(inner=inner), [campaign.pk, *params])
            inserted = cursor.rowcount
        emails = {e.strip().lower() for _contact, _customer, e in rows if e.strip()}
        skipped = len(suppression.suppressed(Channel.EMAIL, emails))
        if inserted == 0:
            raise ValidationError(_("Nobody to send to: no recipient of this audience has an e-mail address that "
                                    "may receive campaigns."))
        if abtest.is_test(campaign):
            abtest.split(campaign, inserted)
        Campaign.objects.filter(pk=campaign.pk).update(
            status=Campaign.Status.SENDING, started_at=timezone.now(), recipients=inserted,
            skipped_suppressed=skipped, subject=template.subject, html=template.html,
            links=tracking.extract_links(template.html))
        if enqueue_run:
            transaction.on_commit(lambda: enqueue(campaign.pk))
    campaign.refresh_from_db()
    return campaign


def schedule(campaign: Campaign, *, by, scheduled_at) -> None:
    """Set (or clear, ``None``) the time a draft or scheduled campaign starts by itself."""
    require(by, MODULE, "create")
    if scheduled_at is not None and scheduled_at <= timezone.now():
        raise ValidationError({"scheduled_at": [_("Choose a time in the future, or send now.")]})
    status = Campaign.Status.SCHEDULED if scheduled_at else Campaign.Status.DRAFT
    if not Campaign.objects.filter(pk=campaign.pk, status__in=(Campaign.Status.DRAFT, Campaign.Status.SCHEDULED)) \
            .update(scheduled_at=scheduled_at, status=status):
        raise ValidationError(_("This campaign has started already; it cannot be scheduled."))


def enqueue(campaign_id: int) -> None:
    from plugins.edm.tasks import send_campaign

    send_campaign.delay(campaign_id)


def pause(campaign: Campaign, *, by, reason: str = "") -> None:
    require(by, MODULE, "edit")
    if not Campaign.objects.filter(pk=campaign.pk, status=Campaign.Status.SENDING).update(
            status=Campaign.Status.PAUSED, pause_reason=reason[:300] or _("Paused by %(user)s.") % {"user": by}):
        raise ValidationError(_("Only a campaign that is sending can be paused."))


def resume(campaign: Campaign, *, by) -> None:
    require(by, MODULE, "edit")
    services.require_verified_sender()
    with transaction.atomic():
        # Resuming after an automatic pause is the sender's decision to go on: no second pause for it.
        resumed = Campaign.objects.filter(pk=campaign.pk, status=Campaign.Status.PAUSED)
        after_auto = resumed.filter(auto_paused=True).update(status=Campaign.Status.SENDING, pause_reason="",
                                                             auto_paused=False, auto_pause=False)
        if not after_auto and not resumed.update(status=Campaign.Status.SENDING, pause_reason=""):
            raise ValidationError(_("Only a paused campaign can be resumed."))
        transaction.on_commit(lambda: enqueue(campaign.pk))


def cancel(campaign: Campaign, *, by) -> None:
    require(by, MODULE, "edit")
    open_states = (Campaign.Status.DRAFT, Campaign.Status.SCHEDULED, Campaign.Status.SENDING, Campaign.Status.PAUSED,
                   Campaign.Status.TESTING)
    if not Campaign.objects.filter(pk=campaign.pk, status__in=open_states).update(
            status=Campaign.Status.CANCELLED, finished_at=timezone.now()):
        raise ValidationError(_("This campaign has ended already."))


# --- the sending run ---------------------------------------------------------------------------


def claim_batch(campaign_id: int, size: int = BATCH) -> list[int]:
    """Lease a batch of this campaign's waiting rows (committed); other workers skip them."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            """UPDATE edm_campaignrecipient SET claimed_at = now() WHERE id IN (
                   SELECT id FROM edm_campaignrecipient
                   WHERE campaign_id = %s AND status IN ('queued', 'retrying') AND NOT held
                     AND (claimed_at IS NULL OR claimed_at < now() - make_interval(secs => %s))
                   ORDER BY id LIMIT %s FOR UPDATE SKIP LOCKED)
               RETURNING id""", [campaign_id, lease_seconds(), size])
        return sorted(row[0] for row in cursor.fetchall())


def settle_abandoned(campaign_id: int) -> int:
    """Rows left "sending" past the lease: their run died during the SMTP exchange; never resent."""
    stale = CampaignRecipient.objects.filter(campaign_id=campaign_id, status=SendStatus.SENDING,
                                             claimed_at__lt=timezone.now() - timedelta(seconds=lease_seconds()))
    count = stale.update(status=SendStatus.UNKNOWN, error_code="INTERRUPTED", error_message=records.INTERRUPTED)
    if count:
        Campaign.objects.filter(pk=campaign_id).update(interrupted=F("interrupted") + count)
    return count


def _channel(campaign: Campaign, config, domain, pool: mailer.SmtpPool) -> records.Channel:
    # What is sent: the campaign's content, or the recipient's A/B variant's (inlined once each).
    def prepared(subject: str, html: str, links: list[str]) -> tuple:
        inlined = content.inline_css(html)
        return subject, inlined, links, content.plain_text(inlined)

    contents = {None: prepared(campaign.subject, campaign.html, campaign.links)}
    for variant in campaign.variants.all():
        if variant.html:
            contents[variant.pk] = prepared(variant.subject, variant.html, variant.links)
    limits = throttle.Limits(per_second=throttle.Rate(config.per_second, 1),
                             per_hour=throttle.Rate(config.per_hour, 3600) if config.per_hour else None,
                             per_day=throttle.Rate(config.per_day, 86400) if config.per_day else None)
    transport = f"email:smtp:{config.smtp_host}"

    base = links.workspace_base_url()
    company = services.company_name()
    footer_label = _("Unsubscribe")

    def extra_headers(recipient_id: int) -> dict[str, str]:
        # SendGrid's relay returns its events with these arguments: the webhook finds the recipient.
        if config.smtp_host.lower().endswith(".sendgrid.net"):
            return {"X-SMTPAPI": bounces.sendgrid_header(recipient_id)}
        return {}

    def transmit(recipient: CampaignRecipient) -> records.Result:
        link = base + unsubscribe.url_path(unsubscribe.token_for(Channel.EMAIL, recipient.email,
                                                                 f"edm:{campaign.pk}"))
        subject, inlined, links, text_template = contents.get(recipient.variant_id, contents[None])
        rendered = render(subject, inlined, values_for(recipient.contact, recipient.customer, company), text_template)
        footer = f'<p><a href="{escape(link)}">{escape(footer_label)}</a></p>'
        html = rendered.html
        if campaign.track:
            html = tracking.instrument(html, links=links, recipient_id=recipient.pk, base=base)
        head, body_end, tail = html.rpartition("</body>")
        html = f"{head}{footer}{body_end}{tail}" if body_end else html + footer
        text = f"{rendered.text}\n{footer_label}: {link}\n"
        message = mailer.build(config=config, domain=domain, to=recipient.email, subject=rendered.subject,
                               html=html, text=text, headers={
                                   "X-CRM-Campaign": f"{connection.schema_name}-{campaign.pk}",
                                   bounces.HEADER: bounces.message_token(recipient.pk),
                                   "List-Unsubscribe": f"<{link}>, <mailto:{config.from_address}?subject=unsubscribe>",
                                   "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
                                   **extra_headers(recipient.pk),
                               })
        return pool.send(bounces.envelope_sender(config, recipient.pk), recipient.email,
                         mailer.signed_bytes(message, domain))

    return records.Channel(
        model=CampaignRecipient, transmit=transmit, recipient=lambda r: r.email,
        suppressed=lambda r: suppression.is_suppressed(Channel.EMAIL, r.email),
        transport=lambda: transport, limits=lambda: throttle.limits_for(transport, limits),
        skipped_message="On the suppression list before it was sent.", max_retries=MAX_RETRIES,
        retry_base=lambda: 0, select_related=("contact", "customer__owner"),
        claim_fields=lambda: {"claimed_at": timezone.now()},
        on_finished=lambda record, status: count(campaign.pk, status, record.variant_id),
    )


def count(campaign_id: int, status: str, variant_id: int | None = None) -> None:
    """The campaign's counter of this outcome (and its A/B variant's), raised in the transaction that records it."""
    if status in COUNTED:
        Campaign.objects.filter(pk=campaign_id).update(**{COUNTED[status]: F(COUNTED[status]) + 1})
    if status == SendStatus.SENT:
        abtest.count_sent(variant_id)


COUNTED = {SendStatus.SENT: "sent", SendStatus.FAILED: "failed", SendStatus.UNKNOWN: "interrupted",
           SendStatus.SKIPPED: "skipped_suppressed"}


def run(campaign_id: int, *, max_seconds: float | None = None) -> str:
    """Send a campaign's waiting messages until none is left, it is paused or cancelled, or
    ``max_seconds`` pass (then the task queues itself again). Idempotent: any number of runs, at
    once or one after another, send each recipient at most once."""
    campaign = Campaign.objects.filter(pk=campaign_id).first()
    if campaign is None or campaign.status != Campaign.Status.SENDING:
        return campaign.status if campaign else "missing"
    config = services.edm_settings()
    try:
        domain = services.require_verified_sender(config)
    except ValidationError as exc:
        Campaign.objects.filter(pk=campaign_id, status=Campaign.Status.SENDING).update(
            status=Campaign.Status.PAUSED, pause_reason=" ".join(exc.messages)[:300])
        return "held"
    settle_abandoned(campaign_id)
    pool = mailer.SmtpPool(config)
    channel = _channel(campaign, config, domain, pool)
    # Threads need committed rows (their own connections): inside a transaction, one at a time.
    senders = _Senders(channel, connection.schema_name, 1 if connection.in_atomic_block else max(1, config.pool_size))
    started = time.monotonic()
    try:
        while True:
            if Campaign.objects.filter(pk=campaign_id).values_list("status", flat=True).first() \
                    != Campaign.Status.SENDING:
                return "stopped"
            batch = claim_batch(campaign_id, BATCH)
            if not batch:
                break
            senders.deliver(batch)
            limits.check(campaign_id)
            if max_seconds is not None and time.monotonic() - started > max_seconds:
                transaction.on_commit(lambda: enqueue(campaign_id))
                return "continues"
    finally:
        senders.close()
        pool.close()
    return _finish_if_done(campaign_id)


def _deliver(channel: records.Channel, pk: int) -> None:
    outcome = records.deliver(channel, pk)
    while outcome.throttled:
        time.sleep(min(outcome.retry_in or 0.01, 5))
        outcome = records.deliver(channel, pk)


class _Senders:
    """One thread per pooled SMTP connection, each with its own database connection in the
    company's schema: while one waits for the server or the database, the others build and sign.
    Each message still goes through ``records.deliver`` (claimed and committed before the SMTP
    call), so threads cannot send a row twice any more than processes can."""

    def __init__(self, channel: records.Channel, schema: str, size: int):
        self.channel, self.schema, self.size = channel, schema, size
        self.work: queue.Queue = queue.Queue()
        self.threads: list[threading.Thread] = []

    def _loop(self) -> None:
        from django.db import connection as thread_connection
        from django_tenants.utils import schema_context

        try:
            with schema_context(self.schema):
                while (item := self.work.get()) is not None:
                    pk, done = item
                    try:
                        _deliver(self.channel, pk)
                    except Exception:  # noqa: BLE001 - the row stays claimed; its lease settles it
                        logger.exception("campaign message %s failed", pk)
                    finally:
                        done.release()
        finally:
            thread_connection.close()

    def deliver(self, batch: list[int]) -> None:
        if self.size == 1:
            for pk in batch:
                _deliver(self.channel, pk)
            return
        while len(self.threads) < min(self.size, len(batch)):
            thread = threading.Thread(target=self._loop, daemon=True, name=f"edm-sender-{len(self.threads)}")
            thread.start()
            self.threads.append(thread)
        done = threading.Semaphore(0)
        for pk in batch:
            self.work.put((pk, done))
        for _pk in batch:
            done.acquire()

    def close(self) -> None:
        for _thread in self.threads:
            self.work.put(None)
        for thread in self.threads:
            thread.join(timeout=60)


def _finish_if_done(campaign_id: int) -> str:
    waiting = CampaignRecipient.objects.filter(campaign_id=campaign_id, held=False, status__in=(
        SendStatus.QUEUED, SendStatus.RETRYING, SendStatus.SENDING)).exists()
    if waiting:
        return "waiting"  # leased by another run, or in its hands now
    if CampaignRecipient.objects.filter(campaign_id=campaign_id, held=True).exists():
        # The A/B test went out; the rest waits for the winner (``abtest.decide``).
        Campaign.objects.filter(pk=campaign_id, status=Campaign.Status.SENDING).update(status=Campaign.Status.TESTING)
        return "testing"
    Campaign.objects.filter(pk=campaign_id, status=Campaign.Status.SENDING).update(
        status=Campaign.Status.DONE, finished_at=timezone.now())
    return "done"


def stalled() -> QuerySet[Campaign]:
    """Sending campaigns with rows nobody has touched within the lease (their run died)."""
    cutoff = timezone.now() - timedelta(seconds=lease_seconds())
    return Campaign.objects.filter(status=Campaign.Status.SENDING).exclude(
        pk__in=CampaignRecipient.objects.filter(claimed_at__gte=cutoff).values("campaign_id"))


def start_due(now=None) -> int:
    """Start the scheduled campaigns whose time has come (a refusal pauses one with its reason)."""
    now = now or timezone.now()
    count = 0
    for campaign in Campaign.objects.filter(status=Campaign.Status.SCHEDULED, scheduled_at__lte=now):
        try:
            start(campaign)
        except ValidationError as exc:
            Campaign.objects.filter(pk=campaign.pk, status=Campaign.Status.SCHEDULED).update(
                status=Campaign.Status.PAUSED, pause_reason=" ".join(exc.messages)[:300])
        count += 1
    return count


def count_unsubscribe(source: str, address: str) -> None:
    """The core's unsubscribe listener: a campaign's counter and the recipient's history, as it arrives."""
    kind, _sep, ref = source.partition(":")
    if kind == "edm" and ref.isdigit():
        Campaign.objects.filter(pk=int(ref)).update(unsubscribes=F("unsubscribes") + 1)
        recipient = CampaignRecipient.objects.filter(campaign_id=int(ref), email=address).first()
        if recipient is not None:
            CampaignEvent.objects.create(campaign_id=recipient.campaign_id, recipient=recipient,
                                         kind=CampaignEvent.Kind.UNSUBSCRIBE)
