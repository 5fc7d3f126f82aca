"""Account operations: every web view, API endpoint, CLI command and task calls these."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta
from functools import lru_cache

from django.conf import settings
from django.contrib.auth import password_validation, update_session_auth_hash
from django.contrib.auth.hashers import check_password, make_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Q
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from saas_core.accounts import guard
from saas_core.accounts.models import LoginAttempt, LoginTicket, Role, User
from saas_core.net import client_ip


@dataclass
class LoginResult:
    user: User | None
    reason: str
    retry_after: int = 0  # seconds, when locked or throttled

    @property
    def success(self) -> bool:
        return self.reason == LoginAttempt.Reason.OK

    @property
    def refused_for_now(self) -> bool:
        """Locked or throttled: answered with 429 and Retry-After."""
        return self.reason in (LoginAttempt.Reason.LOCKED, LoginAttempt.Reason.THROTTLED)

    @property
    def locked_until(self):
        return timezone.now() + timedelta(seconds=self.retry_after) if self.retry_after else None


def find_login_user(identifier: str) -> User | None:
    """A user by user name, or by e-mail when that is unambiguous."""
    identifier = identifier.strip()
    user = User.objects.filter(username__iexact=identifier).first()
    if user is None and "@" in identifier:
        matches = list(User.objects.filter(email__iexact=identifier)[:2])
        user = matches[0] if len(matches) == 1 else None
    return user


@lru_cache(maxsize=1)
def _dummy_hash() -> str:
    return make_password(secrets.token_urlsafe(16))


def _password_matches(user: User | None, password: str) -> bool:
    """Runs the password hasher whether or not the account exists, so that the time of the
    answer does not tell a known account from an unknown one."""
    if user is None or not user.has_usable_password():
        check_password(password, _dummy_hash())
        return False
    return user.check_password(password)


def attempt_login(request: HttpRequest | None, identifier: str, password: str, *, staff_only: bool = False) -> LoginResult:
    """Check credentials on any sign-in path, record the attempt in the login log (ACC-03) and
    apply the sign-in protection of ``accounts.guard``. ``staff_only``: the vendor console,
    where anyone but the vendor's staff is an unknown account."""
    now = timezone.now()
    address = (client_ip(request) if request is not None else None) or "-"
    user = find_login_user(identifier)
    if user is not None and staff_only and not user.is_staff:
        user = None
    account = guard.account_key(user, identifier)
    refusal = guard.check_address(address) or guard.check_account(account, address)
    if refusal is not None:
        logged = LoginAttempt.Reason.LOCKED if refusal.locked else LoginAttempt.Reason.THROTTLED
    elif not _password_matches(user, password):
        # The log keeps what happened; the answer says "locked" when this failure starts a lock.
        logged = LoginAttempt.Reason.UNKNOWN_USER if user is None else LoginAttempt.Reason.BAD_PASSWORD
        refusal = guard.failed(account, address)
    elif not user.is_active:
        logged = LoginAttempt.Reason.DISABLED
    else:
        refusal = guard.succeeded(account, address)
        logged = LoginAttempt.Reason.THROTTLED if refusal else LoginAttempt.Reason.OK
    answer = logged
    if refusal is not None:
        answer = LoginAttempt.Reason.LOCKED if refusal.locked else LoginAttempt.Reason.THROTTLED
    with transaction.atomic():
        if answer == LoginAttempt.Reason.OK:
            User.objects.filter(pk=user.pk).update(last_login=now)
            user.last_login = now
        # A flood from one address is refused cheaply; the log shows it once a minute, not per request.
        if logged != LoginAttempt.Reason.THROTTLED or guard.first_refusal_this_minute(address):
            record_attempt(request, identifier, user, logged, now)
    return LoginResult(user, answer, refusal.retry_after if refusal else 0)


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
    """The same words for a known and an unknown account, so the answer tells nothing."""
    if result.refused_for_now:
        until = timezone.localtime(result.locked_until).strftime("%Y-%m-%d %H:%M")
        if result.reason == LoginAttempt.Reason.THROTTLED:
            return _("Too many sign-in attempts from your address. Try again after %(until)s.") % {"until": until}
        return _(
            "Too many failed attempts: this account is locked until %(until)s for sign-ins from your address. "
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


def create_user(*, username: str, password: str | None, **fields) -> User:
    """Create a user of the current tenant; every problem is reported at once, by field.

    ``password=None``: no password yet (an invited colleague chooses it from the invitation)."""
    username = username.strip()
    user = User(username=username, **{k: v for k, v in fields.items() if k in USER_FIELDS})
    errors: dict[str, list[str]] = {}
    checks = [lambda: _check_username_free(username), lambda: user.full_clean(exclude=["password"], validate_unique=False)]
    if password is not None:
        checks.append(lambda: _validate_password(password, user))
    for check in checks:
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
        if password is None:
            user.set_unusable_password()
        else:
            user.set_password(password)
        user.save()
    return user


# --- invitations -----------------------------------------------------------------------------


def invite_user(*, name: str, email: str, **fields) -> User:
    """A colleague invited by e-mail: an account without a password whose user name is the
    address (they sign in with it); ``send_invitation`` mails the link that sets the password."""
    email = (email or "").strip().lower()
    if email and User.all_objects.filter(Q(email__iexact=email) | Q(username__iexact=email)).exists():
        raise ValidationError({"email": _("A colleague already has this e-mail address.")})
    if not email:
        raise ValidationError({"email": _("Enter the colleague's e-mail address: the invitation goes there.")})
    return create_user(username=email, password=None, name=name.strip(), email=email, **fields)


def is_invited(user: User) -> bool:
    """Invited but not accepted yet: no password chosen and never signed in."""
    return not user.has_usable_password() and user.last_login is None


def invitation_path(user: User) -> str:
    """The path of ``user``'s invitation link (valid until they choose a password)."""
    from django.contrib.auth.tokens import default_token_generator
    from django.urls import reverse
    from django.utils.encoding import force_bytes
    from django.utils.http import urlsafe_base64_encode

    return reverse("accounts:invite_accept", kwargs={
        "uidb64": urlsafe_base64_encode(force_bytes(user.pk)), "token": default_token_generator.make_token(user),
    })


def send_invitation(user: User, *, base_url: str, by: User, company: str) -> bool:
    """Mail ``user`` their invitation in their language; False when the mail could not be sent
    (the account stays, and the Boss can send it again from the user list)."""
    import logging
    import smtplib

    from django.core.mail import EmailMessage
    from django.template.loader import render_to_string
    from django.utils import translation

    context = {"user": user, "by": by, "company": company, "link": base_url.rstrip("/") + invitation_path(user)}
    with translation.override(user.language or translation.get_language()):
        subject = render_to_string("accounts/email/invitation_subject.txt", context).strip()
        body = render_to_string("accounts/email/invitation.txt", context)
    try:
        EmailMessage(subject, body, to=[user.email]).send()
    except (OSError, smtplib.SMTPException):
        logging.getLogger(__name__).exception("the invitation to user %s could not be sent", user.pk)
        return False
    return True


def _check_seat_available() -> None:
    """The subscription's paid seats cap the active users (billing, PLT-05)."""
    from billing.services import check_seat_available

    check_seat_available()


def update_user(user: User, **fields) -> User:
    """Save an admin's changes; a new role or a disabled login ends the user's sessions and
    API tokens at once (their next request must sign in again, with the new rights)."""
    before = User.all_objects.filter(pk=user.pk).values("role", "is_active").first() or {}
    if "username" in fields and fields["username"] != user.username:
        _check_username_free(fields["username"], exclude_pk=user.pk)
        user.username = fields["username"].strip()
    for key, value in fields.items():
        if key in USER_FIELDS:
            setattr(user, key, value)
    _check_keeps_a_boss(user)
    user.full_clean(exclude=["password"])
    with transaction.atomic():
        if user.is_active and not before.get("is_active"):
            _check_seat_available()
        _check_org_fields(user)
        user.save()
        if before and (before["role"] != user.role or (before["is_active"] and not user.is_active)):
            revoke_sign_ins(user)
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
        if not active:
            revoke_sign_ins(user)
    return user


def delete_user(user: User, *, by: User) -> None:
    """Soft delete: the row stays so records keep their owner; the login is gone at once."""
    if user.pk == by.pk:
        raise ValidationError(_("You cannot delete your own account."))
    user.deleted_at = timezone.now()
    user.is_active = False
    _check_keeps_a_boss(user)
    with transaction.atomic():
        user.save(update_fields=["deleted_at", "is_active"])
        revoke_sign_ins(user)


def _validate_password(password: str, user: User) -> None:
    try:
        password_validation.validate_password(password, user)
    except ValidationError as exc:
        raise ValidationError({"password": exc.messages}) from exc


def set_password(user: User, password: str, *, keep: HttpRequest | None = None) -> None:
    """Set a new password (an admin's reset, or the user's own change with ``keep``, their
    current request, whose session stays signed in); every other session and token ends."""
    _validate_password(password, user)
    user.set_password(password)
    with transaction.atomic():
        user.save(update_fields=["password"])
        revoke_sign_ins(user, keep=keep)


def revoke_sign_ins(user: User, *, keep: HttpRequest | None = None) -> None:
    """End all of ``user``'s sessions and API tokens at once: after a password reset or
    change, disabling, or a new role, nothing signed in before may go on acting.

    Moving ``auth_epoch`` on changes the hash every session is checked against on its next
    request (also in ``public``, for vendor staff); ``keep`` re-signs the current session of
    a user changing their own password.
    """
    from rest_framework.authtoken.models import Token

    User.all_objects.filter(pk=user.pk).update(auth_epoch=F("auth_epoch") + 1)
    user.refresh_from_db(fields=["auth_epoch"])
    Token.objects.filter(user_id=user.pk).delete()
    if keep is not None and getattr(keep, "user", None) is not None and keep.user.pk == user.pk:
        update_session_auth_hash(keep, user)


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
