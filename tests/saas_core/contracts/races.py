"""Forcing two writers to overlap: the first runs its operation inside a transaction and keeps
it open until the second is seen *waiting on a lock* in pg_locks, then commits; so contention is
provoked on purpose, not left to luck on a busy machine."""

from __future__ import annotations

import queue
import threading
import time
from collections.abc import Callable

from django.db import connection, connections, transaction
from django.utils import translation
from django_tenants.utils import schema_context

LOCK_WAIT_TIMEOUT = 60  # a loaded machine is slow to start the second writer


def _wait_until_blocked(pid: int) -> None:
    deadline = time.monotonic() + LOCK_WAIT_TIMEOUT
    with connection.cursor() as cursor:
        while time.monotonic() < deadline:
            cursor.execute("SELECT 1 FROM pg_locks WHERE pid = %s AND NOT granted", [pid])
            if cursor.fetchone():
                return
            time.sleep(0.05)
    raise AssertionError("the second writer never waited for the first one's lock")


def hold_until_blocked(schema: str, first: Callable, second: Callable) -> tuple:
    """Run ``first`` and ``second`` in two threads (own connections) so that ``second`` waits on the
    lock ``first`` holds; returns their results (an exception is returned, not raised)."""
    pids: queue.Queue = queue.Queue()
    results: dict[str, object] = {}

    def run_first() -> None:
        try:
            with schema_context(schema), translation.override("en"), transaction.atomic():
                results["first"] = first()
                _wait_until_blocked(pids.get(timeout=LOCK_WAIT_TIMEOUT))
        except Exception as exc:  # noqa: BLE001 - handed to the test
            results["first"] = exc
        finally:
            connections.close_all()

    def run_second() -> None:
        try:
            with schema_context(schema), translation.override("en"):
                with connection.cursor() as cursor:
                    cursor.execute("SELECT pg_backend_pid()")
                    pids.put(cursor.fetchone()[0])
                results["second"] = second()
        except Exception as exc:  # noqa: BLE001 - handed to the test
            results["second"] = exc
        finally:
            connections.close_all()

    one = threading.Thread(target=run_first)
    one.start()
    # The second starts once the first holds its lock (it has run its operation): give it a moment.
    deadline = time.monotonic() + LOCK_WAIT_TIMEOUT
    while "first" not in results and time.monotonic() < deadline:
        time.sleep(0.02)
    two = threading.Thread(target=run_second)
    two.start()
    one.join(timeout=LOCK_WAIT_TIMEOUT * 2)
    two.join(timeout=LOCK_WAIT_TIMEOUT * 2)
    return results.get("first"), results.get("second")
