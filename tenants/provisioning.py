"""Signup: validate a workspace name and provision the company's schema, all or nothing."""

from __future__ import annotations

import logging
import re
import time
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import password_validation
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import DatabaseError, IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tenants.utils import schema_context, schema_exists

from saas_core.accounts import services as accounts
from saas_core.accounts.models import Role, User
from saas_core.advisory import LockSession, lock_session
from saas_core.busy import is_busy_error
from tenants import upgrade, vendor_settings
from tenants.models import Domain, Tenant
from tenants.schema_clone import clone_schema, drop_schema, run_step

log = logging.getLogger(__name__)

SUBDOMAIN_RE = re.compile(r"^[a-z][a-z0-9-]*[a-z0-9]$")
SUBDOMAIN_MIN, SUBDOMAIN_MAX = 3, 30
RESERVED_SUBDOMAINS = frozenset(
    ["www", "www1", "www2", "api", "admin", "administrator", "static", "media", "assets", "cdn", "public", "mail", "email", "smtp", "imap", "pop", "pop3", "ftp", "sftp", "ssh", "dns", "ns", "ns1", "ns2", "mx", "webmail", "app", "apps", "dashboard", "console", "vendor", "billing", "pay", "payment", "payments", "stripe", "webhook", "webhooks", "help", "support", "docs", "doc", "status", "blog", "news", "shop", "store", "signup", "signin", "login", "logout", "register", "account", "accounts", "auth", "oauth", "sso", "id", "my", "test", "staging", "dev", "internal", "root", "system", "sys", "sysadmin", "postgres", "redis", "celery", "beat", "ws", "wss", "socket", "cache", "files", "upload", "uploads", "download", "downloads", "tenant", "tenants", "template", "tenant-template", "crm"]
)


def validate_subdomain(value: str) -> str:
    """Return the normalised subdomain or raise ValidationError naming the rule broken."""
    value = (value or "").strip().lower()
    if not (SUBDOMAIN_MIN <= len(value) <= SUBDOMAIN_MAX):
        raise ValidationError(
            _("The workspace address must be %(min)d to %(max)d characters long.")
            % {"min": SUBDOMAIN_MIN, "max": SUBDOMAIN_MAX},
            code="length",
        )
    if not SUBDOMAIN_RE.match(value) or "--" in value:
        raise ValidationError(
            _(
                "The workspace address may use only lower-case letters a-z, digits and single hyphens; "
                "it must start with a letter and not end with a hyphen."
            ),
            code="format",
        )
    if value in RESERVED_SUBDOMAINS:
        raise ValidationError(
            _("“%(value)s” is reserved for the service itself; please choose another address.") % {"value": value},
            code="reserved",
        )
    return value


def schema_name_for(subdomain: str) -> str:
    # The prefix keeps tenant schemas apart from public, the template and pg_* names.
    return "t_" + subdomain.replace("-", "_")


def subdomain_taken_error(subdomain: str) -> ValidationError:
    return ValidationError(
        {"subdomain": _("The workspace address “%(value)s” is already taken.") % {"value": subdomain}},
        code="taken",
    )


@dataclass
class Workspace:
    tenant: Tenant
    domain: Domain
    boss: User
    login_token: str

    @property
    def host(self) -> str:
        return self.domain.domain


def create_workspace(
    *,
    company_name: str,
    subdomain: str,
    admin_name: str,
    email: str,
    password: str,
    language: str = "",
    plan=None,
) -> Workspace:
    """Create a company: tenant row, domain, schema cloned from the template, Boss user.

    The row, its domain and the empty schema commit first, in the ``provisioning`` state that
    hides them (the host answers "being prepared", nothing that walks tenants sees them); the
    schema is then filled in small transactions (tenants.schema_clone: a stock PostgreSQL's lock
    table cannot hold a whole clone per concurrent signup); the last transaction adds the trial,
    the Boss and the login ticket and makes the company ready. A failure on the way removes
    what was made; a process that dies on the way leaves a hidden company that
    ``sweep_abandoned`` removes. Two signups racing for one address meet at the unique index on
    the tenant's schema name: the second waits for the first and then fails cleanly.
    """
    errors: dict[str, list[str]] = {}
    company_name = (company_name or "").strip()
    if not company_name:
        errors["company_name"] = [_("Enter the company name.")]
    try:
        subdomain = validate_subdomain(subdomain)
    except ValidationError as exc:
        errors["subdomain"] = exc.messages
    email = (email or "").strip().lower()
    probe = User(username=email, email=email, name=admin_name)
    try:
        User._meta.get_field("email").run_validators(email)
        if not email:
            raise ValidationError(_("Enter the administrator's e-mail address."))
    except ValidationError as exc:
        errors["email"] = exc.messages
    if not (admin_name or "").strip():
        errors["admin_name"] = [_("Enter the administrator's name.")]
    try:
        password_validation.validate_password(password, probe)
    except ValidationError as exc:
        errors["password"] = exc.messages
    if errors:
        raise ValidationError(errors)

    # The signup's session locks live on a direct connection (saas_core.advisory) and go with it.
    with lock_session("signup") as locks:
        with busy_refused():
            tenant, domain = _claim(subdomain, company_name, locks)
        try:
            with busy_refused(), upgrade.template_shared(locks):
                clone_schema(settings.TEMPLATE_SCHEMA_NAME, tenant.schema_name, run=_run_step)
                with transaction.atomic():
                    boss, token = _make_ready(tenant, plan, email=email, admin_name=admin_name.strip(),
                                              password=password, language=language)
        except BaseException:
            _discard_quietly(tenant)
            raise
    return Workspace(tenant=tenant, domain=domain, boss=boss, login_token=token)


# --- the steps of a signup -------------------------------------------------------------------

# The session advisory lock (this namespace, tenant id) is held by the signup preparing that
# company; the sweeper takes it to know that nobody is (the process died). It spans the claim,
# the clone and the last transaction, so it cannot be a transaction lock (pg_advisory_xact_lock):
# it is held on a direct connection instead, which also keeps it off a pooler (saas_core.advisory).
_LOCK_NAMESPACE = 0x43524D  # "CRM"
_STEP_RETRY_DELAYS = (0.2, 0.5, 1.0, 2.0, 3.0, 4.0)


class WorkspaceBusy(ValidationError):
    """Signup refused because the database is too busy now; nothing was created."""


def busy_message() -> str:
    return _("Your workspace could not be prepared because the service is very busy right now. "
             "Nothing was created; please try again in a minute.")


@contextmanager
def busy_refused():
    """Turn "the database is too busy" into the refusal a person can act on."""
    import psycopg

    try:
        yield
    except (DatabaseError, psycopg.Error) as exc:  # psycopg's own: the lock session's connection
        if is_busy_error(exc):
            log.warning("signup refused, the database is busy: %s", exc)
            raise WorkspaceBusy({NON_FIELD_ERRORS: [busy_message()]}, code="busy") from exc
        raise


def _claim(subdomain: str, company_name: str, locks: LockSession) -> tuple[Tenant, Domain]:
    """Commit the hidden company: its row (provisioning), its domain and its empty schema."""
    schema_name = schema_name_for(subdomain)
    with transaction.atomic():
        tenant = Tenant(
            schema_name=schema_name, name=company_name, status=Tenant.Status.PROVISIONING,
            trial_ends_at=timezone.now() + timedelta(days=vendor_settings.current().trial_days),
        )
        try:
            with transaction.atomic():
                # django-tenants pre-checks the name (a ValidationError); the unique index is
                # what settles a race (an IntegrityError once the other signup commits).
                tenant.save()
                domain = Domain.objects.create(domain=f"{subdomain}.{settings.BASE_DOMAIN}", tenant=tenant,
                                               is_primary=True)
        except (IntegrityError, ValidationError):
            raise subdomain_taken_error(subdomain) from None
        if schema_exists(schema_name):
            raise subdomain_taken_error(subdomain)
        # Taken before the row commits, so the sweeper never sees it unlocked while we live.
        locks.lock(_LOCK_NAMESPACE, tenant.pk)
        with connection.cursor() as cursor:
            cursor.execute(f'CREATE SCHEMA "{schema_name}"')
    return tenant, domain


def _run_step(schema: str, statements: list[str]) -> None:
    """One clone step; a step the server refused for lack of lock space waits and runs again."""
    for delay in (*_STEP_RETRY_DELAYS, None):
        try:
            run_step(schema, statements)
            return
        except DatabaseError as exc:
            if delay is None or not is_busy_error(exc) or connection.needs_rollback:
                raise
            log.info("clone step for %s refused (%s); again in %.1f s", schema, exc.__cause__ or exc, delay)
            time.sleep(delay)


def _make_ready(tenant: Tenant, plan, *, email: str, admin_name: str, password: str,
                language: str) -> tuple[User, str]:
    """The last transaction: trial, Boss, login ticket, and the company shown to the world."""
    from billing import services as billing

    billing.start_trial(tenant, plan)  # the plan picked at signup (or the first on sale)
    with schema_context(tenant.schema_name):
        boss = User(username=email, email=email, name=admin_name, role=Role.BOSS, language=language)
        boss.set_password(password)
        boss.save()
        token = accounts.issue_login_ticket(boss)
    now = timezone.now()
    # Conditional: a company the sweeper took for abandoned must not come back half-made.
    if not Tenant.objects.filter(pk=tenant.pk, status=Tenant.Status.PROVISIONING).update(
            status=Tenant.Status.TRIALING, status_changed_at=now):
        raise RuntimeError(f"tenant {tenant.schema_name} was removed while it was being prepared")
    tenant.status, tenant.status_changed_at = Tenant.Status.TRIALING, now
    return boss, token


def _discard(tenant: Tenant) -> None:
    """Remove a company that never became ready: its schema (in steps), domain and row."""
    connection.set_schema_to_public()
    drop_schema(tenant.schema_name, run=_run_step)
    Tenant.objects.filter(pk=tenant.pk, status=Tenant.Status.PROVISIONING).delete()


def _discard_quietly(tenant: Tenant) -> None:
    try:
        _discard(tenant)
    except Exception:  # noqa: BLE001 - the signup's own error is the one to report
        log.exception("could not remove the half-made company %s; the sweeper will", tenant.schema_name)


def sweep_abandoned() -> list[str]:
    """Remove companies whose signup died while preparing them (nobody holds their lock)."""
    removed = []
    with lock_session("signup sweeper") as locks:
        for tenant in Tenant.objects.filter(status=Tenant.Status.PROVISIONING).order_by("pk"):
            if not locks.try_lock(_LOCK_NAMESPACE, tenant.pk):
                continue  # its signup is still at work
            try:
                if Tenant.objects.filter(pk=tenant.pk, status=Tenant.Status.PROVISIONING).exists():
                    _discard(tenant)
                    removed.append(tenant.schema_name)
                    log.warning("removed the company %s whose signup died while preparing it", tenant.schema_name)
            finally:
                locks.unlock(_LOCK_NAMESPACE, tenant.pk)
    return removed


def ensure_public_tenant() -> Tenant:
    """The row that maps the base domain (and localhost) to the public schema."""
    tenant, _created = Tenant.objects.get_or_create(
        schema_name=settings.PUBLIC_SCHEMA_NAME, defaults={"name": "Public", "status": Tenant.Status.ACTIVE}
    )
    for host in {settings.BASE_DOMAIN, "localhost", "127.0.0.1"}:
        Domain.objects.get_or_create(domain=host, defaults={"tenant": tenant, "is_primary": host == settings.BASE_DOMAIN})
    return tenant


def ensure_template_schema() -> None:
    """Create and migrate the template schema new workspaces are cloned from."""
    from django.core.management import call_command
    from django.db import connection

    if not schema_exists(settings.TEMPLATE_SCHEMA_NAME):
        with connection.cursor() as cursor:
            cursor.execute(f'CREATE SCHEMA "{settings.TEMPLATE_SCHEMA_NAME}"')
    call_command(
        "migrate_schemas", tenant=True, schema_name=settings.TEMPLATE_SCHEMA_NAME, interactive=False, verbosity=0
    )
