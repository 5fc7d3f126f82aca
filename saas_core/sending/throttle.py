"""Token-bucket throttles per transport, in Redis, shared by every worker process.

A transport (``sms:aliyun``, ``email:smtp``...) has buckets per second, hour and day, and per
recipient (the same number or address) for each of its rates. A send takes one token from every
bucket that applies, all or none, in one Lua script: racing workers can never overdraw a bucket,
and a send refused by one bucket spends nothing from the others. Buckets refill continuously
(``capacity`` tokens per window), so a burst up to the window's limit goes at once and the rest
follows at the sustained rate. Keys go through the cache's key function (they carry the tenant's
schema): a company's sends never spend another company's budget.

Defaults are the providers' published limits; the operator may override any transport with the
``SENDING_THROTTLES`` setting: ``{"sms:aliyun": {"per_second": "50/s", "per_recipient": ["1/min"]}}``.
"""

from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass, field

from django.conf import settings

from saas_core import ratelimit
from saas_core.ratelimit import Rate, parse_rate

_TAKE = """
local t = redis.call('TIME')
local now = tonumber(t[1]) + tonumber(t[2]) / 1000000
local wait = 0
local tokens = {}
for i = 1, #KEYS do
  local cap = tonumber(ARGV[2 * i - 1])
  local rate = tonumber(ARGV[2 * i])
  local v = redis.call('HMGET', KEYS[i], 'tokens', 'ts')
  local have = tonumber(v[1]) or cap
  local ts = tonumber(v[2]) or now
  have = math.min(cap, have + math.max(0, now - ts) * rate)
  tokens[i] = have
  if have < 1 then
    local w = (1 - have) / rate
    if w > wait then wait = w end
  end
end
if wait > 0 then return tostring(wait) end
for i = 1, #KEYS do
  local cap = tonumber(ARGV[2 * i - 1])
  local rate = tonumber(ARGV[2 * i])
  redis.call('HSET', KEYS[i], 'tokens', tostring(tokens[i] - 1), 'ts', tostring(now))
  redis.call('EXPIRE', KEYS[i], math.ceil(cap / rate) + 1)
end
return '0'
"""


@dataclass(frozen=True)
class Limits:
    per_second: Rate | None = None
    per_hour: Rate | None = None
    per_day: Rate | None = None
    per_recipient: tuple[Rate, ...] = field(default_factory=tuple)

    @classmethod
    def parse(cls, per_second: str = "", per_hour: str = "", per_day: str = "",
              per_recipient: tuple[str, ...] | list[str] = ()) -> Limits:
        return cls(parse_rate(per_second), parse_rate(per_hour), parse_rate(per_day),
                   tuple(r for r in (parse_rate(text) for text in per_recipient) if r is not None))

    def __bool__(self) -> bool:
        return bool(self.per_second or self.per_hour or self.per_day or self.per_recipient)


NONE = Limits()


def limits_for(transport: str, defaults: Limits = NONE) -> Limits:
    """The transport's limits: the operator's ``SENDING_THROTTLES`` entry over the defaults."""
    override = (getattr(settings, "SENDING_THROTTLES", None) or {}).get(transport)
    if override is None:
        return defaults
    return Limits.parse(**override)


def _bucket(scope: str, rate: Rate) -> tuple[str, float, float]:
    return ratelimit._key("sending", f"{scope}:{rate.limit}/{rate.seconds}"), float(rate.limit), rate.limit / rate.seconds


def take(transport: str, limits: Limits, recipient: str = "") -> float:
    """Take a token for one send: 0.0 when it may go now, else the seconds until it may (nothing taken)."""
    if not limits:
        return 0.0
    buckets = [_bucket(transport, rate) for rate in (limits.per_second, limits.per_hour, limits.per_day) if rate]
    if recipient:
        who = hashlib.sha256(recipient.encode()).hexdigest()[:24]
        buckets += [_bucket(f"{transport}:to:{who}", rate) for rate in limits.per_recipient]
    if not buckets:
        return 0.0
    args = [value for _key, cap, rate in buckets for value in (cap, rate)]
    wait = ratelimit._redis().eval(_TAKE, len(buckets), *[key for key, _c, _r in buckets], *args)
    return float(wait)


def wait_for(transport: str, limits: Limits, recipient: str = "", *, max_wait: float = 60.0) -> bool:
    """Block (a worker sending a batch) until a token is taken; False when it would take longer than ``max_wait``."""
    deadline = time.monotonic() + max_wait
    while True:
        wait = take(transport, limits, recipient)
        if wait <= 0:
            return True
        if time.monotonic() + wait > deadline:
            return False
        time.sleep(wait)


def reset(transport: str, limits: Limits, recipient: str = "") -> None:
    """Forget a transport's buckets (tests, and an operator who raised a limit)."""
    keys = [_bucket(transport, r)[0] for r in (limits.per_second, limits.per_hour, limits.per_day) if r]
    if recipient:
        who = hashlib.sha256(recipient.encode()).hexdigest()[:24]
        keys += [_bucket(f"{transport}:to:{who}", r)[0] for r in limits.per_recipient]
    if keys:
        ratelimit._redis().delete(*keys)
