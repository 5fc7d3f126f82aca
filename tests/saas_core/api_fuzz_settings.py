"""Settings of the uvicorn that tests/saas_core/test_api_schema.py fuzzes: the worker settings
(private Celery routing) without persistent database connections.

Under ASGI each request's sync code runs on a thread of its own, and with CONN_MAX_AGE each
thread keeps its connection open (issue 13, "Database connections leak"); a fuzz run of a
thousand requests would then exhaust the PostgreSQL server that the other tests share. Remove
this once the web process pools its connections.
"""

from tests.saas_core.worker_settings import *  # noqa: F403
from tests.saas_core.worker_settings import DATABASES

DATABASES["default"]["CONN_MAX_AGE"] = 0
