"""Where import files and reports live: ``imports/<schema>/<job token>/<name>`` in the default storage.

The schema is part of every name, and ``path_of`` refuses a name that is not under the current
tenant's folder, so a job row copied or forged into another tenant still cannot reach a file of
the first. Files are never served by the media URL: only the job views stream them, after the
creator/Boss check.
"""

from __future__ import annotations

import re
import shutil
import tempfile
from pathlib import Path

from django.core.exceptions import PermissionDenied, SuspiciousFileOperation
from django.core.files.base import File
from django.core.files.storage import default_storage
from django.db import connection

ROOT = "imports"


def tenant_folder(schema: str | None = None) -> str:
    schema = schema or connection.schema_name
    if not re.fullmatch(r"[a-z0-9_]+", schema or ""):
        raise SuspiciousFileOperation(f"unexpected schema name {schema!r}")
    return f"{ROOT}/{schema}"


def safe_filename(name: str) -> str:
    stem = Path(name or "upload").name
    stem = re.sub(r"[^\w.\-]+", "_", stem, flags=re.UNICODE).strip("._") or "upload"
    return stem[-120:]


def job_name(token, filename: str) -> str:
    return f"{tenant_folder()}/{token}/{safe_filename(filename)}"


def save(name: str, content) -> str:
    """Store ``content`` (bytes, a file object or a Django File) under ``name``; returns the stored name."""
    if isinstance(content, bytes | bytearray):
        from django.core.files.base import ContentFile

        content = ContentFile(bytes(content))
    elif not isinstance(content, File):
        content = File(content)
    return default_storage.save(name, content)


def check(name: str) -> str:
    """``name`` if it belongs to the current tenant's folder; PermissionDenied otherwise."""
    folder = tenant_folder() + "/"
    if not name or not name.startswith(folder) or ".." in Path(name).parts:
        raise PermissionDenied("this file belongs to another workspace")
    return name


_local_copies: dict[str, str] = {}


def path_of(name: str) -> str:
    """The local path of a stored file of the current tenant (the readers need a real file).

    With a remote storage (S3-compatible in production) the file is copied once per process to
    a temporary file, which is reused for the job's further reads.
    """
    check(name)
    try:
        return default_storage.path(name)
    except NotImplementedError:
        pass
    local = _local_copies.get(name)
    if local and Path(local).exists():
        return local
    suffix = Path(name).suffix
    with default_storage.open(name, "rb") as src, tempfile.NamedTemporaryFile(suffix=suffix, delete=False) as dst:
        shutil.copyfileobj(src, dst, 1 << 20)
    _local_copies[name] = dst.name
    return dst.name


def open_file(name: str):
    return default_storage.open(check(name), "rb")


def delete(name: str) -> None:
    if name:
        default_storage.delete(check(name))
