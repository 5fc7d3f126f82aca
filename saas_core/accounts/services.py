"""Account operations: every web view, API endpoint, CLI command and task calls these."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from saas_core.accounts.models import LoginAttempt, LoginTicket, Role, User
from saas_core.net import client_ip


@dataclass
class LoginResult:
    user: User | None
    reason: str
    locked_until: object | None = None

    @property
    def success(self) -> bool:
        return self.reason == LoginAttempt.Reason.OK


def find_login_user(identifier: str) -> User | None:
    """A user by user name, or by e-mail when that is unambiguous."""
    identifier = identifier.strip()
    user = User.objects.filter(username__iexact=identifier).first()
    if user is None and "@" in identifier:
        matches = list(User.objects.filter(email__iexact=identifier)[:2])
        user = matches[0] if len(matches) == 1 else None
    return user


def attempt_login(request: HttpRequest | None, identifier: str, password: str) -> LoginResult:
    """Check credentials, record the attempt in the login log and lock after repeated failures.

    The user row is locked while counting failures so that parallel wrong guesses cannot slip
    past the limit.
    """
    now = timezone.now()
    with transaction.atomic():
        user = find_login_user(identifier)
        if user is not None:
            user = User.objects.select_for_update().get(pk=user.pk)
        if user is None:
            result = LoginResult(None, LoginAttempt.Reason.UNKNOWN_USER)
        elif user.is_locked(now):
            result = LoginResult(user, LoginAttempt.Reason.LOCKED, user.locked_until)
        elif not user.check_password(password):
            result = LoginResult(user, LoginAttempt.Reason.BAD_PASSWORD)
        elif not user.is_active:
            result = LoginResult(user, LoginAttempt.Reason.DISABLED)
        else:
            result = LoginResult(user, LoginAttempt.Reason.OK)
            user.last_login = now
            user.save(update_fields=["last_login"])
        record_attempt(request, identifier, result.user, result.reason, now)
        if result.reason == LoginAttempt.Reason.BAD_PASSWORD:
            result.locked_until = _lock_if_too_many_failures(user, now)
            if result.locked_until:
                result.reason = LoginAttempt.Reason.LOCKED
    return result


def _lock_if_too_many_failures(user: User, now) -> object | None:
    window_start = now - timedelta(minutes=settings.LOGIN_FAILURE_WINDOW_MINUTES)
    # Failures count from the later of the window start, the last success and the last lock's end.
    since = max(filter(None, [window_start, user.locked_until]))
    last_success = (
        LoginAttempt.objects.filter(user=user, success=True, at__gte=since).order_by("-at").values_list("at", flat=True).first()
    )
    if last_success:
        since = last_success
    failures = LoginAttempt.objects.filter(
        user=user, reason=LoginAttempt.Reason.BAD_PASSWORD, at__gt=since
    ).count()
    if failures >= settings.LOGIN_FAILURE_LIMIT:
        user.locked_until = now + timedelta(minutes=settings.LOGIN_LOCK_MINUTES)
        user.save(update_fields=["locked_until"])
        return user.locked_until
    return None


def record_attempt(request: HttpRequest | None, identifier: str, user: User | None, reason: str, at=None) -> LoginAttempt:
    meta = request.META if request is not None else {}
    return LoginAttempt.objects.create(
        at=at or timezone.now(),
        ip=client_ip(request) if request is not None else None,
        user_agent=meta.get("HTTP_USER_AGENT", "")[:400],
        user=user,
        username=(identifier or "")[:150],
        role=user.role if user else "",
        success=reason in (LoginAttempt.Reason.OK, LoginAttempt.Reason.LOGOUT),
        reason=reason,
    )


def login_failure_message(result: LoginResult) -> str:
    if result.reason == LoginAttempt.Reason.LOCKED:
        until = timezone.localtime(result.locked_until).strftime("%Y-%m-%d %H:%M")
        return _(
            "Too many failed attempts: this account is locked until %(until)s. "
            "Try again then, or ask your administrator to reset your password."
        ) % {"until": until}
    if result.reason == LoginAttempt.Reason.DISABLED:
        return _("This account has been disabled. Ask your administrator to enable it.")
    return _("The user name or password is wrong.")


def purge_login_log(retention_days: int | None = None) -> int:
    days = settings.LOGIN_LOG_RETENTION_DAYS if retention_days is None else retention_days
    deleted, _counts = LoginAttempt.objects.filter(at__lt=timezone.now() - timedelta(days=days)).delete()
    return deleted


# --- user administration ------------------------------------------------------------------

USER_FIELDS = ("name", "email", "mobile", "role", "language", "time_zone", "is_active", "department", "superior")


def _check_org_fields(user: User) -> None:
    """Department and superior rules live with the organisation (saas_core.org.services)."""
    if user.superior_id is None:
        return
    from saas_core.org import services as org_services

    org_services.lock_superiors()
    org_services.check_superior(user, user.superior)


def _check_username_free(username: str, exclude_pk: int | None = None) -> None:
    taken = User.all_objects.filter(username__iexact=username).exclude(pk=exclude_pk)
    if taken.filter(deleted_at__isnull=False).exists():
        raise ValidationError({"username": _("This user name belongs to a deleted user; choose another.")})
    if taken.exists():
        raise ValidationError({"username": _("This user name is already taken.")})


def create_user(*, username: str, password: str, **fields) -> User:
    """Create a user of the current tenant; every problem is reported at once, by field."""
    username = username.strip()
    user = User(username=username, **{k: v for k, v in fields.items() if k in USER_FIELDS})
    errors: dict[str, list[str]] = {}
    for check in (lambda: _check_username_free(username), lambda: user.full_clean(exclude=["password"], validate_unique=False),
                  lambda: _validate_password(password, user)):
        try:
            check()
        except ValidationError as exc:
            for field, messages in exc.message_dict.items():
                errors.setdefault(field, []).extend(m for m in messages if m not in errors.get(field, []))
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        if user.is_active:
            _check_seat_available()
        _check_org_fields(user)
        user.set_password(password)
        user.save()
    return user


def _check_seat_available() -> None:
    """The subscription's paid seats cap the active users (billing, PLT-05)."""
    from billing.services import check_seat_available

    check_seat_available()


def update_user(user: User, **fields) -> User:
    if "username" in fields and fields["username"] != user.username:
        _check_username_free(fields["username"], exclude_pk=user.pk)
        user.username = fields["username"].strip()
    for key, value in fields.items():
        if key in USER_FIELDS:
            setattr(user, key, value)
    _check_keeps_a_boss(user)
    user.full_clean(exclude=["password"])
    with transaction.atomic():
        if user.is_active and not User.all_objects.filter(pk=user.pk, is_active=True).exists():
            _check_seat_available()
        _check_org_fields(user)
        user.save()
    return user


def _check_keeps_a_boss(user: User) -> None:
    """A workspace always keeps at least one active Boss, or nobody could administer it."""
    if user.role == Role.BOSS and user.is_active and user.deleted_at is None:
        return
    others = User.objects.filter(role=Role.BOSS, is_active=True).exclude(pk=user.pk)
    if not others.exists():
        raise ValidationError(_("The workspace must keep at least one active Boss."))


def set_active(user: User, active: bool) -> User:
    was_active = User.all_objects.filter(pk=user.pk, is_active=True).exists()
    user.is_active = active
    _check_keeps_a_boss(user)
    with transaction.atomic():
        if active and not was_active:
            _check_seat_available()
        user.save(update_fields=["is_active"])
    return user


def delete_user(user: User, *, by: User) -> None:
    """Soft delete: the row stays so records keep their owner; the login is gone at once."""
    if user.pk == by.pk:
        raise ValidationError(_("You cannot delete your own account."))
    user.deleted_at = timezone.now()
    user.is_active = False
    _check_keeps_a_boss(user)
    user.save(update_fields=["deleted_at", "is_active"])
    from rest_framework.authtoken.models import Token

    Token.objects.filter(user=user).delete()


def _validate_password(password: str, user: User) -> None:
    try:
        password_validation.validate_password(password, user)
    except ValidationError as exc:
        raise ValidationError({"password": exc.messages}) from exc


def set_password(user: User, password: str) -> None:
    """Set a new password (admin reset or the user's own change) and lift a lock."""
    _validate_password(password, user)
    user.set_password(password)
    user.locked_until = None
    user.save(update_fields=["password", "locked_until"])


# --- one-time login tickets -----------------------------------------------------------------

TICKET_LIFETIME = timedelta(minutes=2)


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def issue_login_ticket(user: User) -> str:
    token = secrets.token_urlsafe(32)
    LoginTicket.objects.create(token_hash=_hash(token), user=user, expires_at=timezone.now() + TICKET_LIFETIME)
    return token


def redeem_login_ticket(token: str) -> User | None:
    """Use a ticket once: the conditional UPDATE makes a second redemption find nothing."""
    now = timezone.now()
    ticket = LoginTicket.objects.filter(token_hash=_hash(token), used_at__isnull=True, expires_at__gt=now).first()
    if ticket is None:
        return None
    claimed = LoginTicket.objects.filter(pk=ticket.pk, used_at__isnull=True).update(used_at=now)
    if not claimed:
        return None
    return User.objects.filter(pk=ticket.user_id, is_active=True).first()


def users_search(query: str):
    qs = User.objects.all()
    if query:
        qs = qs.filter(Q(username__icontains=query) | Q(name__icontains=query) | Q(email__icontains=query) | Q(mobile__icontains=query))
    return qs
