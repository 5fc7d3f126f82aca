"""A small streaming xlsx writer for exports, templates and reports.

openpyxl builds a cell object per value; at 100,000 rows that is minutes on a busy machine. This
writes the sheet XML straight into the zip, row by row, with inline strings. Every text cell
goes through ``formulas.neutralise`` (text that would read as a formula gets an apostrophe in
front; see there for which cells are kept as they are), so exported data cannot inject a
formula even once the sheet is edited or saved as CSV. Numbers stay numbers, dates and times
are written as text ``YYYY-MM-DD [HH:MM]`` in the company's time zone, booleans as ✓/blank.
"""

from __future__ import annotations

import datetime as dt
import re
import zipfile
from collections.abc import Iterable, Sequence
from decimal import Decimal
from xml.sax.saxutils import escape

from django.utils import timezone

from saas_core.imports.formulas import neutralise

_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")

_CONTENT_TYPES = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">
<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>
<Default Extension="xml" ContentType="application/xml"/>
<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>
<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>
{sheets}
</Types>"""
_ROOT_RELS = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>
</Relationships>"""
_STYLES = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">
<fonts count="2"><font><sz val="11"/><name val="Calibri"/></font><font><b/><sz val="11"/><name val="Calibri"/></font></fonts>
<fills count="3"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill>
<fill><patternFill patternType="solid"><fgColor rgb="FFFFF2CC"/><bgColor indexed="64"/></patternFill></fill></fills>
<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>
<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>
<cellXfs count="3"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>
<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/>
<xf numFmtId="0" fontId="1" fillId="2" borderId="0" xfId="0" applyFont="1" applyFill="1"/></cellXfs>
<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>
</styleSheet>"""

HEADER, REQUIRED_HEADER = 1, 2  # cell styles: bold; bold on a yellow fill


def _text(value) -> str | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        return "✓" if value else None
    if isinstance(value, dt.datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def _cell(ref: str, value, style: int = 0, shared: dict | None = None) -> str:
    s = f' s="{style}"' if style else ""
    if isinstance(value, int | float | Decimal) and not isinstance(value, bool):
        return f'<c r="{ref}"{s}><v>{value}</v></c>'
    text = _text(value)
    if text is None:
        return f'<c r="{ref}"{s}/>' if style else ""
    text = escape(neutralise(_ILLEGAL.sub("", text)))
    if shared is not None:
        index = shared.setdefault(text, len(shared))
        return f'<c r="{ref}"{s} t="s"><v>{index}</v></c>'
    return f'<c r="{ref}"{s} t="inlineStr"><is><t xml:space="preserve">{text}</t></is></c>'


def column_letter(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


class Sheet:
    def __init__(self, title: str, header: Sequence, rows: Iterable[Sequence], *, widths: Sequence[int] | None = None,
                 header_styles: Sequence[int] | None = None):
        self.title = _ILLEGAL.sub("", str(title))[:31].translate(str.maketrans("[]:*?/\\", "(): ___")) or "Sheet"
        self.header = list(header)
        self.rows = rows
        self.widths = widths
        self.header_styles = header_styles


def write_xlsx(target, sheets: Sequence[Sheet], *, shared_strings: bool = False) -> int:
    """Write ``sheets`` to ``target`` (a path or a binary file object); returns the number of data rows.

    ``shared_strings`` stores text in a shared-strings table as Excel does (inline otherwise).
    """
    total = 0
    shared: dict | None = {} if shared_strings else None
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=1) as zf:
        overrides = "\n".join(
            f'<Override PartName="/xl/worksheets/sheet{i}.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
            for i in range(1, len(sheets) + 1)
        )
        if shared is not None:
            overrides += ('\n<Override PartName="/xl/sharedStrings.xml" '
                          'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>')
        zf.writestr("[Content_Types].xml", _CONTENT_TYPES.format(sheets=overrides))
        zf.writestr("_rels/.rels", _ROOT_RELS)
        zf.writestr("xl/styles.xml", _STYLES)
        entries = "".join(
            f'<sheet name="{escape(s.title, {chr(34): "&quot;"})}" sheetId="{i}" r:id="rId{i}"/>'
            for i, s in enumerate(sheets, start=1)
        )
        zf.writestr("xl/workbook.xml", (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
            'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
            f"<sheets>{entries}</sheets></workbook>"
        ))
        rels = "".join(
            f'<Relationship Id="rId{i}" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" '
            f'Target="worksheets/sheet{i}.xml"/>'
            for i in range(1, len(sheets) + 1)
        )
        rels += (f'<Relationship Id="rId{len(sheets) + 1}" '
                 'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/>')
        if shared is not None:
            rels += (f'<Relationship Id="rId{len(sheets) + 2}" Type="http://schemas.openxmlformats.org/officeDocument/'
                     '2006/relationships/sharedStrings" Target="sharedStrings.xml"/>')
        zf.writestr("xl/_rels/workbook.xml.rels", (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            f'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">{rels}</Relationships>'
        ))
        for i, sheet in enumerate(sheets, start=1):
            total += _write_sheet(zf, f"xl/worksheets/sheet{i}.xml", sheet, shared)
        if shared is not None:
            with zf.open("xl/sharedStrings.xml", "w", force_zip64=True) as raw:
                raw.write(('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                           '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
                           f'count="{len(shared)}" uniqueCount="{len(shared)}">').encode())
                chunk = []
                for text in shared:
                    chunk.append(f'<si><t xml:space="preserve">{text}</t></si>')
                    if len(chunk) >= 5000:
                        raw.write("".join(chunk).encode("utf-8"))
                        chunk.clear()
                raw.write(("".join(chunk) + "</sst>").encode("utf-8"))
    return total


def _write_sheet(zf: zipfile.ZipFile, name: str, sheet: Sheet, shared: dict | None = None) -> int:
    letters = [column_letter(i) for i in range(max(len(sheet.header), 1) + 64)]
    count = 0
    with zf.open(name, "w", force_zip64=True) as raw:
        buffer: list[str] = [
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
            '<sheetViews><sheetView workbookViewId="0"><pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" '
            'state="frozen"/></sheetView></sheetViews>'
        ]
        if hasattr(sheet.rows, "__len__"):  # readers size the sheet from this (openpyxl's max_row)
            last = column_letter(max(len(sheet.header), max((len(r) for r in sheet.rows), default=1)) - 1)
            buffer.insert(1, f'<dimension ref="A1:{last}{len(sheet.rows) + 1}"/>')
        widths = sheet.widths or [max(10, min(40, len(str(h)) * 2 + 2)) for h in sheet.header]
        if widths:
            buffer.append("<cols>" + "".join(
                f'<col min="{i}" max="{i}" width="{w}" customWidth="1"/>' for i, w in enumerate(widths, start=1)
            ) + "</cols>")
        buffer.append("<sheetData>")
        styles = sheet.header_styles or [HEADER] * len(sheet.header)
        buffer.append('<row r="1">' + "".join(
            _cell(f"{letters[i]}1", h, styles[i] if i < len(styles) else HEADER) for i, h in enumerate(sheet.header)
        ) + "</row>")
        number = 1
        for row in sheet.rows:
            number += 1
            count += 1
            while len(row) > len(letters):
                letters.append(column_letter(len(letters)))
            buffer.append(f'<row r="{number}">' + "".join(
                _cell(f"{letters[i]}{number}", v, 0, shared) for i, v in enumerate(row)
            ) + "</row>")
            if len(buffer) >= 2000:
                raw.write("".join(buffer).encode("utf-8"))
                buffer.clear()
        buffer.append("</sheetData></worksheet>")
        raw.write("".join(buffer).encode("utf-8"))
    return count
