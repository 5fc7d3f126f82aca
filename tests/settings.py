"""The product's settings plus apps that exist only for tests of generic mechanisms."""

import os

# Each test process keeps its cache keys (rate limits, sign-in locks) apart from the other
# xdist workers' on the shared Redis; the live servers and Celery workers it starts inherit it.
os.environ["CACHE_KEY_PREFIX"] = f"test-{os.environ.get('PYTEST_XDIST_WORKER', 'main')}-{os.getpid()}"

from saas_core.settings import *  # noqa: E402, F403
from saas_core.settings import INSTALLED_APPS, TENANT_APPS  # noqa: E402

# Two related business records, to exercise the recycle bin, data log and data scope the way
# later business models (customers and their contacts) will use them.
TENANT_APPS = [*TENANT_APPS, "tests.recordsapp"]
INSTALLED_APPS = [*INSTALLED_APPS, "tests.recordsapp"]
