"""How big an imported spreadsheet may be, checked where it is cheap.

A 150 KB xlsx can unpack to gigabytes (one shared string of 400 MB, or a sheet of whitespace),
and reading it held a web request for 24 s and 450 MB. So:

- at upload (``check_upload``, in the web process) only the zip's directory is read, never the
  data: the number of entries, the total unpacked size, each large entry's compression ratio,
  and the unpacked size of the parts that openpyxl parses whole (workbook, styles, relations);
  and the first few kilobytes of the first sheet, for the size it declares (``<dimension>``).
  Python's zipfile stops at the size an entry declares, so a lying directory cannot unpack
  more than these checks allowed;
- the file itself is read in the Celery worker, streamed, with ``ReadLimits``: no row or string
  larger than ``MAX_PIECE_CHARS``, no text cell longer than Excel's 32,767 characters, at most
  ``max_shared_chars`` of shared strings, ``max_rows`` rows and ``max_columns`` columns.

Every refusal is a ``TooLarge`` naming the limit, shown to the person who uploaded the file.
"""

from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.utils.translation import gettext as _

MB = 1 << 20
MAX_ENTRIES = 1000  # an xlsx has a dozen parts; a few hundred with many sheets and images
MAX_RATIO = 200  # unpacked/packed of one large entry; spreadsheet XML packs 5-50 times
RATIO_FROM = MB  # small entries may pack better than that, and cannot hurt
MAX_PARSED_WHOLE = 32 * MB  # parts openpyxl reads into memory at once (workbook, styles, relations)
MAX_CELL_CHARS = 32_767  # Excel's own limit for a cell's text
MAX_PIECE_CHARS = 4 * MB  # one row or one shared string of the XML, as read
DIMENSION_PEEK = 64 * 1024
_DIMENSION = re.compile(rb'<(?:\w+:)?dimension\s+ref="[A-Z]{1,3}\d+(?::([A-Z]{1,3})(\d+))?"')


class Refused(ValueError):
    """The upload is refused; the message says why, for the person who uploaded it."""


class TooLarge(Refused):
    """The file exceeds a limit; the message names it."""


@dataclass(frozen=True)
class ReadLimits:
    max_rows: int
    max_columns: int
    max_shared_chars: int
    max_cell_chars: int = MAX_CELL_CHARS
    max_piece_chars: int = MAX_PIECE_CHARS


def read_limits() -> ReadLimits:
    return ReadLimits(max_rows=int(settings.IMPORT_MAX_ROWS), max_columns=int(settings.IMPORT_MAX_COLUMNS),
                      max_shared_chars=int(settings.IMPORT_MAX_UNPACKED_MB) * MB // 4)


def column_number(letters: str) -> int:
    number = 0
    for ch in letters:
        number = number * 26 + (ord(ch) - 64)
    return number


def check_upload(path: str | Path, fmt: str) -> None:
    """Refuse (``Refused``) an xlsx whose directory cannot be read or whose size is beyond the
    limits; reads the zip's directory and at most a few kilobytes of one sheet."""
    if fmt != "xlsx":
        return
    unpacked_limit = int(settings.IMPORT_MAX_UNPACKED_MB) * MB
    try:
        with zipfile.ZipFile(path) as archive:
            entries = archive.infolist()
            if len(entries) > MAX_ENTRIES:
                raise TooLarge(_("The workbook has %(n)d parts; at most %(max)d are accepted.")
                               % {"n": len(entries), "max": MAX_ENTRIES})
            total = sum(e.file_size for e in entries)
            if total > unpacked_limit:
                raise TooLarge(_("The workbook unpacks to %(mb)d MB; at most %(max)d MB are accepted. Split it into "
                                 "smaller files.") % {"mb": -(-total // MB), "max": unpacked_limit // MB})
            for entry in entries:
                if entry.file_size > RATIO_FROM and entry.file_size > MAX_RATIO * max(entry.compress_size, 1):
                    raise TooLarge(_("The workbook's part %(part)s unpacks %(ratio)d times its packed size (at most "
                                     "%(max)d): it is not an ordinary spreadsheet.")
                                   % {"part": entry.filename[:100], "ratio": entry.file_size // max(entry.compress_size, 1),
                                      "max": MAX_RATIO})
                if (not entry.filename.startswith(("xl/worksheets/", "xl/sharedStrings", "xl/media/"))
                        and entry.file_size > MAX_PARSED_WHOLE):
                    raise TooLarge(_("The workbook's part %(part)s is %(mb)d MB unpacked; at most %(max)d MB are "
                                     "accepted.") % {"part": entry.filename[:100], "mb": entry.file_size // MB,
                                                     "max": MAX_PARSED_WHOLE // MB})
            sheets = sorted(n for n in archive.namelist() if re.fullmatch(r"xl/worksheets/sheet\d+\.xml", n))
            if sheets:
                with archive.open(sheets[0]) as sheet:
                    _check_dimension(sheet.read(DIMENSION_PEEK))
    except (zipfile.BadZipFile, OSError, EOFError, ValueError, NotImplementedError) as exc:
        if isinstance(exc, Refused):
            raise
        raise Refused(_("The file is not a valid xlsx workbook.")) from None


def declared_size(head: bytes) -> tuple[int, int] | None:
    """``(rows, columns)`` that a sheet's ``<dimension>`` declares, from the first bytes of its
    XML; None without one. (openpyxl's ``max_row`` parses the whole sheet to find out.)"""
    found = _DIMENSION.search(head)
    if found is None or found.group(1) is None:
        return None
    return int(found.group(2)), column_number(found.group(1).decode())


def _check_dimension(head: bytes) -> None:
    declared = declared_size(head)
    if declared is None:
        return
    rows, columns = declared
    max_rows, max_columns = int(settings.IMPORT_MAX_ROWS), int(settings.IMPORT_MAX_COLUMNS)
    if rows > max_rows + 1:  # the header row comes on top of the data rows
        raise TooLarge(_("The sheet has %(n)s rows; at most %(max)s can be imported at once. Split it into smaller "
                         "files.") % {"n": f"{rows:,}", "max": f"{max_rows:,}"})
    if columns > max_columns:
        raise TooLarge(_("The sheet has %(n)s columns; at most %(max)s are accepted.")
                       % {"n": f"{columns:,}", "max": f"{max_columns:,}"})
