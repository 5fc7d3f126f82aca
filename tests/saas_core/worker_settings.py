"""Settings for the real Celery worker that tests/saas_core/test_celery_worker.py starts.

They are the product's settings with only the Celery *routing* isolated, because the worker
shares one Redis with other test runs (xdist workers, other engineers, a dev worker):

* ``CELERY_TASK_DEFAULT_QUEUE``: tasks the worker enqueues itself (``fan_out`` calls a plain
  ``task.delay()``) must land on the test's own queue, not on the shared default ``celery``
  queue where another worker would steal them (or nobody would consume them);
* ``global_keyprefix``: every broker key (queues, bindings, unacked sets) of this run lives
  under a unique prefix, so nothing in another run can see or restore our messages.

Everything else (database, result backend, tenancy, task code) is exactly the product's.
"""

import os

from saas_core.settings import *  # noqa: F403

CELERY_TASK_DEFAULT_QUEUE = os.environ["CRM_TEST_CELERY_QUEUE"]
CELERY_BROKER_TRANSPORT_OPTIONS = {"global_keyprefix": os.environ["CRM_TEST_CELERY_KEYPREFIX"]}
