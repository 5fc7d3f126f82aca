"""A cloud call center at the network boundary: builds and signs the webhook requests a vendor
sends (generic JSON and Tinet-style), for the Django test client or a live server."""

from __future__ import annotations

import json
import time
import urllib.request
from dataclasses import dataclass, field

from plugins.call_center.webhooks import signature

SECRET = "whsec-cc-test-2026"


@dataclass
class WebhookSimulator:
    vendor: str = "generic"
    secret: str = SECRET
    sequence: int = 0
    sent: list = field(default_factory=list)

    def event(self, call_id: str, event: str, *, at: float | None = None, **fields) -> dict:
        self.sequence += 1
        if self.vendor == "tinet":
            names = {"ringing": "RING", "answered": "ANSWER", "ended": "HANGUP"}
            body = {"cdrMainUniqueId": call_id, "eventType": names.get(event, event), "seq": self.sequence,
                    "eventTime": int(at if at is not None else time.time()), "callType": 1,
                    "hotline": "4008001234"}
            rename = {"caller": "customerNumber", "agent": "cno", "queue": "qno", "result": "status",
                      "recording_url": "recordFile"}
            body.update({rename.get(k, k): v for k, v in fields.items()})
            return body
        return {"call_id": call_id, "event": event, "sequence": self.sequence,
                "timestamp": at if at is not None else time.time(), "callee": "4008001234", **fields}

    def headers(self, body: bytes, *, timestamp: float | None = None, secret: str | None = None) -> dict:
        stamp = str(int(timestamp if timestamp is not None else time.time()))
        sign = signature(secret if secret is not None else self.secret, stamp, body, vendor=self.vendor)
        if self.vendor == "tinet":
            return {"timestamp": stamp, "sign": sign}
        return {"X-Signature-Timestamp": stamp, "X-Signature": sign}

    def post(self, client, payload, **sign) -> object:
        """POST through a Django test client (its host is the company's)."""
        body = json.dumps(payload).encode()
        headers = self.headers(body, **sign)
        self.sent.append(payload)
        return client.post(f"/call_center/webhook/{self.vendor}/", data=body, content_type="application/json",
                           headers=headers)

    def post_live(self, base_url: str, host: str, payload) -> tuple[int, dict]:
        """POST to a live server at ``base_url`` (http://127.0.0.1:port) for the company ``host``."""
        body = json.dumps(payload).encode()
        request = urllib.request.Request(f"{base_url}/call_center/webhook/{self.vendor}/", data=body, method="POST",  # noqa: S310
                                         headers={"Content-Type": "application/json", "Host": host,
                                                  **self.headers(body)})
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310 - loopback
            return response.status, json.loads(response.read())
