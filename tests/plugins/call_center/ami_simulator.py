"""An Asterisk PBX at the network boundary: an asyncio TCP server on loopback speaking AMI.

Written from Asterisk's documented manager protocol and event schemas (Asterisk 13+): the banner,
``Challenge`` (MD5) and ``Login`` (MD5 key or plain secret), ``Ping``, ``Originate`` (queued, then
the call's events), ``Logoff``; events ``DialBegin``/``DialEnd``, ``AgentCalled``/``AgentConnect``
(queues), ``BlindTransfer``, ``Hangup``. Scripted scenarios build the frames of whole calls;
faults: a dropped connection, duplicated frames, frames out of order, malformed lines.
"""

from __future__ import annotations

import asyncio
import hashlib
import itertools
import random
import threading
import time

BANNER = b"Asterisk Call Manager/7.0.3\r\n"
_ids = itertools.count(1)


def frame_bytes(fields: dict) -> bytes:
    return "".join(f"{k}: {v}\r\n" for k, v in fields.items()).encode() + b"\r\n"


def new_uniqueid() -> str:
    return f"{int(time.time())}.{next(_ids)}"


class AmiSimulator:
    def __init__(self, username: str = "crm", secret: str = "pbx-secret-77", md5: bool = True):  # noqa: S107
        self.username, self.secret, self.md5 = username, secret, md5
        self.logins: list[tuple[str, bool]] = []
        self.actions: list[dict] = []
        self._writers: list[asyncio.StreamWriter] = []
        self.loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.port = 0

    # --- life ---------------------------------------------------------------------------------
    def start(self) -> AmiSimulator:
        self._thread.start()
        self.server = self._call(asyncio.start_server(self._serve, "127.0.0.1", 0))
        self.port = self.server.sockets[0].getsockname()[1]
        return self

    def stop(self) -> None:
        self.drop()
        self._call(self._close_server())
        self.loop.call_soon_threadsafe(self.loop.stop)
        self._thread.join(timeout=5)

    async def _close_server(self) -> None:
        self.server.close()
        await self.server.wait_closed()

    def _call(self, coro, timeout: float = 10):
        return asyncio.run_coroutine_threadsafe(coro, self.loop).result(timeout)

    @property
    def connected(self) -> int:
        return len(self._writers)

    # --- the protocol -----------------------------------------------------------------------------
    async def _read(self, reader) -> dict | None:
        fields: dict = {}
        while True:
            line = await reader.readline()
            if not line:
                return None
            text = line.decode().rstrip("\r\n")
            if not text:
                if fields:
                    return fields
                continue
            key, _, value = text.partition(":")
            fields[key.strip()] = value.strip()

    async def _serve(self, reader, writer) -> None:
        writer.write(BANNER)
        challenge = ""
        authed = False
        try:
            while True:
                frame = await self._read(reader)
                if frame is None:
                    break
                self.actions.append(frame)
                action, action_id = frame.get("Action", "").lower(), frame.get("ActionID", "")
                reply = {"Response": "Success", "ActionID": action_id}
                if action == "challenge":
                    if not self.md5:
                        reply = {"Response": "Error", "ActionID": action_id, "Message": "Authentication type not supported"}
                    else:
                        challenge = str(random.randint(100000000, 999999999))
                        reply["Challenge"] = challenge
                elif action == "login":
                    if frame.get("AuthType", "").lower() == "md5":
                        expected = hashlib.md5((challenge + self.secret).encode(), usedforsecurity=False).hexdigest()
                        ok = bool(challenge) and frame.get("Key") == expected
                        how = "md5"
                    else:
                        ok, how = frame.get("Secret") == self.secret, "plain"
                    ok = ok and frame.get("Username") == self.username
                    self.logins.append((how, ok))
                    if not ok:
                        writer.write(frame_bytes({"Response": "Error", "ActionID": action_id,
                                                  "Message": "Authentication failed"}))
                        await writer.drain()
                        break
                    authed = True
                    reply["Message"] = "Authentication accepted"
                    writer.write(frame_bytes(reply))
                    self._writers.append(writer)
                    writer.write(frame_bytes({"Event": "FullyBooted", "Privilege": "system,all", "Status": "Fully Booted"}))
                    await writer.drain()
                    continue
                elif not authed:
                    reply = {"Response": "Error", "ActionID": action_id, "Message": "Missing action in request"}
                elif action == "ping":
                    reply.update({"Ping": "Pong", "Timestamp": f"{time.time():.6f}"})
                elif action == "originate":
                    reply["Message"] = "Originate successfully queued"
                elif action == "logoff":
                    writer.write(frame_bytes({"Response": "Goodbye", "ActionID": action_id,
                                              "Message": "Thanks for all the fish."}))
                    await writer.drain()
                    break
                writer.write(frame_bytes(reply))
                await writer.drain()
        except (ConnectionError, asyncio.CancelledError):
            pass
        finally:
            if writer in self._writers:
                self._writers.remove(writer)
            writer.close()

    # --- what the PBX sends -------------------------------------------------------------------------
    def send(self, frames: list[dict], *, duplicate: bool = False, shuffle: bool = False, raw: bytes = b"") -> float:
        """Send ``frames`` to every logged-in client; returns the wall-clock time (epoch ms) at
        which they were written, the moment the PBX "emitted" them (bench/callpop measures from it)."""
        frames = list(frames)
        if duplicate:
            frames = [f for frame in frames for f in (frame, frame)]
        if shuffle:
            frames.reverse()
        data = raw + b"".join(frame_bytes(f) for f in frames)
        return self._call(self._broadcast(data))

    async def _broadcast(self, data: bytes) -> float:
        emitted = time.time() * 1000
        for writer in list(self._writers):
            writer.write(data)
            await writer.drain()
        return emitted

    def drop(self) -> None:
        """The PBX restarts: every connection is cut."""
        async def cut():
            for writer in list(self._writers):
                writer.close()
            self._writers.clear()
        self._call(cut())

    def wait_connected(self, count: int = 1, seconds: float = 10) -> None:
        deadline = time.monotonic() + seconds
        while self.connected < count:
            if time.monotonic() > deadline:
                raise TimeoutError("no AMI client logged in")
            time.sleep(0.02)


# --- scripted calls (frames as Asterisk 13+ sends them) -----------------------------------------------


def _stamp(offset: float) -> str:
    return f"{time.time() + offset:.6f}"


def direct_inbound(caller: str, extension: str, *, answer: bool = True, linkedid: str | None = None) -> list[dict]:
    """A call from the trunk dialled straight to one extension."""
    linkedid = linkedid or new_uniqueid()
    leg = new_uniqueid()
    base = {"Privilege": "call,all", "Channel": "PJSIP/trunk-00000001", "CallerIDNum": caller,
            "Exten": "4008001234", "Context": "from-trunk", "Uniqueid": linkedid, "Linkedid": linkedid}
    dest = {"DestChannel": f"PJSIP/{extension}-0000000{next(_ids) % 9}", "DestCallerIDNum": extension,
            "DestUniqueid": leg, "DestLinkedid": linkedid}
    frames = [{"Event": "DialBegin", **base, **dest, "DialString": extension, "Timestamp": _stamp(0)}]
    if answer:
        frames.append({"Event": "DialEnd", **base, **dest, "DialStatus": "ANSWER", "Timestamp": _stamp(2)})
        frames.append({"Event": "Hangup", **base, "Cause": "16", "Cause-txt": "Normal Clearing",
                       "Timestamp": _stamp(30)})
    else:
        frames.append({"Event": "DialEnd", **base, **dest, "DialStatus": "NOANSWER", "Timestamp": _stamp(20)})
        frames.append({"Event": "Hangup", **base, "Cause": "19", "Cause-txt": "No answer", "Timestamp": _stamp(20.1)})
    return frames


def queue_ring_all(caller: str, extensions: list[str], answered_by: str | None, *, queue: str = "sales",
                   linkedid: str | None = None) -> tuple[list[dict], list[dict], list[dict]]:
    """A queue with strategy ringall: (the AgentCalled frames, the AgentConnect, the Hangup)."""
    linkedid = linkedid or new_uniqueid()
    base = {"Privilege": "agent,all", "Channel": "PJSIP/trunk-00000002", "CallerIDNum": caller, "Queue": queue,
            "Uniqueid": linkedid, "Linkedid": linkedid}
    called = [{"Event": "AgentCalled", **base, "Interface": f"PJSIP/{ext}", "MemberName": f"Agent {ext}",
               "DestChannel": f"PJSIP/{ext}-0000001{n}", "DestUniqueid": new_uniqueid(), "Timestamp": _stamp(0)}
              for n, ext in enumerate(extensions)]
    connect = [] if answered_by is None else [{
        "Event": "AgentConnect", **base, "Interface": f"PJSIP/{answered_by}", "MemberName": f"Agent {answered_by}",
        "DestChannel": f"PJSIP/{answered_by}-00000019", "HoldTime": "3", "RingTime": "3", "Timestamp": _stamp(3)}]
    hangup = [{"Event": "Hangup", "Privilege": "call,all", "Channel": "PJSIP/trunk-00000002", "CallerIDNum": caller,
               "Uniqueid": linkedid, "Linkedid": linkedid, "Cause": "16" if answered_by else "19",
               "Cause-txt": "Normal Clearing", "Timestamp": _stamp(40)}]
    return called, connect, hangup


def transfer(caller: str, first: str, second: str, *, linkedid: str | None = None) -> list[dict]:
    """Answered at ``first``, blind-transferred to ``second``, who answers."""
    linkedid = linkedid or new_uniqueid()
    frames = direct_inbound(caller, first, linkedid=linkedid)[:2]
    frames.append({"Event": "BlindTransfer", "Privilege": "call,all", "Result": "Success",
                   "TransfererChannel": f"PJSIP/{first}-00000003", "TransfereeLinkedid": linkedid,
                   "TransfereeUniqueid": linkedid, "Extension": second, "Context": "from-internal",
                   "Timestamp": _stamp(10)})
    second_leg = direct_inbound(caller, second, linkedid=linkedid)
    for frame in second_leg:
        frame["Timestamp"] = _stamp(11 if frame["Event"] != "Hangup" else 60)
    return frames + second_leg


def outbound(call_id: str, extension: str, number: str) -> list[dict]:
    """What follows an Originate with ChannelId=call_id: the agent's phone, then the number."""
    base = {"Privilege": "call,all", "Channel": f"PJSIP/{extension}-00000030", "CallerIDNum": extension,
            "Uniqueid": call_id, "Linkedid": call_id}
    dest = {"DestChannel": "PJSIP/trunk-00000031", "DestCallerIDNum": number, "DestUniqueid": new_uniqueid(),
            "DestLinkedid": call_id}
    return [
        {"Event": "OriginateResponse", "Privilege": "call,all", "Response": "Success", "Channel": base["Channel"],
         "Uniqueid": call_id, "Linkedid": call_id},
        {"Event": "DialBegin", **base, **dest, "DialString": number, "Timestamp": _stamp(1)},
        {"Event": "DialEnd", **base, **dest, "DialStatus": "ANSWER", "Timestamp": _stamp(5)},
        {"Event": "Hangup", **base, "Cause": "16", "Cause-txt": "Normal Clearing", "Timestamp": _stamp(65)},
    ]
