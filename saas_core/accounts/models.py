"""Users, the login log and one-time login tickets.

The app is installed in ``public`` (the vendor's staff) and in every tenant schema (the
company's users), so a user of one company cannot even be looked up from another.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext_lazy as _

from saas_core.i18n import TIME_ZONE_CHOICES


class Role(models.TextChoices):
    BOSS = "boss", _("Boss")
    DIRECTOR = "director", _("Director")
    MANAGER = "manager", _("Manager")
    DIRECTOR_ASSISTANT = "director_assistant", _("Director assistant")
    MANAGER_ASSISTANT = "manager_assistant", _("Manager assistant")
    SALES = "sales", _("Sales")
    CUSTOMER_SERVICE = "customer_service", _("Customer service")
    WAREHOUSE_KEEPER = "warehouse_keeper", _("Warehouse keeper")
    PURCHASER = "purchaser", _("Purchaser")
    SYSTEM_MAINTAINER = "system_maintainer", _("System maintainer")




class ActiveUserManager(UserManager):
    """Deleted users stay in the table (their records keep an owner) but are never listed."""

    def get_queryset(self):
        return super().get_queryset().filter(deleted_at__isnull=True)


class User(AbstractUser):
    name = models.CharField(_("full name"), max_length=100, blank=True)
    mobile = models.CharField(_("mobile"), max_length=30, blank=True)
    role = models.CharField(_("role"), max_length=32, choices=Role.choices, default=Role.SALES)
    language = models.CharField(_("language"), max_length=10, choices=settings.LANGUAGES, blank=True)
    time_zone = models.CharField(_("time zone"), max_length=64, choices=TIME_ZONE_CHOICES, blank=True)
    signature = models.TextField(_("signature"), blank=True)
    menu_mode = models.CharField(
        _("menu"), max_length=10, default="quick",
        choices=[("quick", _("Quick menu")), ("advanced", _("Advanced menu"))],
    )
    # The department lives in the tenant-only ``org`` app while this table also exists in the
    # public schema (vendor staff), so the column carries no constraint here; the org app's
    # migration 0002 adds the foreign key in tenant schemas only.
    department = models.ForeignKey(
        "org.Department", verbose_name=_("department"), null=True, blank=True, on_delete=models.SET_NULL,
        db_constraint=False, related_name="members",
    )
    superior = models.ForeignKey(
        "self", verbose_name=_("superior"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="subordinates",
    )
    # Every session's hash and this number go together (``_get_session_auth_hash``): moving it
    # on ends all of the user's sessions at once (accounts.services.revoke_sign_ins).
    auth_epoch = models.PositiveIntegerField(default=0, editable=False)
    deleted_at = models.DateTimeField(_("deleted"), null=True, blank=True, db_index=True)

    objects = ActiveUserManager()
    all_objects = UserManager()

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["username"]

    def __str__(self) -> str:
        return self.name or self.username

    @property
    def is_boss(self) -> bool:
        return self.role == Role.BOSS

    def _get_session_auth_hash(self, secret=None) -> str:
        """Django signs a session with an HMAC of the password hash, so a new password ends the
        other sessions; the epoch ends them too after a reset, disabling or a new role."""
        if not self.auth_epoch:  # sessions from before the epoch existed stay valid
            return super()._get_session_auth_hash(secret)
        return salted_hmac("saas_core.accounts.User.get_session_auth_hash", f"{self.password}:{self.auth_epoch}",
                           secret=secret, algorithm="sha256").hexdigest()


class LoginAttempt(models.Model):
    """One row per login attempt (ACC-03); written by accounts.services.attempt_login only."""

    class Reason(models.TextChoices):
        OK = "ok", _("Signed in")
        BAD_PASSWORD = "bad_password", _("Wrong password")
        UNKNOWN_USER = "unknown_user", _("Unknown user")
        DISABLED = "disabled", _("Account disabled")
        LOCKED = "locked", _("Account locked")
        THROTTLED = "throttled", _("Too many attempts")
        LOGOUT = "logout", _("Signed out")

    at = models.DateTimeField(_("time"), default=timezone.now, db_index=True)
    ip = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    user_agent = models.CharField(_("user agent"), max_length=400, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="login_attempts",
    )
    username = models.CharField(_("user name entered"), max_length=150)
    role = models.CharField(_("role"), max_length=32, choices=Role.choices, blank=True)
    success = models.BooleanField(_("success"))
    reason = models.CharField(_("reason"), max_length=20, choices=Reason.choices)

    class Meta:
        verbose_name = _("login attempt")
        verbose_name_plural = _("login log")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["user", "success", "at"])]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.username} {self.reason}"


class LoginTicket(models.Model):
    """A one-time, short-lived login link: carries a new Boss from signup into the workspace."""

    token_hash = models.CharField(max_length=64, unique=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"ticket for user {self.user_id}"
