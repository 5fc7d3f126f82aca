"""Reading uploaded tables: xlsx (streamed) and CSV in UTF-8 (with or without BOM), UTF-16 or GBK/GB18030.

``open_table(path)`` gives the header row and an iterator over the data rows, each a list of
cell values (str, int, float, bool, date/datetime or None), whatever the format.

xlsx: the workbook is opened with openpyxl in read-only mode (sheet list, date styles, epoch);
the shared strings and the first worksheet's cells are read by ``sheetxml`` (regular expressions
over the XML for the usual shapes, ElementTree for the rest), several times faster than
openpyxl's per-cell objects, which matters at 100,000 rows.
"""

from __future__ import annotations

import codecs
import csv
import io
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from django.utils.translation import gettext as _

from saas_core.imports import sheetxml
from saas_core.imports.formulas import neutralise, restore
from saas_core.imports.limits import DIMENSION_PEEK, ReadLimits, TooLarge, declared_size

XLSX, CSV = "xlsx", "csv"
MAX_HEADER_SCAN = 10  # the header is the first non-empty row among the first ten


class UnreadableFile(ValueError):
    """The upload is not an xlsx or CSV file we can read; the message says why, for the user."""


def detect_format(name: str, head: bytes) -> str:
    if head[:4] == b"PK\x03\x04":
        return XLSX
    if head[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        raise UnreadableFile(_("This is an old Excel file (.xls). Save it as .xlsx or CSV and upload it again."))
    suffix = Path(name or "").suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        raise UnreadableFile(_("The file is not a valid xlsx workbook."))
    return CSV


def detect_encoding(path: str | Path) -> str:
    """utf-8-sig / utf-16 (by BOM), utf-8 if every byte decodes as such, otherwise gb18030 (GBK's superset)."""
    with open(path, "rb") as fh:
        head = fh.read(4)
        if head.startswith(codecs.BOM_UTF8):
            return "utf-8-sig"
        if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            return "utf-16"
        fh.seek(0)
        decoder = codecs.getincrementaldecoder("utf-8")()
        try:
            while chunk := fh.read(1 << 20):
                decoder.decode(chunk)
            decoder.decode(b"", final=True)
            return "utf-8"
        except UnicodeDecodeError:
            pass
        fh.seek(0)
        decoder = codecs.getincrementaldecoder("gb18030")()
        try:
            while chunk := fh.read(1 << 20):
                decoder.decode(chunk)
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            raise UnreadableFile(_("The file's text encoding was not recognised; save it as UTF-8 or GBK.")) from None
        return "gb18030"


def encoding_label(encoding: str) -> str:
    return {"utf-8-sig": "UTF-8 (BOM)", "utf-8": "UTF-8", "utf-16": "UTF-16", "gb18030": "GBK/GB18030"}.get(
        encoding, encoding
    )


@dataclass
class Table:
    headers: list[str]
    rows: Iterator[list]  # the data rows, after the header
    header_row: int  # 1-based row number of the header in the file
    estimated_rows: int | None = None
    encoding: str = ""
    _closers: list = field(default_factory=list)

    def close(self) -> None:
        for close in self._closers:
            close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


def _header_of(rows: Iterator[list]) -> tuple[list[str], int]:
    for number, row in enumerate(rows, start=1):
        cells = ["" if v is None else str(v).strip() for v in row]
        while cells and not cells[-1]:
            cells.pop()
        if cells:
            return cells, number
        if number >= MAX_HEADER_SCAN:
            break
    raise UnreadableFile(_("The file has no header row (the first rows are empty)."))


def open_table(path: str | Path, fmt: str, encoding: str = "", limits: ReadLimits | None = None) -> Table:
    """The file as a table; with ``limits`` (the import worker's) a file beyond them is refused
    (``UnreadableFile`` naming the limit) in bounded memory."""
    table = _open_xlsx(path, limits) if fmt == XLSX else _open_csv(path, encoding or detect_encoding(path), limits)
    table.rows = _restored(table.rows)
    return table


def _restored(rows: Iterator[list]) -> Iterator[list]:
    """Text our exports neutralised comes back as it was (``formulas.restore``)."""
    for row in rows:
        yield [restore(v) if isinstance(v, str) else v for v in row]


def _bounded_csv(rows: Iterator[list], limits: ReadLimits | None, first_number: int) -> Iterator[list]:
    """CSV rows within the row and column limits (xlsx rows are checked as they are parsed)."""
    if limits is None:
        yield from rows
        return
    for number, row in enumerate(rows, start=first_number):
        if number > limits.max_rows + 1:
            raise UnreadableFile(_("The file has more than %(max)s rows; at most that many can be imported at once. "
                                   "Split it into smaller files.") % {"max": f"{limits.max_rows:,}"})
        if len(row) > limits.max_columns:
            raise UnreadableFile(_("Row %(row)s has %(n)s columns; at most %(max)s are accepted.")
                                 % {"row": number, "n": f"{len(row):,}", "max": f"{limits.max_columns:,}"})
        yield row


# --- CSV ------------------------------------------------------------------------------------


def _open_csv(path, encoding: str, limits: ReadLimits | None = None) -> Table:
    fh = open(path, encoding=encoding, newline="", errors="strict")  # noqa: SIM115 - closed by Table.close
    try:
        sample = fh.read(64 * 1024)
        fh.seek(0)
        delimiter = ","
        first_line = sample.split("\n", 1)[0]
        if first_line.count("\t") > first_line.count(",") and first_line.count("\t") >= first_line.count(";"):
            delimiter = "\t"
        elif first_line.count(";") > first_line.count(","):
            delimiter = ";"
        reader = csv.reader(fh, delimiter=delimiter)
        headers, header_row = _header_of(reader)
        size = Path(path).stat().st_size
        lines = sample.count("\n")
        estimate = None
        if lines:
            consumed = len(sample.encode(encoding if encoding != "utf-16" else "utf-16-le"))
            estimate = max(0, round(lines * size / max(consumed, 1)) - header_row) if consumed < size else lines - header_row
    except (UnicodeDecodeError, csv.Error) as exc:
        fh.close()
        raise UnreadableFile(_("The CSV file could not be read: %(error)s") % {"error": exc}) from None
    except Exception:
        fh.close()
        raise
    return Table(headers, _bounded_csv(iter(reader), limits, header_row + 1), header_row, estimate, encoding,
                 [fh.close])


# --- xlsx -----------------------------------------------------------------------------------


def _count_rows(archive: zipfile.ZipFile, sheet_path: str) -> int | None:
    """The number of rows of a sheet without a <dimension> (a fast pass over the XML)."""
    count, tail = 0, b""
    with archive.open(sheet_path) as src:
        while chunk := src.read(1 << 20):
            data = tail + chunk
            count += data.count(b"<row ") + data.count(b"<row>")
            tail = data[-5:]
            count -= tail.count(b"<row ") + tail.count(b"<row>")
    return count + tail.count(b"<row ") + tail.count(b"<row>") or None


def _load_workbook(path, limits: ReadLimits | None = None):
    """openpyxl's read-only workbook, its shared strings read by ``sheetxml.SharedStrings``
    (as far as the rows read need them)."""
    from openpyxl.reader.excel import SHARED_STRINGS, ExcelReader
    from openpyxl.worksheet._read_only import ReadOnlyWorksheet

    class Sheet(ReadOnlyWorksheet):
        def _get_size(self):
            """openpyxl parses a sheet through to its end when it declares no size (a whitespace
            bomb held 180 MB that way); the size is read from the first bytes or not at all."""
            with self._get_source() as src:
                declared = declared_size(src.read(DIMENSION_PEEK))
            if declared is not None:
                self._min_column, self._min_row, self._max_row, self._max_column = 1, 1, *declared

    class Reader(ExcelReader):
        def read_strings(self):
            found = self.package.find(SHARED_STRINGS)
            if found is not None:
                part = found.PartName[1:]
                self.shared_strings = sheetxml.SharedStrings(lambda: self.archive.open(part), limits)

        def read_worksheets(self):  # the worksheets only (chart sheets are parsed whole, and not imported)
            for sheet, rel in self.parser.find_sheets():
                if rel.target in self.valid_files and "chartsheet" not in rel.Type:
                    ws = Sheet(self.wb, sheet.name, rel.target, self.shared_strings)
                    ws.sheet_state = sheet.state
                    self.wb._sheets.append(ws)

    reader = Reader(path, read_only=True, keep_vba=False, data_only=True, keep_links=False)
    reader.read()
    return reader.wb


def _unreadable_as_such(rows: Iterator[list]) -> Iterator[list]:
    """The rows; a part found broken further on (the cells and strings are read as the rows are)
    is reported as an unreadable workbook, as it is when the upload is read."""
    try:
        yield from rows
    except TooLarge as exc:
        raise UnreadableFile(str(exc)) from None
    except (ValueError, IndexError, KeyError, SyntaxError, zipfile.BadZipFile, zlib.error, EOFError) as exc:
        raise UnreadableFile(_("The file is not a valid xlsx workbook (%(error)s).") % {"error": exc}) from None


def _open_xlsx(path, limits: ReadLimits | None = None) -> Table:
    try:
        wb = _load_workbook(path, limits)
    except Exception as exc:  # zipfile.BadZipFile, KeyError, InvalidFileException, XML errors...
        raise UnreadableFile(_("The file is not a valid xlsx workbook (%(error)s).") % {"error": exc}) from None
    try:
        ws = wb.worksheets[0]
        archive, sheet_path = getattr(wb, "_archive", None), getattr(ws, "_worksheet_path", None)
        if archive is not None and sheet_path:  # the declared size, or a count in one streamed pass
            with archive.open(sheet_path) as head:
                declared = declared_size(head.read(DIMENSION_PEEK))
            estimate = declared[0] if declared else _count_rows(archive, sheet_path)
        else:
            estimate = ws.max_row
        if archive is not None and sheet_path and hasattr(ws, "_shared_strings"):
            date_styles = {int(s) for s in getattr(wb, "_date_formats", ())}
            rows = _unreadable_as_such(
                sheetxml.sheet_rows(lambda: archive.open(sheet_path), ws._shared_strings, date_styles, wb.epoch, limits)
            )
        else:  # another openpyxl: its own (slower) reader
            rows = (list(r) for r in ws.iter_rows(values_only=True))
        headers, header_row = _header_of(rows)
    except UnreadableFile:
        wb.close()
        raise
    except Exception as exc:
        wb.close()
        raise UnreadableFile(_("The file is not a valid xlsx workbook (%(error)s).") % {"error": exc}) from None
    strings = getattr(ws, "_shared_strings", None)
    closers = [strings.close] if isinstance(strings, sheetxml.SharedStrings) else []
    return Table(headers, rows, header_row, (estimate - header_row) if estimate else None, "", [*closers, wb.close])


def read_preview(path, fmt: str, encoding: str, limit: int,
                 limits: ReadLimits | None = None) -> tuple[list[str], list[list], int]:
    with open_table(path, fmt, encoding, limits) as table:
        rows = []
        for row in table.rows:
            if len(rows) >= limit:
                break
            rows.append(row)
        return table.headers, rows, table.header_row


def csv_bytes(rows: list[list], *, bom: bool = True) -> bytes:
    """CSV of ``rows``; text cells neutralised as in every export (``formulas``)."""
    out = io.StringIO()
    csv.writer(out).writerows([neutralise(v) if isinstance(v, str) else v for v in row] for row in rows)
    return (codecs.BOM_UTF8 if bom else b"") + out.getvalue().encode("utf-8")
