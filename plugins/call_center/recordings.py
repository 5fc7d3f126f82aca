"""Recordings: the vendor's file copied into the company's storage, served behind permissions.

Vendors keep recordings for days only, so once a call has ended with a recording URL a task
downloads it (public addresses only, ``CALL_CENTER_ALLOWED_HOSTS`` excepted; at most
``MAX_BYTES``) into the default storage under ``<schema>/call_recordings/``. The call log links
to ``/call_center/calls/<id>/recording/``, which checks the viewer may see the call.
"""

from __future__ import annotations

import logging
import urllib.request
import uuid
from urllib.parse import urlsplit

from django.core.files.base import ContentFile
from django.db import connection
from django.http import FileResponse, Http404

from plugins.call_center.models import Call
from plugins.call_center.services import allowed_hosts
from saas_core.egress import check_endpoint, public_only

log = logging.getLogger(__name__)

MAX_BYTES = 100 * 1024 * 1024
TIMEOUT_SECONDS = 30
TYPES = {"audio/mpeg": "mp3", "audio/wav": "wav", "audio/x-wav": "wav", "audio/ogg": "ogg"}


def copy_recording(call_id: int) -> str:
    """Copy one call's recording (idempotent: a copied one is not fetched again)."""
    call = Call.objects.filter(pk=call_id).first()
    if call is None or call.recording or not call.recording_url:
        return "nothing to copy"
    parts = urlsplit(call.recording_url)
    try:
        check_endpoint(f"{parts.scheme}://{parts.netloc}", allowed_hosts())
        request = urllib.request.Request(call.recording_url, headers={"User-Agent": "crm-call-center"})  # noqa: S310
        with public_only(allowed_hosts()), urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as answer:  # noqa: S310
            kind = (answer.headers.get_content_type() or "").lower()
            data = answer.read(MAX_BYTES + 1)
    except Exception as exc:  # noqa: BLE001 - the vendor's link stays; the sweep does not retry for ever
        log.warning("recording of call %s not copied: %s", call_id, exc)
        return "failed"
    if len(data) > MAX_BYTES:
        log.warning("recording of call %s is larger than %s bytes: not copied", call_id, MAX_BYTES)
        return "too large"
    name = f"{connection.schema_name}/call_recordings/{uuid.uuid4().hex}.{TYPES.get(kind, 'bin')}"
    call.recording.save(name, ContentFile(data), save=False)
    Call.objects.filter(pk=call.pk).update(recording=call.recording.name)
    return "copied"


def serve(call: Call) -> FileResponse:
    """The stored recording of a call whose viewer has been checked (web page and API alike)."""
    if not call.recording:
        raise Http404
    return FileResponse(call.recording.open("rb"), as_attachment=False, filename=call.recording.name.rsplit("/", 1)[-1])
