"""Token buckets in the real Redis: a burst up to the limit, then the sustained rate; a recipient's
own limit; all buckets or none; racing workers never overdraw; companies never share a budget."""

from __future__ import annotations

import threading
import time

import pytest

from saas_core.sending import throttle
from saas_core.sending.throttle import Limits
from tests.conftest import in_tenant


def test_a_burst_up_to_the_limit_then_wait_for_the_refill():
    limits = Limits.parse(per_second="5/s")
    assert [throttle.take("t:burst", limits) for _ in range(5)] == [0.0] * 5
    wait = throttle.take("t:burst", limits)
    assert 0 < wait <= 0.21  # one token comes back every 0.2 s
    time.sleep(wait + 0.02)
    assert throttle.take("t:burst", limits) == 0.0


def test_the_same_recipient_has_its_own_limit_and_a_refusal_spends_nothing():
    limits = Limits.parse(per_hour="3/h", per_recipient=["1/min"])
    assert throttle.take("t:rcpt", limits, "a@x.cn") == 0.0
    assert 50 < throttle.take("t:rcpt", limits, "a@x.cn") <= 60  # the recipient's bucket is empty
    # the refusal took nothing from the hourly bucket: two more recipients still fit
    assert throttle.take("t:rcpt", limits, "b@x.cn") == 0.0
    assert throttle.take("t:rcpt", limits, "c@x.cn") == 0.0
    assert throttle.take("t:rcpt", limits, "d@x.cn") > 60  # 3 an hour, all taken


def test_operator_settings_override_the_defaults(settings):
    settings.SENDING_THROTTLES = {"sms:aliyun": {"per_second": "2/s", "per_recipient": ["1/min"]}}
    found = throttle.limits_for("sms:aliyun", Limits.parse(per_second="500/s"))
    assert found.per_second.limit == 2 and found.per_recipient[0].seconds == 60
    assert throttle.limits_for("sms:tencent", Limits.parse(per_second="3000/s")).per_second.limit == 3000


def test_racing_workers_never_overdraw_a_bucket():
    """16 threads at once, 40 takes each, against a 10-per-day bucket: exactly 10 granted."""
    limits = Limits.parse(per_day="10/d")
    barrier, granted, lock = threading.Barrier(16), [], threading.Lock()

    def worker():
        barrier.wait(timeout=30)
        mine = sum(1 for _ in range(40) if throttle.take("t:race", limits) == 0.0)
        with lock:
            granted.append(mine)

    threads = [threading.Thread(target=worker) for _ in range(16)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sum(granted) == 10


@pytest.mark.django_db
def test_companies_do_not_share_a_budget(tenant_a, tenant_b):
    limits = Limits.parse(per_day="1/d")
    with in_tenant(tenant_a):
        assert throttle.take("email:smtp", limits) == 0.0
        assert throttle.take("email:smtp", limits) > 0
    with in_tenant(tenant_b):
        assert throttle.take("email:smtp", limits) == 0.0
