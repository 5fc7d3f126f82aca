"""Vendors' recordings are copied into the company's storage and served only behind permissions."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from plugins.call_center import recordings, services
from plugins.call_center.models import Call
from plugins.call_center.services import TelephonyEvent
from tests.conftest import in_tenant

pytestmark = pytest.mark.django_db
AUDIO = b"ID3" + b"\x00" * 2048


@pytest.fixture
def vendor_files():
    """The vendor's file server on loopback (what CALL_CENTER_ALLOWED_HOSTS=127.0.0.1 lets through)."""

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 - the stdlib's name
            self.send_response(200)
            self.send_header("Content-Type", "audio/mpeg")
            self.send_header("Content-Length", str(len(AUDIO)))
            self.end_headers()
            self.wfile.write(AUDIO)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


def recorded_call(url: str) -> Call:
    at = datetime.now(UTC) - timedelta(minutes=2)
    services.ingest([
        TelephonyEvent(vendor="generic", call_id="rec-1", event="ringing", at=at, caller="13812341111", agents=["801"]),
        TelephonyEvent(vendor="generic", call_id="rec-1", event="answered", at=at + timedelta(seconds=2),
                       agents=["801"]),
        TelephonyEvent(vendor="generic", call_id="rec-1", event="ended", at=at + timedelta(seconds=40),
                       recording_url=url),
    ])
    return services.process_call("generic", "rec-1")


def test_a_recording_is_copied_and_served_only_to_whom_may_see_the_call(desk, cc_a, tenant_b, client_for, make_user,
                                                                        vendor_files, settings, tmp_path,
                                                                        switch_module):
    settings.CALL_CENTER_ALLOWED_HOSTS = ["127.0.0.1"]
    settings.MEDIA_ROOT = str(tmp_path)
    with in_tenant(cc_a):
        call = recorded_call(vendor_files + "/records/rec-1.mp3")
        assert recordings.copy_recording(call.pk) == "copied"
        assert recordings.copy_recording(call.pk) == "nothing to copy"  # once
        call.refresh_from_db()
        assert call.recording.name.startswith(f"{cc_a.schema}/call_recordings/")
    own = client_for(cc_a, desk.agents[0]).get(f"/call_center/calls/{call.pk}/recording/")
    assert own.status_code == 200 and b"".join(own.streaming_content) == AUDIO
    assert 'data-testid="call-recording"' in client_for(cc_a, desk.agents[0]).get("/call_center/").content.decode()
    assert client_for(cc_a, desk.agents[1]).get(f"/call_center/calls/{call.pk}/recording/").status_code == 404
    switch_module(tenant_b, "call_center", True)
    boss_b = make_user(tenant_b, username="bossrec", role="boss")
    assert client_for(tenant_b, boss_b).get(f"/call_center/calls/{call.pk}/recording/").status_code == 404


def test_a_recording_inside_the_operators_network_is_not_fetched(desk, cc_a, vendor_files, settings, tmp_path):
    settings.CALL_CENTER_ALLOWED_HOSTS = []
    settings.MEDIA_ROOT = str(tmp_path)
    with in_tenant(cc_a):
        call = recorded_call(vendor_files + "/records/rec-2.mp3")
        assert recordings.copy_recording(call.pk) == "failed"
        call.refresh_from_db()
        assert not call.recording and call.recording_url
