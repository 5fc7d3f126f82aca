"""EDM operations that the pages, the API and the tasks all call (EDM-01): the sending domain
and the transport.

A domain is added by the Boss with a fresh DKIM key; its records are checked in DNS ("check now"
and the periodic re-check) and it is verified when SPF, DKIM (our public key) and DMARC are all
there. Nothing is sent from an address whose domain is not verified (``require_verified_sender``):
the platform never sends as the company from its own domain.
"""

from __future__ import annotations

import re
import secrets
from datetime import timedelta

from django.conf import settings as django_settings
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.html import escape
from django.utils.translation import gettext as _

from plugins.edm import dkim, dnscheck
from plugins.edm.models import EdmSettings, SendingDomain
from saas_core import egress
from saas_core.org.access import require_boss

DOMAIN_RE = re.compile(r"^(?=.{4,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z][a-z0-9-]{0,62}$")
RECHECK_PENDING = timedelta(minutes=10)
RECHECK_VERIFIED = timedelta(hours=24)
SETTINGS_FIELDS = ("smtp_host", "smtp_port", "smtp_security", "smtp_username", "smtp_password", "pool_size",
                   "from_name", "from_address", "reply_to", "per_second", "per_hour", "per_day",
                   "bounce_address", "bounce_protocol", "bounce_host", "bounce_port", "bounce_security",
                   "bounce_username", "bounce_password", "sendgrid_verification_key")
SECRET_FIELDS = ("smtp_password", "bounce_password")
NULLABLE_FIELDS = ("per_hour", "per_day", "bounce_port")

# What a check found, as codes stored on the domain and shown in the user's language.
PROBLEMS = {
    "spf_missing": lambda: _("No SPF record (TXT “v=spf1 …”) at the domain."),
    "dkim_missing": lambda: _("No DKIM record at the selector's name."),
    "dkim_mismatch": lambda: _("The DKIM record there has another key than this one."),
    "dmarc_missing": lambda: _("No DMARC record (TXT “v=DMARC1 …”) at _dmarc."),
    "dns_unavailable": lambda: _("DNS did not answer; the check will be repeated."),
}


def problem_texts(domain: SendingDomain) -> list[str]:
    return [PROBLEMS[code]() for code in domain.check_problems if code in PROBLEMS]


# --- settings ----------------------------------------------------------------------------------


def edm_settings(*, lock: bool = False) -> EdmSettings:
    EdmSettings.objects.get_or_create(pk=1)
    qs = EdmSettings.objects.select_for_update() if lock else EdmSettings.objects
    return qs.get(pk=1)


def allowed_smtp_hosts() -> list[str]:
    """The operator's exceptions to "public servers only" (a relay in the same network, the tests' loopback)."""
    return list(getattr(django_settings, "EDM_ALLOWED_SMTP_HOSTS", []))


@transaction.atomic
def save_settings(*, by, **fields) -> EdmSettings:
    """The Boss sets the SMTP server, the sender and the rates. An empty password keeps the stored one."""
    require_boss(by, _("Only the Boss may change the e-mail settings."))
    config = edm_settings(lock=True)
    for key in SETTINGS_FIELDS:
        if key not in fields or (fields[key] is None and key not in NULLABLE_FIELDS):
            continue
        value = fields[key].strip() if isinstance(fields[key], str) else fields[key]
        if key in SECRET_FIELDS and value == "":
            continue
        setattr(config, key, value)
    config.from_address = (config.from_address or "").lower()
    config.full_clean()
    errors: dict[str, list[str]] = {}
    if config.smtp_host:
        try:
            egress.check_host(config.smtp_host, config.smtp_port, allowed_smtp_hosts())
        except egress.ForbiddenDestination as exc:
            errors["smtp_host"] = [str(exc)]
    if config.bounce_protocol and not config.bounce_host:
        errors["bounce_host"] = [_("Give the server of the bounce mailbox.")]
    elif config.bounce_protocol:
        try:
            egress.check_host(config.bounce_host, config.bounce_port, allowed_smtp_hosts())
        except egress.ForbiddenDestination as exc:
            errors["bounce_host"] = [str(exc)]
    if config.from_address and not SendingDomain.objects.filter(domain=domain_of(config.from_address)).exists():
        errors["from_address"] = [_("Add the domain %(domain)s under “Sending domains” first.")
                                  % {"domain": domain_of(config.from_address)}]
    if errors:
        raise ValidationError(errors)
    config.save()
    return config


def webhook_secret() -> str:
    """The secret of the company's signed bounce webhook, made the first time it is asked for."""
    with transaction.atomic():
        config = edm_settings(lock=True)
        if not config.webhook_secret:
            config.webhook_secret = secrets.token_urlsafe(32)
            config.save(update_fields=["webhook_secret"])
    return config.webhook_secret


def has_password(config: EdmSettings) -> bool:
    return bool(config.smtp_password)


def company_name() -> str:
    """The sending company's name (read, not taken from the connection: a task's tenant may be a bare schema)."""
    from tenants.models import Tenant

    return Tenant.objects.filter(schema_name=connection.schema_name).values_list("name", flat=True).first() or ""


def domain_of(address: str) -> str:
    return address.rpartition("@")[2].lower()


# --- sending domains ---------------------------------------------------------------------------


def clean_domain(raw: str) -> str:
    value = (raw or "").strip().lower().rstrip(".")
    if value.startswith(("http://", "https://")) or "@" in value or "/" in value:
        raise ValidationError({"domain": [_("Give the domain only, e.g. mail.example.com.")]})
    try:
        value = value.encode("idna").decode("ascii")
    except UnicodeError:
        raise ValidationError({"domain": [_("“%(domain)s” is not a domain name.") % {"domain": raw}]}) from None
    if not DOMAIN_RE.match(value):
        raise ValidationError({"domain": [_("“%(domain)s” is not a domain name.") % {"domain": raw}]})
    return value


@transaction.atomic
def add_domain(*, by, domain: str) -> SendingDomain:
    """The Boss adds a sending domain: a new RSA-2048 DKIM key and a selector unique to the company."""
    require_boss(by, _("Only the Boss may add a sending domain."))
    name = clean_domain(domain)
    if SendingDomain.objects.filter(domain=name).exists():
        raise ValidationError({"domain": [_("%(domain)s is added already.") % {"domain": name}]})
    key = dkim.generate_key()
    taken = set(SendingDomain.objects.values_list("selector", flat=True))
    return SendingDomain.objects.create(domain=name, selector=dkim.new_selector(taken),
                                        dkim_private_key=key.private_pem, dkim_public_key=key.public_b64,
                                        created_by=by)


def remove_domain(domain: SendingDomain, *, by) -> None:
    """Remove a domain nobody sends from (the sender address must move first)."""
    require_boss(by, _("Only the Boss may remove a sending domain."))
    if domain_of(edm_settings().from_address or "") == domain.domain:
        raise ValidationError(_("The sender address is at this domain; change it in the e-mail settings first."))
    SendingDomain.objects.filter(pk=domain.pk).delete()


def records(domain: SendingDomain) -> list[dkim.Record]:
    return dkim.records(domain, edm_settings().smtp_host)


def _compact(value: str) -> str:
    return re.sub(r"\s+", "", value)


def check_domain(domain: SendingDomain) -> SendingDomain:
    """Look the records up in DNS now and record what was found (a DNS outage changes nothing but the note)."""
    problems: list[str] = []
    try:
        spf = any(t.lower().startswith("v=spf1") for t in dnscheck.txt_or_raise(domain.domain))
        dkim_texts = dnscheck.txt_or_raise(f"{domain.selector}._domainkey.{domain.domain}")
        dkim_ok = any(f"p={domain.dkim_public_key}" in _compact(t) for t in dkim_texts)
        dmarc = any(t.upper().startswith("V=DMARC1") for t in dnscheck.txt_or_raise(f"_dmarc.{domain.domain}"))
    except dnscheck.DnsUnavailable:
        SendingDomain.objects.filter(pk=domain.pk).update(check_problems=["dns_unavailable"],
                                                          last_checked_at=timezone.now())
        domain.refresh_from_db()
        return domain
    if not spf:
        problems.append("spf_missing")
    if not dkim_ok:
        problems.append("dkim_mismatch" if dkim_texts else "dkim_missing")
    if not dmarc:
        problems.append("dmarc_missing")
    now = timezone.now()
    verified = not problems
    status = SendingDomain.Status.VERIFIED if verified else SendingDomain.Status.FAILED
    SendingDomain.objects.filter(pk=domain.pk).update(
        spf_ok=spf, dkim_ok=dkim_ok, dmarc_ok=dmarc, check_problems=problems, last_checked_at=now, status=status,
        verified_at=(domain.verified_at or now) if verified else None,
    )
    domain.refresh_from_db()
    return domain


def check_due(now=None) -> int:
    """The periodic re-check: domains not yet verified every 10 minutes, verified ones daily
    (a record removed later stops the sending again)."""
    now = now or timezone.now()
    due = SendingDomain.objects.filter(
        Q(last_checked_at__isnull=True)
        | Q(last_checked_at__lte=now - RECHECK_PENDING) & ~Q(status=SendingDomain.Status.VERIFIED)
        | Q(last_checked_at__lte=now - RECHECK_VERIFIED, status=SendingDomain.Status.VERIFIED))
    count = 0
    for domain in due[:200]:
        check_domain(domain)
        count += 1
    return count


def domains() -> QuerySet[SendingDomain]:
    return SendingDomain.objects.all()


def require_verified_sender(config: EdmSettings | None = None) -> SendingDomain:
    """The verified domain of the sender address, or a refusal that says what to do."""
    config = config or edm_settings()
    if not config.from_address:
        raise ValidationError(_("Set the sender address in the e-mail settings first."), code="no_sender")
    domain = SendingDomain.objects.filter(domain=domain_of(config.from_address)).first()
    if domain is None or not domain.is_verified:
        raise ValidationError(
            _("Sending is held until the domain %(domain)s is verified: publish its DNS records and check again.")
            % {"domain": domain_of(config.from_address)}, code="domain_not_verified")
    if not config.smtp_host:
        raise ValidationError(_("Set the SMTP server in the e-mail settings first."), code="no_transport")
    return domain


def send_test_email(*, by) -> str:
    """A DKIM-signed test from the sender address to the Boss's own mailbox, through the company's
    SMTP server, now (the Boss sees at once whether the server takes it); the address it went to."""
    from plugins.edm import mailer

    require_boss(by, _("Only the Boss may send a test of the e-mail settings."))
    config = edm_settings()
    domain = require_verified_sender(config)
    if not by.email:
        raise ValidationError(_("Add your e-mail address in your personal settings first; the test goes there."))
    subject = _("Test e-mail from %(company)s") % {"company": company_name()}
    body = _("Your e-mail settings work: this message was signed for %(domain)s and sent through %(host)s.") % {
        "domain": domain.domain, "host": config.smtp_host}
    message = mailer.build(config=config, domain=domain, to=by.email, subject=subject, text=body,
                           html=f"<p>{escape(body)}</p>")
    pool = mailer.SmtpPool(config, 1)
    try:
        result = pool.send(config.from_address, by.email, mailer.signed_bytes(message, domain))
    finally:
        pool.close()
    if not result.ok:
        raise ValidationError(_("The SMTP server did not take the test: %(code)s %(message)s")
                              % {"code": result.error_code, "message": result.error_message})
    return by.email
