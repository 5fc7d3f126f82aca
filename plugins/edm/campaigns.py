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

from plugins.edm import content, mailer, services
from plugins.edm.models import Audience, Campaign, CampaignRecipient, EmailTemplate
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


def render(subject: str, inlined_html: str, values: dict[str, str]) -> Rendered:
    html = content.fill(inlined_html, values, html=True)
    return Rendered(content.fill(subject, values, html=False), html, content.plain_text(html))


def preview(template: EmailTemplate, *, by) -> Rendered:
    """The template filled with a sample (the sender as contact), as the recipient sees it."""
    values = {"customer": _("Sample customer"), "contact": str(by), "owner": str(by), "company": services.company_name()}
    return render(template.subject, content.inline_css(template.html), values)


# --- audiences ---------------------------------------------------------------------------------


@transaction.atomic
def save_audience(*, by, name: str, kind: str, filters=None) -> Audience:
    require(by, MODULE, "create")
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": [_("Give the audience a name.")]})
    if kind not in Audience.Kind.values:
        raise ValidationError({"kind": [_("Choose customers or contacts.")]})
    clean = audiences.filters_json(audiences.clean_filters(kind, filters))
    audience, _created = Audience.objects.update_or_create(created_by=by, name=name[:100],
                                                           defaults={"kind": kind, "filters": clean})
    return audience


@dataclass(frozen=True)
class Reach:
    matched: int
    with_address: int
    suppressed: int


def reach(audience: Audience, *, by) -> Reach:
    """How many the audience reaches for ``by`` now, and how many the suppression list takes out."""
    reached, matched = audiences.contacts(by, audience.kind, audiences.clean_filters(audience.kind, audience.filters),
                                          "email")
    emails = {e.strip().lower() for e in reached.values_list("email", flat=True)}
    return Reach(matched.count(), len(emails), len(suppression.suppressed(Channel.EMAIL, emails)))


# --- campaigns ---------------------------------------------------------------------------------


@transaction.atomic
def create_campaign(*, by, name: str, template: EmailTemplate, audience: Audience, scheduled_at=None) -> Campaign:
    require(by, MODULE, "create")
    if not (name or "").strip():
        raise ValidationError({"name": [_("Give the campaign a name.")]})
    if not template.is_active:
        raise ValidationError({"template": [_("This template is archived; choose another.")]})
    if scheduled_at is not None and scheduled_at <= timezone.now():
        raise ValidationError({"scheduled_at": [_("Choose a time in the future, or send now.")]})
    return Campaign.objects.create(name=name.strip()[:200], template=template, audience=audience, created_by=by,
                                   scheduled_at=scheduled_at,
                                   status=Campaign.Status.SCHEDULED if scheduled_at else Campaign.Status.DRAFT)


SNAPSHOT_SQL = """
INSERT INTO edm_campaignrecipient (campaign_id, email, contact_id, customer_id, status, provider_message_id,
                                   error_code, error_message, attempts)
SELECT %s, lower(btrim(r.email)), r.id, r.customer_id, 'queued', '', '', '', 0 FROM ({inner}) r
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
        reached, _matched = audiences.contacts(campaign.created_by, audience.kind,
                                               audiences.clean_filters(audience.kind, audience.filters), "email")
        inner, params = reached.values("id", "customer_id", "email").query.sql_with_params()
        with connection.cursor() as cursor:
            cursor.execute(SNAPSHOT_SQL.format(inner=inner), [campaign.pk, *params])
            inserted = cursor.rowcount
        emails = {e.strip().lower() for e in reached.values_list("email", flat=True) if e.strip()}
        skipped = len(suppression.suppressed(Channel.EMAIL, emails))
        if inserted == 0:
            raise ValidationError(_("Nobody to send to: no recipient of this audience has an e-mail address that "
                                    "may receive campaigns."))
        Campaign.objects.filter(pk=campaign.pk).update(
            status=Campaign.Status.SENDING, started_at=timezone.now(), recipients=inserted,
            skipped_suppressed=skipped, subject=template.subject, html=template.html)
        if enqueue_run:
            transaction.on_commit(lambda: enqueue(campaign.pk))
    campaign.refresh_from_db()
    return campaign


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
        if not Campaign.objects.filter(pk=campaign.pk, status=Campaign.Status.PAUSED).update(
                status=Campaign.Status.SENDING, pause_reason=""):
            raise ValidationError(_("Only a paused campaign can be resumed."))
        transaction.on_commit(lambda: enqueue(campaign.pk))


def cancel(campaign: Campaign, *, by) -> None:
    require(by, MODULE, "edit")
    open_states = (Campaign.Status.DRAFT, Campaign.Status.SCHEDULED, Campaign.Status.SENDING, Campaign.Status.PAUSED)
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
                   WHERE campaign_id = %s AND status IN ('queued', 'retrying')
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
    inlined = content.inline_css(campaign.html)
    limits = throttle.Limits(per_second=throttle.Rate(config.per_second, 1),
                             per_hour=throttle.Rate(config.per_hour, 3600) if config.per_hour else None,
                             per_day=throttle.Rate(config.per_day, 86400) if config.per_day else None)
    transport = f"email:smtp:{config.smtp_host}"

    base = links.workspace_base_url()
    company = services.company_name()
    footer_label = _("Unsubscribe")

    def transmit(recipient: CampaignRecipient) -> records.Result:
        link = base + unsubscribe.url_path(unsubscribe.token_for(Channel.EMAIL, recipient.email,
                                                                 f"edm:{campaign.pk}"))
        rendered = render(campaign.subject, inlined, values_for(recipient.contact, recipient.customer, company))
        footer = f'<p><a href="{escape(link)}">{escape(footer_label)}</a></p>'
        head, body_end, tail = rendered.html.rpartition("</body>")
        html = f"{head}{footer}{body_end}{tail}" if body_end else rendered.html + footer
        text = f"{rendered.text}\n{footer_label}: {link}\n"
        message = mailer.build(config=config, domain=domain, to=recipient.email, subject=rendered.subject,
                               html=html, text=text, headers={
                                   "X-CRM-Campaign": f"{connection.schema_name}-{campaign.pk}",
                                   "List-Unsubscribe": f"<{link}>, <mailto:{config.from_address}?subject=unsubscribe>",
                                   "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
                               })
        return pool.send(config.from_address, recipient.email, mailer.signed_bytes(message, domain))

    return records.Channel(
        model=CampaignRecipient, transmit=transmit, recipient=lambda r: r.email,
        suppressed=lambda r: suppression.is_suppressed(Channel.EMAIL, r.email),
        transport=lambda: transport, limits=lambda: throttle.limits_for(transport, limits),
        skipped_message="On the suppression list before it was sent.", max_retries=MAX_RETRIES,
        retry_base=lambda: 0, select_related=("contact", "customer__owner"),
        claim_fields=lambda: {"claimed_at": timezone.now()},
        on_finished=lambda record, status: count(campaign.pk, status),
    )


def count(campaign_id: int, status: str) -> None:
    """The campaign's counter of this outcome, raised in the transaction that records it."""
    if status in COUNTED:
        Campaign.objects.filter(pk=campaign_id).update(**{COUNTED[status]: F(COUNTED[status]) + 1})


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
    started = time.monotonic()
    try:
        while True:
            if Campaign.objects.filter(pk=campaign_id).values_list("status", flat=True).first() \
                    != Campaign.Status.SENDING:
                return "stopped"
            batch = claim_batch(campaign_id)
            if not batch:
                break
            for pk in batch:
                outcome = records.deliver(channel, pk)
                while outcome.throttled:
                    time.sleep(min(outcome.retry_in or 0.01, 5))
                    outcome = records.deliver(channel, pk)
            if max_seconds is not None and time.monotonic() - started > max_seconds:
                transaction.on_commit(lambda: enqueue(campaign_id))
                return "continues"
    finally:
        pool.close()
    return _finish_if_done(campaign_id)


def _finish_if_done(campaign_id: int) -> str:
    waiting = CampaignRecipient.objects.filter(campaign_id=campaign_id, status__in=(
        SendStatus.QUEUED, SendStatus.RETRYING, SendStatus.SENDING)).exists()
    if waiting:
        return "waiting"  # leased by another run, or in its hands now
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
    """The core's unsubscribe listener: a campaign's counter, as the unsubscribe arrives."""
    kind, _sep, ref = source.partition(":")
    if kind == "edm" and ref.isdigit():
        Campaign.objects.filter(pk=int(ref)).update(unsubscribes=F("unsubscribes") + 1)
