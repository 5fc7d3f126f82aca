"""The product's settings plus apps that exist only for tests of generic mechanisms."""

from saas_core.settings import *  # noqa: F403
from saas_core.settings import INSTALLED_APPS, TENANT_APPS

# Two related business records, to exercise the recycle bin, data log and data scope the way
# later business models (customers and their contacts) will use them.
TENANT_APPS = [*TENANT_APPS, "tests.recordsapp"]
INSTALLED_APPS = [*INSTALLED_APPS, "tests.recordsapp"]
