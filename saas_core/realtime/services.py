"""Pushing events to users' open tabs, and what a reconnecting tab is sent again.

``notify_user`` is the one way to push: after the surrounding transaction commits (an event
about a rolled-back change is never seen), to the user's group in the current company's schema.
An event is a JSON-able dict with a ``"type"`` (``"call.ringing"``, ...); the browser hands it to
the page as a ``crm:event`` DOM event (web/static/web/realtime.js).
"""

from __future__ import annotations

import asyncio
import logging
import os
import threading
from collections.abc import Callable

from django.conf import settings
from django.db import connection, transaction

from saas_core.realtime.groups import user_group

log = logging.getLogger(__name__)

MESSAGE_TYPE = "crm.event"
PUBLISH_TIMEOUT = 5

# Sources of events a tab should see again after (re)connecting: fn(user) -> list of events,
# called in the user's company schema. Registered at start-up (the plugins app feeds the
# modules' ``crm_realtime_pending`` hook here).
_pending_sources: list[Callable] = []


def register_pending_source(source: Callable) -> None:
    if source not in _pending_sources:
        _pending_sources.append(source)


def pending_events(user) -> list[dict]:
    """Every registered source's events for ``user`` (a failing source is logged and skipped)."""
    events: list[dict] = []
    for source in _pending_sources:
        try:
            events.extend(source(user) or ())
        except Exception:
            log.exception("realtime pending source %r failed", source)
    return events


def _current_schema() -> str:
    schema = getattr(connection, "schema_name", None)
    if not schema or schema in (settings.PUBLIC_SCHEMA_NAME, settings.TEMPLATE_SCHEMA_NAME):
        raise ValueError("notify_user needs a company schema (a request's host or a task's tenant)")
    return schema


_loop: asyncio.AbstractEventLoop | None = None
_loop_pid = 0
_loop_lock = threading.Lock()


def _publisher_loop() -> asyncio.AbstractEventLoop:
    """One event loop per process, in a thread of its own, for every publish: the channel layer
    keeps its Redis connections per loop, so a loop per call (``async_to_sync``) would connect
    to Redis on every event. Made again in a forked child (Celery's workers)."""
    global _loop, _loop_pid
    with _loop_lock:
        if _loop is None or _loop_pid != os.getpid() or _loop.is_closed():
            _loop = asyncio.new_event_loop()
            _loop_pid = os.getpid()
            threading.Thread(target=_loop.run_forever, name="realtime-publisher", daemon=True).start()
        return _loop


def publish(group: str, event: dict) -> None:
    """Send ``event`` to ``group`` now (no transaction handling; ``notify_user`` is the API)."""
    from channels.layers import get_channel_layer

    layer = get_channel_layer()
    message = {"type": MESSAGE_TYPE, "event": event}
    asyncio.run_coroutine_threadsafe(layer.group_send(group, message), _publisher_loop()).result(PUBLISH_TIMEOUT)


def notify_user(user_id: int, event: dict, *, schema: str | None = None) -> None:
    """Push ``event`` to every open tab of ``user_id`` in the current company, once committed."""
    if not isinstance(event.get("type"), str):
        raise ValueError("an event needs a type")
    group = user_group(schema or _current_schema(), user_id)

    def send() -> None:
        try:
            publish(group, event)
        except Exception:
            # The channel is best effort: a tab that missed it asks for pending events.
            log.exception("realtime publish to %s failed", group)

    transaction.on_commit(send)


def notify_users(user_ids, event: dict, *, schema: str | None = None) -> None:
    for user_id in dict.fromkeys(user_ids):
        notify_user(user_id, event, schema=schema)
