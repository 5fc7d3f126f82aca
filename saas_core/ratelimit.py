"""Counters and holds in Redis (the Django cache), shared by every web and worker process.

One mechanism for every limit: the API's throttles (``saas_core.api``), sign-ins
(``saas_core.accounts.guard``) and signup. Keys go through the cache's key function, so they
carry the tenant's schema: one company's traffic never spends another's budget.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.cache import cache

PERIODS = {"s": 1, "m": 60, "h": 3600, "d": 86400}

# INCR, and start the window's clock on the first hit, in one atomic step: racing processes
# can never both take the last unit, and a counter never outlives its window.
_INCR = """
local n = redis.call('INCR', KEYS[1])
local ttl = redis.call('TTL', KEYS[1])
if ttl < 0 then
  redis.call('EXPIRE', KEYS[1], ARGV[1])
  ttl = tonumber(ARGV[1])
end
return {n, ttl}
"""


@dataclass(frozen=True)
class Rate:
    limit: int
    seconds: int


def parse_rate(text: str) -> Rate | None:
    """``"20/min"``, ``"5/hour"``, ``"100/10s"`` → Rate; empty or ``off`` → no limit.

    The unit's first letter counts (s, m, h, d) as in DRF's rates; a number before it
    multiplies it.
    """
    text = (text or "").strip().lower()
    if text in {"", "off", "none"}:
        return None
    limit, _sep, period = text.partition("/")
    digits = "".join(ch for ch in period if ch.isdigit())
    unit = period[len(digits):][:1]
    if not limit.isdigit() or unit not in PERIODS:
        raise ValueError(f"not a rate: {text!r} (write e.g. 20/min, 5/hour, 100/10s, or off)")
    return Rate(int(limit), PERIODS[unit] * (int(digits) if digits else 1))


def _key(scope: str, ident: str) -> str:
    return cache.make_and_validate_key(f"throttle:{scope}:{ident}")


def _redis():
    # Django's RedisCache has no atomic "increment and expire"; its own redis-py client does.
    return cache._cache.get_client(write=True)


def incr(scope: str, ident: str, seconds: int) -> tuple[int, int]:
    """Count one more in a window of ``seconds`` that starts with its first count:
    (count so far, seconds until the window ends)."""
    count, ttl = _redis().eval(_INCR, 1, _key(scope, ident), int(seconds))
    return int(count), max(1, int(ttl))


def hit(scope: str, ident: str, rate: Rate | None) -> int:
    """Count one request; 0 when ``rate`` allows it, else the seconds to wait (Retry-After)."""
    if rate is None:
        return 0
    count, left = incr(scope, ident, rate.seconds)
    return 0 if count <= rate.limit else left


def peek(scope: str, ident: str) -> int:
    """The current window's count, without counting."""
    return int(_redis().get(_key(scope, ident)) or 0)


def reset(scope: str, ident: str) -> None:
    _redis().delete(_key(scope, ident))


def expire(scope: str, ident: str, seconds: int) -> None:
    """Keep a count for ``seconds`` from now (a lock's length), whatever its window was."""
    _redis().expire(_key(scope, ident), max(1, int(seconds)))


def hold(scope: str, ident: str, seconds: int) -> None:
    """Refuse ``ident`` for ``seconds`` (see ``held``)."""
    _redis().set(_key(scope, ident), 1, ex=max(1, int(seconds)))


def held(scope: str, ident: str) -> int:
    """Seconds left of a hold, 0 when there is none."""
    return max(0, int(_redis().ttl(_key(scope, ident))))


def too_many_requests(response, retry_after: int):
    """Turn a page into the answer of a refused request: 429 and when to try again."""
    response.status_code = 429
    response["Retry-After"] = str(int(retry_after))
    return response
