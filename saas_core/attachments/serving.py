"""A file download: always through a permission-checked view, never a public media URL.

Only raster images and PDF may be shown in the browser (``inline``); everything else is a
download (``Content-Disposition: attachment``). Types a browser could run as a page (HTML, SVG,
XML, scripts) are sent as application/octet-stream, every response carries
``X-Content-Type-Options: nosniff`` and a sandboxing Content-Security-Policy, so an uploaded
page never runs on the workspace's origin.
"""

from __future__ import annotations

import unicodedata
from urllib.parse import quote

from django.http import FileResponse, Http404

from saas_core.attachments.models import Attachment

INLINE_TYPES = frozenset({"image/png", "image/jpeg", "image/gif", "image/webp", "image/bmp", "application/pdf"})
ACTIVE_TYPES = frozenset({
    "text/html", "application/xhtml+xml", "image/svg+xml", "text/xml", "application/xml", "text/xsl",
    "text/javascript", "application/javascript", "application/x-javascript", "application/ecmascript",
    "text/ecmascript", "application/x-shockwave-flash", "text/vtt",
})


def can_preview(attachment: Attachment) -> bool:
    return attachment.content_type in INLINE_TYPES


def content_disposition(name: str, *, inline: bool) -> str:
    """RFC 6266 with an ASCII ``filename`` for old clients and RFC 5987 ``filename*`` (UTF-8) for
    the real name, e.g. 合同.pdf → ``attachment; filename="download.pdf"; filename*=UTF-8''%E5%90%88…``."""
    kind = "inline" if inline else "attachment"
    ascii_name = "".join(c for c in unicodedata.normalize("NFKD", name) if " " <= c <= "~" and c not in '"\\').strip()
    stem, dot, ext = ascii_name.rpartition(".")
    if not dot:
        stem, ext = ascii_name, ""
    if not stem.strip("._- "):  # nothing readable left (合同.pdf): a neutral name with the extension
        ascii_name = "download" + (f".{ext}" if ext else "")
    header = f'{kind}; filename="{ascii_name}"'
    if ascii_name != name:
        header += f"; filename*=UTF-8''{quote(name, safe='')}"
    return header


def file_response(attachment: Attachment, *, inline: bool = False) -> FileResponse:
    try:
        handle = attachment.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    inline = inline and can_preview(attachment)
    content_type = "application/octet-stream" if attachment.content_type in ACTIVE_TYPES else attachment.content_type
    response = FileResponse(handle, content_type=content_type)
    response["Content-Disposition"] = content_disposition(attachment.name, inline=inline)
    response["X-Content-Type-Options"] = "nosniff"
    if attachment.content_type != "application/pdf":  # the browser's PDF viewer does not run sandboxed
        response["Content-Security-Policy"] = "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; sandbox"
    response["Cache-Control"] = "private, no-cache"
    return response
