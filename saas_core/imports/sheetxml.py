"""The cells of an xlsx worksheet and its shared strings, read fast from the XML.

Spreadsheet programs (Excel, WPS, LibreOffice, openpyxl, our own writer) write a cell as
``<c r="B7" s="3" t="s"><v>12</v></c>`` and a shared string as ``<si><t>text</t></si>``. The
decompressed XML is cut at each ``</row>`` (``</si>``) and those shapes are read with one regular
expression, several times faster than building an XML element per cell (100,000 rows of 19
columns: about 2 s instead of 8). Anything else (formulas, rich text, phonetic hints, other
quoting, comments, CDATA, a row without its number) sends that row or string through
ElementTree, so the values are always those a full XML parser gives; a part whose root element
carries a prefix or that has a DOCTYPE is read by ElementTree throughout.

Values: shared and inline strings as text; numbers as int or float (a date style makes them
dates, with openpyxl's ``from_excel``); booleans; error cells as None; other cell types as text.

Given ``limits`` (``imports.limits.ReadLimits``; the import worker always gives them), a hostile
file is refused with ``TooLarge`` as soon as it shows itself, in bounded memory: a row or string
of the XML longer than ``max_piece_chars`` (a whitespace or giant-string bomb is cut off after one
chunk, not collected whole), a text cell longer than Excel's limit, more shared-string text than
``max_shared_chars``, more rows than ``max_rows`` or a value beyond column ``max_columns``.
"""

from __future__ import annotations

import codecs
import contextlib
import itertools
import re
from collections.abc import Callable, Iterable, Iterator
from typing import IO
from xml.etree.ElementTree import fromstring, iterparse

from django.utils.translation import gettext as _

from saas_core.imports.limits import ReadLimits, TooLarge

CHUNK = 1 << 22  # decompressed bytes per read

_CELL = re.compile(
    r'<c r="([A-Z]{1,3})\d+"([^>/]*)'
    r'(?:/>|>(?:<v>([^<]*)</v>|(<is><t(?: xml:space="preserve")?>)([^<]*)</t></is>)?</c>)'
    r"|(<[^>]*>?|[^<]+)"  # anything else: a cell of another shape, or no cell at all
)
_ROW_START = re.compile(r"<row\b([^>]*)>")
_ROW_NUMBER = re.compile(r'\sr="(\d+)"')
_ATTRIBUTE = re.compile(r"""\s+([\w:.-]+)\s*=\s*(?:"([^"]*)"|'([^']*)')""")
_PLAIN_STRING = re.compile(r'<si><t(?: xml:space="preserve")?>([^<]*)</t>')
_ENTITY = re.compile(r"&(?:#(\d+)|#x([0-9a-fA-F]+)|(amp|lt|gt|quot|apos));")
_NAMED = {"amp": "&", "lt": "<", "gt": ">", "quot": '"', "apos": "'"}
_XMLNS = re.compile(r"""\sxmlns(?::[\w.-]+)?\s*=\s*(?:"[^"]*"|'[^']*')""")


class _Unusual(Exception):
    """Not in the common shape: ElementTree reads this row (string)."""


def _entity(match: re.Match) -> str:
    decimal, hexadecimal, name = match.groups()
    if name:
        return _NAMED[name]
    return chr(int(decimal) if decimal else int(hexadecimal, 16))


def _text(raw: str) -> str:
    """Character data as an XML parser returns it: line ends normalised, references resolved."""
    if "\r" in raw:
        raw = raw.replace("\r\n", "\n").replace("\r", "\n")
    if "&" in raw:
        if raw.count("&") != len(_ENTITY.findall(raw)):
            raise _Unusual  # an entity of a DTD, or a broken one: the XML parser decides
        raw = _ENTITY.sub(_entity, raw)
    return raw


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _open(open_part: Callable[[], IO[bytes]], root_tag: str):
    """The part's text in chunks, and the namespace declarations of its root element, or None
    when the part is to be read by ElementTree (a prefixed root, a DOCTYPE)."""
    src = open_part()
    decoder = codecs.getincrementaldecoder("utf-8-sig")()

    def chunks() -> Iterator[str]:
        while data := src.read(CHUNK):
            yield decoder.decode(data)
        yield decoder.decode(b"", final=True)

    stream = chunks()
    head = ""
    for text in stream:
        head += text
        if re.search(rf"<{root_tag}\b[^>]*>", head) or len(head) > CHUNK:
            break
    match = re.search(rf"<{root_tag}\b([^>]*)>", head)
    declarations = None
    if match is not None and "<!DOCTYPE" not in head[: match.start()] and "<!ENTITY" not in head[: match.start()]:
        before = re.sub(r"<\?.*?\?>|<!--.*?-->", "", head[: match.start()], flags=re.S)
        if not before.strip() and re.search(r"""\sxmlns\s*=""", match.group(1)):
            declarations = "".join(_XMLNS.findall(match.group(1)))
    return src, declarations, itertools.chain([head], stream)


def _pieces(chunks: Iterable[str], end_tag: str, limits: ReadLimits | None = None) -> Iterator[tuple[str, bool]]:
    """(text before each ``end_tag``, True), then (what follows the last one, False)."""
    for pieces in _piece_lists(chunks, end_tag, limits):
        yield from pieces


def _piece_lists(chunks: Iterable[str], end_tag: str,
                 limits: ReadLimits | None = None) -> Iterator[list[tuple[str, bool]]]:
    """``_pieces``, a list per chunk read; no piece longer than the limit is ever collected."""
    most = limits.max_piece_chars if limits else None
    carry = ""
    for text in chunks:
        parts = (carry + text).split(end_tag)
        carry = parts.pop()
        if most is not None and (len(carry) > most or any(len(part) > most for part in parts)):
            raise TooLarge(_("The file has a row or text of more than %(mb)d MB; it is not an ordinary "
                             "spreadsheet.") % {"mb": most >> 20})
        yield [(part, True) for part in parts]
    yield [(carry, False)]


def _check_text(text: str, limits: ReadLimits | None) -> str:
    if limits is not None and len(text) > limits.max_cell_chars:
        raise TooLarge(_("A cell has %(n)s characters; a spreadsheet cell holds at most %(max)s.")
                       % {"n": f"{len(text):,}", "max": f"{limits.max_cell_chars:,}"})
    return text


def _check_row(number: int, limits: ReadLimits | None) -> None:
    if limits is not None and number > limits.max_rows + 1:  # + the header row
        raise TooLarge(_("The sheet has more than %(max)s rows; at most that many can be imported at once. Split it "
                         "into smaller files.") % {"max": f"{limits.max_rows:,}"})


def _check_column(column: int, limits: ReadLimits | None) -> None:
    if limits is not None and column >= limits.max_columns:
        raise TooLarge(_("The sheet has a value in column %(n)s; at most %(max)s columns are accepted.")
                       % {"n": f"{column + 1:,}", "max": f"{limits.max_columns:,}"})


# --- shared strings ---------------------------------------------------------------------------


def _string_of(node) -> str:
    """One ``<si>``: its own ``<t>``, or its runs' texts (phonetic hints left out, as openpyxl does)."""
    plain = next((child for child in node if _local(child.tag) == "t"), None)
    if plain is not None:
        text = plain.text or ""
    else:
        text = "".join(t.text or "" for r in node if _local(r.tag) == "r" for t in r if _local(t.tag) == "t")
    return text.replace("x005F_", "")


def _element_strings(src: IO[bytes], limits: ReadLimits | None = None) -> list[str]:
    strings = []
    for _event, node in iterparse(src, events=("end",)):  # noqa: S314 - see _element_rows
        if _local(node.tag) == "si":
            strings.append(_check_text(_string_of(node), limits))
            node.clear()
    return strings


def _string_chunks(open_part: Callable[[], IO[bytes]], limits: ReadLimits | None = None) -> Iterator[list[str]]:
    """The shared strings in order, a list per chunk of the part read."""
    src, declarations, chunks = _open(open_part, "sst")
    with src:
        if declarations is None:
            with open_part() as again:
                yield _element_strings(again, limits)
            return
        plain_string = _PLAIN_STRING.fullmatch
        for piece_list in _piece_lists(chunks, "</si>", limits):
            strings: list[str] = []
            append = strings.append
            for piece, complete in piece_list:
                start = piece.find("<si")
                if not complete:  # after the last </si>: only self-closed <si/> can be left
                    body = piece.split("</sst>", 1)[0]
                    if start >= 0 and re.search(r"<si\b", body):
                        element = fromstring(f"<sst{declarations}>{body[body.index('<si'):]}</sst>")  # noqa: S314
                        strings.extend(_string_of(si) for si in element if _local(si.tag) == "si")
                    continue
                try:
                    plain = plain_string(piece, start) if start >= 0 else None
                    if plain is None:
                        raise _Unusual
                    text = _text(plain.group(1))
                    append(text.replace("x005F_", "") if "x005F_" in text else text)
                except _Unusual:
                    element = fromstring(f"<sst{declarations}>{piece[max(start, 0):]}</si></sst>")  # noqa: S314
                    strings.extend(_string_of(si) for si in element if _local(si.tag) == "si")
            if limits is not None:
                for text in strings:
                    _check_text(text, limits)
            yield strings


class SharedStrings:
    """The shared-strings table, read only as far as it is asked for: the header of a 100,000-row
    file needs its first strings only, and the first rows can be read while the rest waits."""

    def __init__(self, open_part: Callable[[], IO[bytes]], limits: ReadLimits | None = None):
        self.items: list[str] = []  # read so far (the rows' fast path indexes it directly)
        self._more: Iterator[list[str]] | None = _string_chunks(open_part, limits)
        self._limits = limits
        self._chars = 0

    def _read(self, upto: int | None = None) -> None:
        while self._more is not None and (upto is None or len(self.items) <= upto):
            chunk = next(self._more, None)
            if chunk is None:
                self._more = None
            else:
                if self._limits is not None:
                    self._chars += sum(map(len, chunk)) + 50 * len(chunk)  # + what each string costs to keep
                    if self._chars > self._limits.max_shared_chars:
                        raise TooLarge(_("The workbook's text is larger than %(mb)d MB; split it into smaller files.")
                                       % {"mb": self._limits.max_shared_chars >> 20})
                self.items.extend(chunk)

    def __getitem__(self, index: int) -> str:
        if index >= len(self.items) or index < 0:
            self._read(index if index >= 0 else None)
        return self.items[index]

    def __len__(self) -> int:
        self._read()
        return len(self.items)

    def __iter__(self) -> Iterator[str]:
        self._read()
        return iter(self.items)

    def close(self) -> None:
        if self._more is not None:
            self._more.close()
            self._more = None


def shared_strings(open_part: Callable[[], IO[bytes]]) -> list[str]:
    """The whole shared-strings table, in order (``open_part()`` opens the part's bytes)."""
    return list(SharedStrings(open_part))


# --- worksheet rows ---------------------------------------------------------------------------


def _column_index(ref: str) -> int:
    index = 0
    for ch in ref:
        if not "A" <= ch <= "Z":
            break
        index = index * 26 + (ord(ch) - 64)
    return index - 1


def _value(kind: str, text: str | None, is_date: bool, shared: list, epoch):
    """A cell's value from its type and the text of its ``<v>`` (None when it has none)."""
    if text is None:
        return None
    if kind == "s":
        return shared[int(text)]
    if kind == "n":
        value = float(text) if ("." in text or "E" in text or "e" in text) else int(text)
        if is_date:
            from openpyxl.utils.datetime import from_excel

            with contextlib.suppress(ValueError, OverflowError):
                value = from_excel(value, epoch)
        return value
    if kind == "b":
        return text == "1"
    if kind == "e":
        return None
    return text  # str (a formula's result), d (ISO date)


def _element_row(element, shared: list, date_styles: set, epoch, limits: ReadLimits | None = None) -> list:
    values: list = []
    position = 0
    for cell in element:
        if _local(cell.tag) != "c":
            continue
        ref = cell.get("r")
        column = _column_index(ref) if ref else position
        position = column + 1
        kind = cell.get("t", "n")
        if kind == "inlineStr":
            node = next((child for child in cell if _local(child.tag) == "is"), None)
            value = None if node is None else "".join(t.text or "" for t in node.iter() if _local(t.tag) == "t")
            if value is not None:
                _check_text(value, limits)
        else:
            node = next((child for child in cell if _local(child.tag) == "v"), None)
            text = node.text if node is not None else None
            style = cell.get("s") if kind == "n" and text is not None else None
            value = _value(kind, text, style is not None and int(style) in date_styles, shared, epoch)
        if value is not None:
            if column >= len(values):
                _check_column(column, limits)
                values.extend([None] * (column - len(values) + 1))
            values[column] = value
    return values


def _element_rows(src: IO[bytes], shared: list, date_styles: set, epoch,
                  limits: ReadLimits | None = None) -> Iterator[list]:
    """Every row with ElementTree's pull parser (parts of an unusual shape)."""
    expected = 1
    # ElementTree never fetches external entities, and expat >= 2.4 (Python 3.11 ships 2.5)
    # refuses entity-expansion bombs; openpyxl itself parses the same parts with it.
    for _event, element in iterparse(src, events=("end",)):  # noqa: S314
        if _local(element.tag) != "row":
            continue
        number = element.get("r")
        number = int(number) if number else expected
        _check_row(number, limits)
        while expected < number:  # rows the file leaves out are empty
            expected += 1
            yield []
        expected = number + 1
        values = _element_row(element, shared, date_styles, epoch, limits)
        element.clear()
        yield values


def _cell_spec(letters: str, attributes: str, date_styles: set) -> tuple[int, str, bool]:
    """(column index, type, has a date style) of a cell from its column letters and the attributes
    after ``r``; raises _Unusual if they do not parse."""
    found = _ATTRIBUTE.findall(attributes)
    if "".join(_ATTRIBUTE.sub("", attributes).split()):
        raise _Unusual
    values = {name: a if a or not b else b for name, a, b in found}
    style = values.get("s")
    if style is not None and not style.isdigit():
        raise _Unusual
    return _column_index(letters), values.get("t", "n"), style is not None and int(style) in date_styles


def sheet_rows(open_part: Callable[[], IO[bytes]], shared: list, date_styles: set, epoch,
               limits: ReadLimits | None = None) -> Iterator[list]:
    """Every row of a worksheet as a list of values (``open_part()`` opens the part's bytes);
    rows the file leaves out come out as empty lists."""
    src, declarations, chunks = _open(open_part, "worksheet")
    with src:
        if declarations is None:
            with open_part() as again:
                yield from _element_rows(again, shared, date_styles, epoch, limits)
            return
        max_columns = limits.max_columns if limits else 1 << 30
        max_cell = limits.max_cell_chars if limits else 1 << 62
        expected = 1
        layout: dict[str, tuple[int, str, bool]] = {}  # column letters + attributes -> (index, type, date style)
        strings = shared.items if isinstance(shared, SharedStrings) else shared  # grows as ``shared`` reads on
        cells = _CELL.findall
        for piece, complete in _pieces(chunks, "</row>", limits):
            start = piece.find("<row")
            if not complete:  # after the last </row>: only self-closed rows can be left
                body = piece.split("</sheetData>", 1)[0]
                found = re.search(r"<row\b", body)
                if found is None:
                    continue
                rows = fromstring(f"<sheetData{declarations}>{body[found.start():]}</sheetData>")  # noqa: S314
            else:
                try:
                    head = _ROW_START.match(piece, start) if start >= 0 else None
                    if head is None or head.group(1).endswith("/"):
                        raise _Unusual
                    number = _ROW_NUMBER.search(head.group(1))
                    if number is None:
                        raise _Unusual
                    values: list = []
                    for letters, attributes, text, inline, inline_text, other in cells(piece, head.end()):
                        if other:
                            if other.isspace():
                                continue
                            raise _Unusual
                        spec = layout.get(letters + attributes)
                        if spec is None:
                            spec = layout[letters + attributes] = _cell_spec(letters, attributes, date_styles)
                        column, kind, is_date = spec
                        if kind == "s":
                            if not text:
                                continue  # no <v>, or an empty one: no value
                            index = int(text)
                            value = strings[index] if 0 <= index < len(strings) else shared[index]
                        elif kind == "inlineStr":
                            if not inline:
                                continue
                            value = _text(inline_text) if "&" in inline_text or "\r" in inline_text else inline_text
                            if len(value) > max_cell:
                                _check_text(value, limits)
                        elif not text:
                            continue
                        else:
                            value = _value(kind, _text(text) if "&" in text or "\r" in text else text, is_date, shared,
                                           epoch)
                            if value is None:
                                continue
                        if column >= max_columns:
                            _check_column(column, limits)
                        if column == len(values):
                            values.append(value)
                        else:
                            if column > len(values):
                                values.extend([None] * (column - len(values) + 1))
                            values[column] = value
                except _Unusual:
                    rows = fromstring(f"<sheetData{declarations}>{piece[max(start, 0):]}</row></sheetData>")  # noqa: S314
                else:
                    number = int(number.group(1))
                    _check_row(number, limits)
                    while expected < number:
                        expected += 1
                        yield []
                    expected = number + 1
                    yield values
                    continue
            for element in rows:
                if _local(element.tag) != "row":
                    continue
                number = element.get("r")
                number = int(number) if number else expected
                _check_row(number, limits)
                while expected < number:
                    expected += 1
                    yield []
                expected = number + 1
                yield _element_row(element, shared, date_styles, epoch, limits)
