"""Signup: validate a workspace name and provision the company's schema, all or nothing."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tenants.utils import schema_context, schema_exists

from saas_core.accounts import services as accounts
from saas_core.accounts.models import Role, User
from tenants import vendor_settings
from tenants.models import Domain, Tenant
from tenants.schema_clone import clone_schema

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

    Everything happens in one transaction (PostgreSQL DDL is transactional), so a failure at
    any step leaves nothing behind. Two signups racing for one address meet at the unique
    index on the tenant's schema name: the second waits for the first and then fails cleanly.
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

    schema_name = schema_name_for(subdomain)
    host = f"{subdomain}.{settings.BASE_DOMAIN}"
    with transaction.atomic():
        tenant = Tenant(
            schema_name=schema_name,
            name=company_name,
            trial_ends_at=timezone.now() + timedelta(days=vendor_settings.current().trial_days),
        )
        try:
            with transaction.atomic():
                # django-tenants pre-checks the name (a ValidationError); the unique index is
                # what settles a race (an IntegrityError once the other signup commits).
                tenant.save()
                domain = Domain.objects.create(domain=host, tenant=tenant, is_primary=True)
        except (IntegrityError, ValidationError):
            raise subdomain_taken_error(subdomain) from None
        if schema_exists(schema_name):
            raise subdomain_taken_error(subdomain)
        clone_schema(settings.TEMPLATE_SCHEMA_NAME, schema_name)
        from billing import services as billing

        billing.start_trial(tenant, plan)  # the plan picked at signup (or the first on sale)
        with schema_context(schema_name):
            boss = User(username=email, email=email, name=admin_name.strip(), role=Role.BOSS, language=language)
            boss.set_password(password)
            boss.save()
            token = accounts.issue_login_ticket(boss)
    return Workspace(tenant=tenant, domain=domain, boss=boss, login_token=token)


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
