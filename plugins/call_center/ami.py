"""The Asterisk adapter: one long-running asyncio process (``crm ami``) for the installation.

- ``Supervisor`` finds every company where the module is on and the telephony is an Asterisk
  PBX, keeps one ``AmiClient`` per company (restarted when its settings change, stopped when the
  module or the setting goes), and forwards click-to-dial requests (a Redis list, see
  ``originate.originate_queue``) to the right company's PBX as an ``Originate``.
- ``AmiClient`` speaks the Asterisk Manager Interface over TCP: the banner, ``Login`` with the
  MD5 challenge when the PBX offers it (else the plain secret), ``Events: on``, a ``Ping`` every
  20 s, and reconnects with back-off (1, 2, 4 … 30 s, jittered) after the PBX drops, logging in
  again. A malformed frame is logged and skipped; the connection goes on.
- ``translate`` turns Asterisk's documented events (DialBegin/DialEnd, AgentCalled/AgentConnect,
  Hangup) into our ``TelephonyEvent``s, keyed by the call's ``Linkedid``. Each event's sequence is
  a checksum of the frame, so the same frame sent twice is stored once.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import itertools
import json
import logging
import random
import zlib
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from plugins.call_center.models import Direction, EventKind, Result
from plugins.call_center.services import TelephonyEvent

log = logging.getLogger(__name__)

MAX_FRAME_BYTES = 64 * 1024
PING_SECONDS = 20
READ_TIMEOUT_SECONDS = 60
ACTION_TIMEOUT_SECONDS = 10
BACKOFF_SECONDS = (1, 2, 4, 8, 16, 30)
BUSY_CAUSES = {"17"}
FAILED_CAUSES = {"1", "3", "27", "28", "34", "38"}


class AmiLoginError(Exception):
    pass


# --- framing ------------------------------------------------------------------------------------


def encode(fields: dict) -> bytes:
    return "".join(f"{key}: {value}\r\n" for key, value in fields.items()).encode() + b"\r\n"


async def read_frame(reader: asyncio.StreamReader) -> dict:
    """One frame (``Key: Value`` lines up to a blank line); lines without a colon are skipped,
    an oversized frame is dropped (returned empty). Raises ConnectionError at end of stream."""
    lines: list[str] = []
    size = 0
    while True:
        try:
            line = await reader.readline()
        except ValueError:  # a line longer than the stream's limit: consumed, and the frame dropped
            size += MAX_FRAME_BYTES + 1
            continue
        if not line:
            raise ConnectionError("the PBX closed the connection")
        size += len(line)
        text = line.decode("utf-8", "replace").rstrip("\r\n")
        if not text:
            if lines or size > MAX_FRAME_BYTES:
                break
            size = 0
            continue
        if size <= MAX_FRAME_BYTES:
            lines.append(text)
    if size > MAX_FRAME_BYTES:
        log.warning("AMI frame of %s bytes dropped", size)
        return {}
    frame: dict[str, str] = {}
    for text in lines:
        key, sep, value = text.partition(":")
        if not sep or not key.strip():
            log.warning("malformed AMI line skipped: %r", text[:200])
            continue
        frame.setdefault(key.strip(), value.strip())
    return frame


# --- events ---------------------------------------------------------------------------------------


def _resource(channel: str) -> str:
    """``PJSIP/801-0000001a`` → ``801``; ``Local/802@from-queue-000;1`` → ``802``."""
    if not channel or "/" not in channel:
        return ""
    resource = channel.split("/", 1)[1]
    resource = resource.split("@", 1)[0].split(";", 1)[0]
    return resource.rsplit("-", 1)[0] if "-" in resource else resource


def _at(frame: dict) -> datetime:
    stamp = frame.get("Timestamp")
    try:
        return datetime.fromtimestamp(float(stamp), UTC) if stamp else datetime.now(UTC)
    except (ValueError, OverflowError, OSError):
        return datetime.now(UTC)


def _sequence(frame: dict) -> int:
    return zlib.crc32(json.dumps(sorted(frame.items())).encode())


def translate(frame: dict) -> TelephonyEvent | None:
    """Our event for one AMI event frame, or None for the many we do not need."""
    name = frame.get("Event", "")
    call_id = frame.get("Linkedid") or frame.get("Uniqueid") or ""
    if not call_id:
        return None
    base = {"vendor": "ami", "call_id": call_id, "at": _at(frame), "sequence": _sequence(frame),
            "direction": Direction.INBOUND}
    caller = frame.get("CallerIDNum", "")
    if caller in ("<unknown>", "unknown"):
        caller = ""
    if name in ("DialBegin", "AgentCalled"):
        agent = _resource(frame.get("DestChannel", "")) or _resource(frame.get("Interface", ""))
        return TelephonyEvent(event=EventKind.RINGING, caller=caller[:50],
                              callee=(frame.get("DestCallerIDNum") or frame.get("Exten") or "")[:50],
                              agents=[agent] if agent else [], queue=frame.get("Queue", "")[:50], **base)
    if (name == "DialEnd" and frame.get("DialStatus") == "ANSWER") or name == "AgentConnect":
        agent = _resource(frame.get("DestChannel", "")) or _resource(frame.get("Interface", ""))
        return TelephonyEvent(event=EventKind.ANSWERED, agents=[agent] if agent else [], caller=caller[:50], **base)
    if name == "Hangup" and frame.get("Uniqueid") == frame.get("Linkedid"):
        cause = frame.get("Cause", "")
        result = Result.BUSY if cause in BUSY_CAUSES else Result.FAILED if cause in FAILED_CAUSES else ""
        return TelephonyEvent(event=EventKind.ENDED, result=result, caller=caller[:50], **base)
    return None


# --- one PBX ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class AmiConfig:
    schema: str
    host: str
    port: int
    username: str
    secret: str
    context: str = "from-internal"


class AmiClient:
    """One company's PBX connection; ``on_event(schema, [TelephonyEvent])`` gets its calls' events."""

    def __init__(self, config: AmiConfig, on_event: Callable[[str, list[TelephonyEvent]], Awaitable[None]],
                 backoff: tuple[float, ...] = BACKOFF_SECONDS):
        self.config = config
        self.on_event = on_event
        self.backoff = backoff
        self.logged_in = asyncio.Event()
        self.logins = 0
        self._stop = asyncio.Event()
        self._writer: asyncio.StreamWriter | None = None
        self._pending: dict[str, asyncio.Future] = {}
        self._ids = itertools.count(1)

    async def run(self) -> None:
        failures = 0
        while not self._stop.is_set():
            try:
                await self._session()
                failures = 0
            except (OSError, ConnectionError, TimeoutError, AmiLoginError) as exc:
                log.warning("AMI %s (%s:%s): %s", self.config.schema, self.config.host, self.config.port, exc)
            except Exception:
                log.exception("AMI %s: unexpected failure", self.config.schema)
            finally:
                self.logged_in.clear()
                self._fail_pending()
            if self._stop.is_set():
                break
            delay = self.backoff[min(failures, len(self.backoff) - 1)] * random.uniform(0.8, 1.0)
            failures += 1
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._stop.wait(), delay)

    async def stop(self) -> None:
        self._stop.set()
        if self._writer is not None:
            with contextlib.suppress(Exception):
                self._writer.write(encode({"Action": "Logoff"}))
                self._writer.close()

    async def _session(self) -> None:
        reader, writer = await asyncio.wait_for(
            asyncio.open_connection(self.config.host, self.config.port), ACTION_TIMEOUT_SECONDS)
        self._writer = writer
        try:
            banner = await asyncio.wait_for(reader.readline(), ACTION_TIMEOUT_SECONDS)
            if not banner.startswith(b"Asterisk Call Manager"):
                raise ConnectionError(f"not an AMI server: {banner[:60]!r}")
            reading = asyncio.create_task(self._read(reader))
            try:
                await self._login()
                self.logins += 1
                self.logged_in.set()
                log.info("AMI %s logged in to %s:%s", self.config.schema, self.config.host, self.config.port)
                pinging = asyncio.create_task(self._ping())
                try:
                    await reading
                finally:
                    pinging.cancel()
            finally:
                reading.cancel()
                with contextlib.suppress(asyncio.CancelledError, Exception):
                    await reading
        finally:
            self._writer = None
            writer.close()

    async def _read(self, reader: asyncio.StreamReader) -> None:
        while True:
            frame = await asyncio.wait_for(read_frame(reader), READ_TIMEOUT_SECONDS)
            if not frame:
                continue
            action_id = frame.get("ActionID")
            if "Response" in frame and action_id in self._pending:
                future = self._pending.pop(action_id)
                if not future.done():
                    future.set_result(frame)
            elif "Event" in frame:
                event = translate(frame)
                if event is not None:
                    try:
                        await self.on_event(self.config.schema, [event])
                    except Exception:
                        log.exception("AMI %s: an event could not be stored: %s", self.config.schema, frame)

    async def action(self, fields: dict) -> dict:
        if self._writer is None:
            raise ConnectionError("not connected")
        action_id = f"crm-{next(self._ids)}"
        future = asyncio.get_running_loop().create_future()
        self._pending[action_id] = future
        self._writer.write(encode({**fields, "ActionID": action_id}))
        await self._writer.drain()
        try:
            return await asyncio.wait_for(future, ACTION_TIMEOUT_SECONDS)
        finally:
            self._pending.pop(action_id, None)

    def _fail_pending(self) -> None:
        for future in self._pending.values():
            if not future.done():
                future.set_exception(ConnectionError("the connection dropped"))
        self._pending.clear()

    async def _login(self) -> None:
        challenge = await self.action({"Action": "Challenge", "AuthType": "MD5"})
        if challenge.get("Response") == "Success" and challenge.get("Challenge"):
            key = hashlib.md5((challenge["Challenge"] + self.config.secret).encode(), usedforsecurity=False).hexdigest()
            answer = await self.action({"Action": "Login", "AuthType": "MD5", "Username": self.config.username,
                                        "Key": key, "Events": "on"})
        else:
            answer = await self.action({"Action": "Login", "Username": self.config.username,
                                        "Secret": self.config.secret, "Events": "on"})
        if answer.get("Response") != "Success":
            raise AmiLoginError(answer.get("Message") or "login refused")

    async def _ping(self) -> None:
        while True:
            await asyncio.sleep(PING_SECONDS)
            try:
                await self.action({"Action": "Ping"})
            except (ConnectionError, TimeoutError):
                if self._writer is not None:
                    self._writer.close()  # the read loop ends; run() reconnects
                return

    async def originate(self, *, extension: str, number: str, call_id: str, context: str) -> dict:
        """Ring ``extension`` first, then dial ``number``; the channel's Uniqueid (and so the
        events' Linkedid) is our ``call_id``, which ties the PBX's events to the logged call."""
        await asyncio.wait_for(self.logged_in.wait(), ACTION_TIMEOUT_SECONDS)
        return await self.action({"Action": "Originate", "Channel": f"PJSIP/{extension}", "Exten": number,
                                  "Context": context, "Priority": "1", "Async": "true", "ChannelId": call_id,
                                  "CallerID": number, "Variable": f"CRM_CALL={call_id}"})


# --- the installation -------------------------------------------------------------------------------


def load_configs() -> dict[str, AmiConfig]:
    """Every live company with the module on and an Asterisk PBX configured (sync: the ORM)."""
    from django.conf import settings
    from django.db import connection
    from django_tenants.utils import schema_context

    from plugins import enablement
    from plugins.call_center.models import Kind, Telephony
    from tenants.models import WITHOUT_WORKSPACE, Tenant

    found = {}
    tenants = Tenant.objects.exclude(status__in=WITHOUT_WORKSPACE).exclude(
        schema_name__in=[settings.PUBLIC_SCHEMA_NAME, settings.TEMPLATE_SCHEMA_NAME])
    for tenant in tenants:
        if not enablement.is_enabled("call_center", tenant):
            continue
        with schema_context(tenant.schema_name):
            config = Telephony.objects.filter(pk=1, kind=Kind.AMI).first()
            if config is not None and config.ami_host and config.ami_username:
                found[tenant.schema_name] = AmiConfig(tenant.schema_name, config.ami_host, config.ami_port,
                                                      config.ami_username, config.ami_secret, config.ami_context)
    connection.set_schema_to_public()
    return found


def store_events(schema: str, events: list[TelephonyEvent]) -> None:
    """Store and apply a company's PBX events at once (this process is the worker for them)."""
    from django_tenants.utils import schema_context

    from plugins.call_center import services

    with schema_context(schema):
        services.ingest(services.adopt_originated(events), inline=True)


class Supervisor:
    """Keeps one ``AmiClient`` per configured company and forwards click-to-dial requests."""

    def __init__(self, refresh_seconds: float = 30, backoff: tuple[float, ...] = BACKOFF_SECONDS):
        self.refresh_seconds = refresh_seconds
        self.backoff = backoff
        self.clients: dict[str, tuple[AmiConfig, AmiClient, asyncio.Task]] = {}
        self._stop = asyncio.Event()

    async def _on_event(self, schema: str, events: list[TelephonyEvent]) -> None:
        from asgiref.sync import sync_to_async

        await sync_to_async(store_events)(schema, events)

    async def refresh(self) -> None:
        from asgiref.sync import sync_to_async

        wanted = await sync_to_async(load_configs)()
        for schema, (config, client, task) in list(self.clients.items()):
            if wanted.get(schema) != config:
                await client.stop()
                task.cancel()
                del self.clients[schema]
                log.info("AMI %s stopped (%s)", schema, "changed" if schema in wanted else "off")
        for schema, config in wanted.items():
            if schema not in self.clients:
                client = AmiClient(config, self._on_event, backoff=self.backoff)
                self.clients[schema] = (config, client, asyncio.create_task(client.run()))

    async def run(self) -> None:
        dialing = asyncio.create_task(self._originate_loop())
        try:
            while not self._stop.is_set():
                try:
                    await self.refresh()
                except Exception:
                    log.exception("AMI supervisor: reading the companies' settings failed")
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._stop.wait(), self.refresh_seconds)
        finally:
            dialing.cancel()
            for _config, client, task in self.clients.values():
                await client.stop()
                task.cancel()
            self.clients.clear()

    def stop(self) -> None:
        self._stop.set()

    async def _originate_loop(self) -> None:
        import redis.asyncio as aioredis
        from django.conf import settings

        from plugins.call_center.originate import originate_queue

        client = aioredis.Redis.from_url(settings.REDIS_URL)
        queue = originate_queue()
        try:
            while True:
                try:
                    item = await client.blpop([queue], timeout=1)
                except Exception:  # Redis restarting: try again shortly
                    log.exception("AMI supervisor: reading click-to-dial requests failed")
                    await asyncio.sleep(1)
                    continue
                if item is None:
                    continue
                await self._originate(item[1])
        finally:
            await client.aclose()

    async def _originate(self, raw: bytes) -> None:
        try:
            request = json.loads(raw)
            _config, client, _task = self.clients[request["schema"]]
            answer = await client.originate(extension=request["extension"], number=request["number"],
                                            call_id=request["call_id"], context=request["context"])
            if answer.get("Response") != "Success":
                log.warning("AMI %s: Originate refused: %s", request["schema"], answer.get("Message"))
        except Exception as exc:  # noqa: BLE001 - one bad request never stops the adapter
            log.warning("AMI click-to-dial request not placed: %s (%r)", exc, raw[:200])
