"""Django settings, read from the environment (every variable is listed in the README)."""

from __future__ import annotations

import ipaddress
import os
import secrets
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

from saas_core import content_security, embedded
from saas_core.dbpool import reset_connection

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool = False) -> bool:
    return os.environ.get(name, str(default)).strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def _secret_key() -> str:
    if key := os.environ.get("SECRET_KEY"):
        return key
    # Development only: a key kept in the data folder, so sessions survive restarts.
    path = embedded.DATA_DIR / "secret_key"
    path.parent.mkdir(parents=True, exist_ok=True)
    if not path.exists():
        path.write_text(secrets.token_urlsafe(50))
    return path.read_text().strip()


DEBUG = env_bool("DEBUG", False)
SECRET_KEY = _secret_key()
# Fernet keys (comma-separated, the first encrypts) for secrets stored in the database
# (saas_core.encryption); empty: one key derived from SECRET_KEY.
SECRETS_ENCRYPTION_KEYS = os.environ.get("SECRETS_ENCRYPTION_KEYS", "")
BASE_DOMAIN = os.environ.get("BASE_DOMAIN", "localhost")
ALLOWED_HOSTS = [BASE_DOMAIN, f".{BASE_DOMAIN}", *env_list("ALLOWED_HOSTS")]
USE_HTTPS = env_bool("USE_HTTPS", False)
# The port people reach the site on, for links sent outside a request (saas_core.links): empty
# behind a proxy on 80/443; `crm run` sets it to its --port.
PUBLIC_PORT = os.environ.get("PUBLIC_PORT", "")

# --- apps -------------------------------------------------------------------------------
SHARED_APPS = [
    "django_tenants",
    # pgtrigger/pghistory before the apps whose models they track (data log, LOG-01).
    "pgtrigger",
    "pghistory",
    "tenants",
    "billing",
    "django.contrib.contenttypes",
    "django.contrib.auth",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "saas_core.accounts",  # in public too: the vendor's own staff accounts
    "saas_core.wakeups",  # when each tenant next has reminders due (the reminder tick reads it)
    "plugins",  # the module platform (no tables); the modules' own apps are tenant apps below
    "web",
]
TENANT_APPS = [
    "pgtrigger",
    "pghistory",
    "django.contrib.contenttypes",
    "django.contrib.auth",
    "django.contrib.sessions",
    "rest_framework.authtoken",
    "saas_core.accounts",
    "saas_core.org",
    "saas_core.system",
    "saas_core.dictionaries",
    "saas_core.records",
    "saas_core.announcements",
    "saas_core.customers",
    "saas_core.pools",
    "saas_core.imports",
    "saas_core.attachments",
    "saas_core.activities",
    "saas_core.opportunities",
    "saas_core.lines",
    "saas_core.quotes",
    "saas_core.contracts",
    "saas_core.orders",
    "saas_core.exports",
    "saas_core.products",
    "saas_core.approvals",
    "saas_core.payments",
    "saas_core.sending",
    "saas_core.expenses",
    "saas_core.targets",
]
# Every installed module's apps (plugins.manager, entry-point group ``crm.modules``): their
# tables exist in every tenant schema; whether a tenant may use them is data (plugins.enablement).
from plugins import manager as _plugin_manager  # noqa: E402

TENANT_APPS += [app for app in _plugin_manager.django_apps() if app not in TENANT_APPS]
INSTALLED_APPS = SHARED_APPS + [app for app in TENANT_APPS if app not in SHARED_APPS]

TENANT_MODEL = "tenants.Tenant"
TENANT_DOMAIN_MODEL = "tenants.Domain"
PUBLIC_SCHEMA_NAME = "public"
# One SET search_path per schema switch, not one before every query (django-tenants' default).
TENANT_LIMIT_SET_CALLS = True
TEMPLATE_SCHEMA_NAME = "tenant_template"
DATABASE_ROUTERS = ["django_tenants.routers.TenantSyncRouter"]
# migrate_schemas skips companies without a complete schema (deleted, being prepared).
GET_EXECUTOR_FUNCTION = "tenants.migration.get_executor"
SHOW_PUBLIC_IF_NO_TENANT_FOUND = False

MIDDLEWARE = [
    # /healthz and /readyz for probes, answered before host checks and HTTPS redirects.
    "saas_core.health.HealthCheckMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # Outside the host routing, so the unknown-workspace page and error pages carry the policy too.
    "csp.middleware.CSPMiddleware",
    "saas_core.middleware.TenantByHostMiddleware",
    "saas_core.request_memo.RequestMemoMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "saas_core.middleware.SecureCookiesMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "saas_core.middleware.UserPreferencesMiddleware",
    # When each company was last used (the vendor console's list), at most once per 5 minutes.
    "tenants.activity.TenantActivityMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # A read-only workspace (payment overdue, cancelled, suspended) refuses writes (PLT-05).
    "billing.middleware.ReadOnlyWorkspaceMiddleware",
    # A Stripe error no billing operation caught: a page saying what to do (503), not a 500.
    "billing.middleware.PaymentServiceErrorMiddleware",
    # Records who changed what (user, URL) for the data log's database triggers.
    "pghistory.middleware.HistoryMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # A module's pages and API answer 404 in a tenant where the module is off.
    "plugins.gate.ModuleGateMiddleware",
]

ROOT_URLCONF = "saas_core.urls"
PUBLIC_SCHEMA_URLCONF = "saas_core.urls_public"
WSGI_APPLICATION = "saas_core.wsgi.application"
ASGI_APPLICATION = "saas_core.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "web.context_processors.shell",
                "billing.context_processors.billing_banner",
            ],
        },
    },
]

# --- data -------------------------------------------------------------------------------
# Connections come from a pool per process (psycopg_pool through Django): under ASGI every
# request runs in a thread of its own, so per-thread persistent connections piled up (34 for
# 4 clients) and stayed open. Each request takes a connection and gives it back at its end;
# at most DATABASE_POOL_MAX_SIZE per process, a request waits DATABASE_POOL_TIMEOUT seconds
# for one (then 503, saas_core.busy). 0 = no pool and no persistent connections.
DATABASE_POOL_MAX_SIZE = int(os.environ.get("DATABASE_POOL_MAX_SIZE", "10"))
DATABASE_POOL_MIN_SIZE = int(os.environ.get("DATABASE_POOL_MIN_SIZE", "1"))
DATABASE_POOL_TIMEOUT = float(os.environ.get("DATABASE_POOL_TIMEOUT", "20"))
DATABASES = {
    "default": dj_database_url.parse(embedded.ensure_database_url(), conn_max_age=0),
}
DATABASES["default"]["ENGINE"] = "django_tenants.postgresql_backend"
# Short OLTP queries: PostgreSQL's JIT would spend tens of milliseconds compiling a plan whose
# estimate crosses jit_above_cost (a count over a large tenant) to save less than that.
DATABASES["default"].setdefault("OPTIONS", {}).setdefault("options", "-c jit=off")
if DATABASE_POOL_MAX_SIZE > 0:
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True  # a pooled connection may have died with a server restart
    DATABASES["default"]["OPTIONS"]["pool"] = {
        "min_size": min(DATABASE_POOL_MIN_SIZE, DATABASE_POOL_MAX_SIZE), "max_size": DATABASE_POOL_MAX_SIZE,
        "timeout": DATABASE_POOL_TIMEOUT, "max_idle": 60,
        # A returned connection forgets its tenant's search_path (django-tenants sets it again
        # on the next checkout anyway); see saas_core.dbpool.
        "reset": reset_connection,
    }
# Behind a PgBouncer in transaction pooling mode (README "PgBouncer"): no session state is
# relied on. The search_path is set per transaction (saas_core.pgbouncer_backend), named cursors
# and psycopg's automatic prepared statements (both per server session) are off, and the
# "options" startup parameter (jit=off), which PgBouncer 1.18 refuses, is left to the server
# (ALTER DATABASE ... SET jit = off).
DATABASE_TRANSACTION_POOLING = env_bool("DATABASE_TRANSACTION_POOLING", False)
# PostgreSQL itself, not the pooler: the connection session advisory locks are held on (signup,
# crm migrate; saas_core.advisory). Required with DATABASE_TRANSACTION_POOLING; else optional.
DATABASE_DIRECT_URL = os.environ.get("DATABASE_DIRECT_URL", "")
if DATABASE_TRANSACTION_POOLING:
    DATABASES["default"]["ENGINE"] = "saas_core.pgbouncer_backend"
    DATABASES["default"]["DISABLE_SERVER_SIDE_CURSORS"] = True
    DATABASES["default"]["OPTIONS"].pop("options", None)
    DATABASES["default"]["OPTIONS"]["prepare_threshold"] = None
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = embedded.ensure_redis_url()
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": REDIS_URL,
        # Cache keys carry the tenant (DESIGN.md "Tenancy").
        "KEY_FUNCTION": "django_tenants.cache.make_key",
        # Installations (or test processes) sharing one Redis database keep apart by prefix.
        "KEY_PREFIX": os.environ.get("CACHE_KEY_PREFIX", ""),
        "REVERSE_KEY_FUNCTION": "django_tenants.cache.reverse_key",
    }
}

# The real-time channel to browsers (saas_core.realtime): Django Channels over this Redis; the
# layer's prefix carries the database name (installations sharing one Redis keep apart).
CHANNEL_LAYERS = {
    "default": {
        "BACKEND": "saas_core.realtime.layer.InstallationChannelLayer",
        "CONFIG": {"hosts": [REDIS_URL]},
    }
}

# --- accounts and security --------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = ["django.contrib.auth.backends.ModelBackend"]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    # Django's, with a message its zh-Hans catalogue translates (saas_core.accounts.validators).
    {"NAME": "saas_core.accounts.validators.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
    # Django's list of 20,000 common passwords, also behind capitals, leetspeak and added digits
    # or symbols (Passw0rd!, P@ssword2024): ASVS 6.2.4.
    {"NAME": "saas_core.accounts.validators.CommonPasswordPatternValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "web:workbench"
LOGOUT_REDIRECT_URL = "accounts:login"

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
CSRF_COOKIE_SAMESITE = "Lax"
# Secure is set per request by SecureCookiesMiddleware when the request came over HTTPS;
# USE_HTTPS forces it for every cookie behind a TLS-terminating proxy.
SESSION_COOKIE_SECURE = USE_HTTPS
CSRF_COOKIE_SECURE = USE_HTTPS
# Same-origin form posts need no CSRF_TRUSTED_ORIGINS: every workspace posts to its own host.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if env_bool("BEHIND_PROXY") else None
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
# Content-Security-Policy on every response (django-csp; saas_core.content_security says why).
CONTENT_SECURITY_POLICY = content_security.policy(report_uri=os.environ.get("CSP_REPORT_URI", ""))

# X-Forwarded-For is honoured only when the direct peer is one of these (IPs or CIDRs).
TRUSTED_PROXIES = [ipaddress.ip_network(net, strict=False) for net in env_list("TRUSTED_PROXIES")]



def env_rate(name: str, default: str) -> str:
    """A rate such as ``20/min`` (saas_core.ratelimit), refused at start-up when malformed."""
    from django.core.exceptions import ImproperlyConfigured

    from saas_core.ratelimit import parse_rate

    value = os.environ.get(name, default)
    try:
        parse_rate(value)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name}: {exc}") from None
    return value


# Sign-in protection (saas_core.accounts.guard), the same on every sign-in path. Failures lock
# an account only for the client address they came from, so a stranger cannot lock the real
# user out; an address with many failures (any accounts) is refused for a while that doubles.
LOGIN_FAILURE_LIMIT = int(os.environ.get("LOGIN_FAILURE_LIMIT", "5"))
LOGIN_FAILURE_WINDOW_MINUTES = int(os.environ.get("LOGIN_FAILURE_WINDOW_MINUTES", "15"))
LOGIN_LOCK_MINUTES = int(os.environ.get("LOGIN_LOCK_MINUTES", "15"))
LOGIN_ADDRESS_FAILURE_LIMIT = int(os.environ.get("LOGIN_ADDRESS_FAILURE_LIMIT", "30"))
LOGIN_ADDRESS_BLOCK_MINUTES = int(os.environ.get("LOGIN_ADDRESS_BLOCK_MINUTES", "1"))
# Sign-in attempts per client address, and successful sign-ins per account (a script that
# has the password), on every sign-in path.
LOGIN_RATE = env_rate("LOGIN_RATE", "20/min")
LOGIN_ACCOUNT_RATE = env_rate("LOGIN_ACCOUNT_RATE", "10/min")
# Signups per client address: each one clones a whole schema.
SIGNUP_RATE = env_rate("SIGNUP_RATE", "5/hour")
# API requests per signed-in user (anonymous ones per client address), per company.
API_READ_RATE = env_rate("API_READ_RATE", "600/min")
API_WRITE_RATE = env_rate("API_WRITE_RATE", "120/min")
LOGIN_LOG_RETENTION_DAYS = int(os.environ.get("LOGIN_LOG_RETENTION_DAYS", "90"))
TRIAL_DAYS = int(os.environ.get("TRIAL_DAYS", "14"))
TRIAL_SEATS = int(os.environ.get("TRIAL_SEATS", "5"))

# --- billing (Stripe; locally and in tests localstripe on loopback) -----------------------
STRIPE_API_KEY = os.environ.get("STRIPE_API_KEY", "sk_test_localstripe")
# Empty: Stripe itself. ``crm run`` and the test suite point it at a localstripe server.
STRIPE_API_BASE = os.environ.get("STRIPE_API_BASE", "")
STRIPE_WEBHOOK_SECRET = os.environ.get("STRIPE_WEBHOOK_SECRET", "")
STRIPE_WEBHOOK_TOLERANCE = 300  # seconds; older signatures are refused as replays
# Days a company may stay past due before it turns read-only, read-only before it is
# cancelled, and cancelled (data kept, exportable) before its data is deleted.
BILLING_GRACE_DAYS = int(os.environ.get("BILLING_GRACE_DAYS", "7"))
BILLING_READ_ONLY_DAYS = int(os.environ.get("BILLING_READ_ONLY_DAYS", "30"))
BILLING_RETENTION_DAYS = int(os.environ.get("BILLING_RETENTION_DAYS", "90"))
EXPORT_LINK_HOURS = int(os.environ.get("EXPORT_LINK_HOURS", "24"))
# SMS module: how long a provider may take to answer, and the first retry's delay (doubling).
SMS_PROVIDER_TIMEOUT = float(os.environ.get("SMS_PROVIDER_TIMEOUT", "10"))
SMS_RETRY_BASE_SECONDS = int(os.environ.get("SMS_RETRY_BASE_SECONDS", "30"))
# Hosts, addresses or networks (comma-separated) that companies' SMS endpoints may point at although
# they are not public, also over http: the operator's private gateway, or a loopback test server.
SMS_ALLOWED_ENDPOINT_HOSTS = [h.strip() for h in os.environ.get("SMS_ALLOWED_ENDPOINT_HOSTS", "").split(",") if h.strip()]

# E-mail marketing (plugins/edm). SMTP servers a company may name on a private address (a relay in
# the same network); DNS servers the sending-domain check asks ("host:port"; empty: the system's);
# the SPF include shown to publish; how long a worker's lease on a batch of recipients lasts.
EDM_ALLOWED_SMTP_HOSTS = [h.strip() for h in os.environ.get("EDM_ALLOWED_SMTP_HOSTS", "").split(",") if h.strip()]
EDM_DNS_NAMESERVERS = [h.strip() for h in os.environ.get("EDM_DNS_NAMESERVERS", "").split(",") if h.strip()]
EDM_SPF_INCLUDE = os.environ.get("EDM_SPF_INCLUDE", "")
EDM_CLAIM_LEASE_SECONDS = int(os.environ.get("EDM_CLAIM_LEASE_SECONDS", "120"))
EDM_AUTO_PAUSE_MIN_SENT = int(os.environ.get("EDM_AUTO_PAUSE_MIN_SENT", "100"))
# Outbound throttles per transport over the providers' defaults, e.g. {"sms:aliyun": {"per_second": "50/s"}}.
SENDING_THROTTLES: dict = {}

# The same for the call-center module: a company's Asterisk PBX (AMI host) and its cloud vendor's
# click-to-dial API are reached only at public addresses, unless listed here (an office PBX on
# the operator's network, a loopback simulator in tests).
CALL_CENTER_ALLOWED_HOSTS = [h.strip() for h in os.environ.get("CALL_CENTER_ALLOWED_HOSTS", "").split(",") if h.strip()]

# --- i18n -------------------------------------------------------------------------------
LANGUAGE_CODE = os.environ.get("LANGUAGE_CODE", "zh-hans")
LANGUAGES = [("zh-hans", _("Simplified Chinese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "saas_core" / "locale"]
TIME_ZONE = os.environ.get("TIME_ZONE", "Asia/Shanghai")
# Date formats per language, one place (templates use the named formats: saas_core.formats).
FORMAT_MODULE_PATH = ["saas_core.formats"]
USE_I18N = True
USE_TZ = True

# --- static and media -------------------------------------------------------------------
STATIC_URL = "/static/"
# The container image collects static files at build time into a folder of its own (Dockerfile).
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT") or embedded.DATA_DIR / "static")
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # whitenoise warns about a missing folder
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", embedded.DATA_DIR / "media"))
MEDIA_URL = "/media/"
# Attachments (saas_core.attachments): the largest file one may upload, in megabytes.
ATTACHMENT_MAX_MB = int(os.environ.get("ATTACHMENT_MAX_MB", "20"))
# Imported spreadsheets (saas_core.imports.limits): checked cheaply at upload, read in the worker.
IMPORT_MAX_UNPACKED_MB = int(os.environ.get("IMPORT_MAX_UNPACKED_MB", "512"))
IMPORT_MAX_ROWS = int(os.environ.get("IMPORT_MAX_ROWS", "1000000"))
IMPORT_MAX_COLUMNS = int(os.environ.get("IMPORT_MAX_COLUMNS", "256"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG

# The data log records who changed what; reading pages changes no tracked record, so GET
# requests skip pghistory's per-query context round trip.
PGHISTORY_MIDDLEWARE_METHODS = ("POST", "PUT", "PATCH", "DELETE")

# --- e-mail -----------------------------------------------------------------------------
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend")
EMAIL_HOST = os.environ.get("EMAIL_HOST", "127.0.0.1")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "1025"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_TIMEOUT = 10
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", f"CRM <no-reply@{BASE_DOMAIN}>")
# Set only by ``crm run`` (the dev run) for its mail catcher: the folder its loopback SMTP server
# keeps messages in, listed at /dev/mail/ on the public site (saas_core.devmail). Empty: no page.
DEV_MAIL_DIR = os.environ.get("DEV_MAIL_DIR", "")

# --- API --------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # Token first: an anonymous call then gets 401 with WWW-Authenticate, not a bare 403.
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    # JSON only: DRF's browsable pages are styled inline, which the Content-Security-Policy
    # refuses; the API's browsable documentation is Swagger UI at /api/v1/docs/.
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": [
        "saas_core.api_parsers.JSONObjectParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_PAGINATION_CLASS": "saas_core.api.PageNumberPagination",
    "PAGE_SIZE": 20,
    "DEFAULT_SCHEMA_CLASS": "saas_core.api_schema.AutoSchema",
    "EXCEPTION_HANDLER": "saas_core.api.exception_handler",
    # Per user (anonymous: per client address) and company; 429 with Retry-After.
    "DEFAULT_THROTTLE_CLASSES": ["saas_core.throttling.RequestRateThrottle"],
    "DEFAULT_FILTER_BACKENDS": [
        "rest_framework.filters.SearchFilter",
        "rest_framework.filters.OrderingFilter",
    ],
}
SPECTACULAR_SETTINGS = {
    # Lazy: the schema is generated in the reader's language (saas_core.api_schema.ApiDocsView).
    "TITLE": _("CRM API"),
    "DESCRIPTION": _("Per-company REST API; call it on your workspace host."),
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "POSTPROCESSING_HOOKS": ["drf_spectacular.hooks.postprocess_schema_enums", "saas_core.api_schema.document_errors"],
    "ENUM_NAME_OVERRIDES": {
        "CustomerKindEnum": "saas_core.customers.models.Customer.Kind",
        "CustomerStatusEnum": "saas_core.customers.models.Customer.Status",
        "AudienceKindEnum": "plugins.sms.models.SmsAudience.Kind",
        "CompanyStatusEnum": "tenants.models.Tenant.Status",
        "ReceivableStatusEnum": "saas_core.payments.models.Confirmable",  # payment records and invoices
    },
}

# --- Celery -----------------------------------------------------------------------------
CELERY_BROKER_URL = embedded.celery_broker_url(REDIS_URL)
CELERY_RESULT_BACKEND = CELERY_BROKER_URL
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TIMEZONE = "UTC"
CELERY_BEAT_SCHEDULE = {
    "pools-reclaim": {"task": "saas_core.pools.tasks.reclaim_all_tenants", "schedule": 3600},
    "clear-expired-hot": {
        # hourly: each company's hot flags clear soon after its own midnight
        "task": "saas_core.customers.tasks.clear_expired_hot_all_tenants",
        "schedule": 3600,
    },
    "purge-recycle-bin": {
        "task": "saas_core.records.tasks.purge_expired_bin_all_tenants",
        "schedule": 3600,
    },
    "reminders-tick": {
        # timed reminders: fans out only to the tenants whose wake-up mark has come (activities)
        "task": "saas_core.activities.tasks.reminders_tick",
        "schedule": float(os.environ.get("REMINDER_TICK_SECONDS", "10")),
    },
    "activities-daily": {
        # hourly: each company's report drafts auto-submitted and care reminders made after its midnight
        "task": "saas_core.activities.tasks.daily_jobs_all_tenants",
        "schedule": 3600,
    },
    # hourly: each company's open quotes expire after its own midnight once their validity date passed
    "quotes-expire": {"task": "saas_core.quotes.tasks.expire_quotes_all_tenants", "schedule": 3600},
    # hourly: each company's contract renewal reminders, from its own date (idempotent per contract)
    "contracts-renewals": {"task": "saas_core.contracts.tasks.remind_renewals_all_tenants", "schedule": 3600},
    "payments-reminders": {"task": "saas_core.payments.tasks.remind_due_all_tenants", "schedule": 3600},
    "billing-lifecycle": {"task": "billing.tasks.advance_lifecycles", "schedule": 3600},
    # a signup whose process died while cloning leaves a hidden, half-made company behind
    "signup-sweep": {"task": "tenants.tasks.sweep_abandoned_signups", "schedule": 600},
    "attachments-orphans": {"task": "saas_core.attachments.tasks.sweep_orphan_files_all_tenants", "schedule": 86400},
    # inbound callbacks (delivery reports, bounces) whose processing task was lost
    "sending-callbacks-sweep": {"task": "saas_core.sending.tasks.sweep_callbacks_all_tenants", "schedule": 300},
    "company-exports-expire": {"task": "saas_core.exports.tasks.delete_expired_exports_all_tenants", "schedule": 3600},
    "purge-login-log": {
        "task": "saas_core.accounts.tasks.purge_login_log_all_tenants",
        "schedule": 6 * 3600,
    },
}

# Reminders (activities.delivery): a leased e-mail whose worker died is sent again after this long;
# a tenant dispatched by the tick but never settled is dispatched again after this long.
REMINDER_LEASE_SECONDS = int(os.environ.get("REMINDER_LEASE_SECONDS", "120"))
REMINDER_REDISPATCH_SECONDS = int(os.environ.get("REMINDER_REDISPATCH_SECONDS", "30"))
CELERY_BEAT_SCHEDULE.update(_plugin_manager.beat_schedule())

# --- errors and logs --------------------------------------------------------------------
SENTRY_DSN = os.environ.get("SENTRY_DSN", "")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"tenant": {"()": "django_tenants.log.TenantContextFilter"}},
    "formatters": {"tenant": {"format": "%(asctime)s %(levelname)s [%(schema_name)s] %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "filters": ["tenant"], "formatter": "tenant"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}, "stripe": {"level": "WARNING"}},
}

from saas_core.sentry import init_sentry  # noqa: E402

init_sentry(SENTRY_DSN)
