"""Sign-in protection, the same for every sign-in path (workspace page and API token, vendor
console page and API): counters in Redis through ``saas_core.ratelimit``.

- An account is locked after LOGIN_FAILURE_LIMIT failures only **for the client address they
  came from**: a stranger guessing the Boss's password locks themself out, not the Boss.
- An address with LOGIN_ADDRESS_FAILURE_LIMIT failures (any accounts) is refused for
  LOGIN_ADDRESS_BLOCK_MINUTES, doubling with each further block within a day.
- LOGIN_RATE caps attempts per address (each one costs a slow password hash), and
  LOGIN_ACCOUNT_RATE successful sign-ins per account (a script holding the password).

An unknown account name is counted and locked exactly like a known one, so the answers cannot
tell them apart. Keys carry the tenant's schema (the cache's key function), and a known
account's key carries its ``auth_epoch``, so a password reset lifts its locks.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from django.conf import settings

from saas_core import ratelimit

DAY = 86400


@dataclass(frozen=True)
class Refusal:
    """Why a sign-in is refused without looking at the password, and for how long."""

    locked: bool  # True: this account from this address; False: this address, any account
    retry_after: int  # seconds


def account_key(user, identifier: str) -> str:
    if user is not None:
        return f"u{user.pk}.{user.auth_epoch}"
    return "n" + hashlib.sha256(identifier.strip().lower().encode()).hexdigest()[:32]


def _pair(account: str, address: str) -> str:
    return f"{account}@{address}"


def _window() -> int:
    return settings.LOGIN_FAILURE_WINDOW_MINUTES * 60


def check_address(address: str) -> Refusal | None:
    """Before anything else: is this address blocked or over its rate? Counts the attempt."""
    left = ratelimit.held("signin-block", address)
    if left:
        return Refusal(False, left)
    wait = ratelimit.hit("signin", address, ratelimit.parse_rate(settings.LOGIN_RATE))
    return Refusal(False, wait) if wait else None


def check_account(account: str, address: str) -> Refusal | None:
    """Is this account locked for this address? Reserves the attempt as a failure until the
    password proves right, in the same atomic step that reads the count, so parallel guesses
    cannot slip past the limit. The count itself is the lock: past the limit, it is refused
    until the key expires (``failed`` stretches it to LOGIN_LOCK_MINUTES)."""
    count, left = ratelimit.incr("signin-fail", _pair(account, address), _window())
    return Refusal(True, left) if count > settings.LOGIN_FAILURE_LIMIT else None


def failed(account: str, address: str) -> Refusal | None:
    """A wrong password: the failure reserved by ``check_account`` stays counted. Returns the
    lock when this failure reaches the limit (the answer then says so at once)."""
    address_failures, _left = ratelimit.incr("signin-address-fail", address, _window())
    if address_failures >= settings.LOGIN_ADDRESS_FAILURE_LIMIT:
        strikes, _left = ratelimit.incr("signin-strikes", address, DAY)
        minutes = settings.LOGIN_ADDRESS_BLOCK_MINUTES * 2 ** min(strikes - 1, 16)
        ratelimit.hold("signin-block", address, min(minutes * 60, DAY))
        ratelimit.reset("signin-address-fail", address)
    pair = _pair(account, address)
    if ratelimit.peek("signin-fail", pair) >= settings.LOGIN_FAILURE_LIMIT:
        seconds = int(settings.LOGIN_LOCK_MINUTES * 60)
        ratelimit.expire("signin-fail", pair, seconds)
        return Refusal(True, max(1, seconds))
    return None


def succeeded(account: str, address: str) -> Refusal | None:
    """The right password: the failures from this address are forgiven. Refused (not locked)
    when the account signs in more often than LOGIN_ACCOUNT_RATE allows."""
    ratelimit.reset("signin-fail", _pair(account, address))
    wait = ratelimit.hit("signin-ok", account, ratelimit.parse_rate(settings.LOGIN_ACCOUNT_RATE))
    return Refusal(False, wait) if wait else None


def first_refusal_this_minute(address: str) -> bool:
    """Whether a throttled attempt from ``address`` is the first of its minute (to log)."""
    count, _left = ratelimit.incr("signin-throttled-logged", address, 60)
    return count == 1
