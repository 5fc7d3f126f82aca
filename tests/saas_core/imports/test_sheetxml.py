"""The fast xlsx XML reader gives exactly what an XML parser gives, whatever the file's shape."""

from __future__ import annotations

import datetime as dt
import io
import zipfile

import pytest
from openpyxl import Workbook, load_workbook
from openpyxl.cell.rich_text import CellRichText, TextBlock
from openpyxl.cell.text import InlineFont

from saas_core.imports import readers, sheetxml
from saas_core.imports.xlsx import Sheet, write_xlsx

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
EPOCH = dt.datetime(1899, 12, 30)
SHARED = ["zero", "one & two", "三", "four\nlines", "  spaced  "]
DATE_STYLES = {3}


def fast_and_xml(sheet: str, shared=SHARED) -> list[list]:
    """The rows by the fast reader, checked against ElementTree's reading of the same part."""
    data = sheet.encode("utf-8")
    fast = list(sheetxml.sheet_rows(lambda: io.BytesIO(data), shared, DATE_STYLES, EPOCH))
    assert fast == list(sheetxml._element_rows(io.BytesIO(data), shared, DATE_STYLES, EPOCH))
    return fast


def strings_fast_and_xml(sst: str) -> list[str]:
    data = sst.encode("utf-8")
    fast = sheetxml.shared_strings(lambda: io.BytesIO(data))
    assert fast == sheetxml._element_strings(io.BytesIO(data))
    return fast


def worksheet(rows: str, root: str = f'<worksheet xmlns="{MAIN}">') -> str:
    return f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n{root}<sheetData>{rows}</sheetData></worksheet>'


@pytest.fixture
def fast_only(monkeypatch):
    """Fail if the reader falls back to ElementTree: the usual shapes must take the fast path."""

    def refuse(*args, **kwargs):
        raise AssertionError("fell back to ElementTree")

    monkeypatch.setattr(sheetxml, "fromstring", refuse)
    monkeypatch.setattr(sheetxml, "iterparse", refuse)


def test_the_usual_cells_take_the_fast_path_with_every_type(fast_only):
    rows = (
        '<row r="1" spans="1:6"><c r="A1" t="s"><v>0</v></c><c r="B1" s="3"><v>44927</v></c><c r="C1" t="n"><v>1.5</v></c>'
        '<c r="D1" t="b"><v>1</v></c><c r="E1" t="e"><v>#DIV/0!</v></c><c r="F1" t="str"><v>a &amp; b</v></c></row>'
        '<row r="2"><c r="B2" s="1" t="s"><v>1</v></c><c r="D2"/><c r="AA2" t="inlineStr"><is><t xml:space="preserve"> x&lt;y </t></is></c></row>'
        '<row r="5"><c r="A5" t="s"><v>3</v></c><c r="B5" t="inlineStr"><is><t></t></is></c><c r="C5" t="n"><v>-2E3</v></c></row>'
        '<row r="6"><c r="A6" s="3"><v>99999999</v></c><c r="B6"><v></v></c></row>'
    )
    data = worksheet(rows).encode()
    fast = list(sheetxml.sheet_rows(lambda: io.BytesIO(data), SHARED, DATE_STYLES, EPOCH))
    assert fast == [
        ["zero", dt.datetime(2023, 1, 1), 1.5, True, None, "a & b"],
        [None, "one & two", *[None] * 24, " x<y "],
        [], [],  # rows 3 and 4 are not in the file
        ["four\nlines", "", -2000.0],
        [99999999],  # too far for a date: the number stays
    ]


def test_unusual_shapes_read_as_an_xml_parser_reads_them():
    rows = (
        # attributes in another order, single quotes, no cell reference, a formula with its cached value
        """<row r="1"><c t="s" r="A1"><v>2</v></c><c r='B1' t='s'><v>4</v></c><c><v>7</v></c>"""
        """<c r="E1"><f>1+1</f><v>2</v></c></row>"""
        # pretty-printed, a comment, character references, CDATA, a rich inline string
        """\n  <row r="2">\n    <c r="A2" t="inlineStr"><is><t>&#20013;&#x6587;</t></is></c>\n"""
        """    <!-- a comment --><c r="B2" t="inlineStr"><is><t><![CDATA[<raw> & text]]></t></is></c>\n"""
        """    <c r="C2" t="inlineStr"><is><r><t>bold</t></r><r><rPr><b/></rPr><t> run</t></r></is></c>\n  </row>\n"""
        # a self-closed row, a row without its number, a line end written as CR LF
        """<row r="3"/><row><c r="A4" t="inlineStr"><is><t>after\r\nthree</t></is></c></row>"""
        """<row r="6" x14ac:dyDescent="0.25"><c r="A6" t="s" cm="1"><v>1</v></c></row>"""
    )
    root = f'<worksheet xmlns="{MAIN}" xmlns:x14ac="http://schemas.microsoft.com/office/spreadsheetml/2009/9/ac">'
    assert fast_and_xml(worksheet(rows, root)) == [
        ["三", "  spaced  ", 7, None, 2],
        ["中文", "<raw> & text", "bold run"],
        [],
        ["after\nthree"],
        [],
        ["one & two"],
    ]


def test_a_prefixed_namespace_a_bom_or_trailing_self_closed_rows():
    prefixed = (
        f'<?xml version="1.0"?><x:worksheet xmlns:x="{MAIN}"><x:sheetData>'
        '<x:row r="1"><x:c r="A1" t="s"><x:v>0</x:v></x:c></x:row><x:row r="2"><x:c r="B2"><x:v>5</x:v></x:c></x:row>'
        "</x:sheetData></x:worksheet>"
    )
    assert fast_and_xml(prefixed) == [["zero"], [None, 5]]
    bom = "\ufeff" + worksheet('<row r="1"><c r="A1" t="s"><v>2</v></c></row>')
    assert fast_and_xml(bom) == [["三"]]
    trailing = worksheet('<row r="1"><c r="A1"><v>1</v></c></row><row r="2"/><row r="4"/>')
    assert fast_and_xml(trailing) == [[1], [], [], []]
    assert fast_and_xml(worksheet("")) == []
    assert fast_and_xml(worksheet("").replace("<sheetData></sheetData>", "<sheetData/>")) == []


def test_rows_across_read_chunks(monkeypatch):
    monkeypatch.setattr(sheetxml, "CHUNK", 7)  # every row, and the root element, cut in pieces
    rows = "".join(f'<row r="{i}"><c r="A{i}" t="s"><v>{i % 5}</v></c><c r="B{i}"><v>{i}</v></c></row>' for i in range(1, 40))
    assert fast_and_xml(worksheet(rows)) == [[SHARED[i % 5], i] for i in range(1, 40)]


def test_shared_strings_plain_rich_phonetic_and_escaped():
    sst = (
        f'<?xml version="1.0" encoding="UTF-8"?>\n<sst xmlns="{MAIN}" count="9" uniqueCount="9">'
        "<si><t>plain</t></si><si><t xml:space=\"preserve\"> spaced </t></si><si><t/></si>"
        "<si><r><t>rich</t></r><r><rPr><b/></rPr><t xml:space=\"preserve\"> text</t></r></si>"
        '<si><t>東京</t><rPh sb="0" eb="2"><t>トウキョウ</t></rPh><phoneticPr fontId="1"/></si>'
        "<si><t>a &amp; b &lt;c&gt; &#x4E2D;</t></si><si><t>under_x005F_score</t></si>"
        "<si><t>line\r\nend</t></si><si/></sst>"
    )
    assert strings_fast_and_xml(sst) == [
        "plain", " spaced ", "", "rich text", "東京", "a & b <c> 中", "under_score", "line\nend", "",
    ]
    prefixed = f'<x:sst xmlns:x="{MAIN}"><x:si><x:t>one</x:t></x:si><x:si><x:t>two</x:t></x:si></x:sst>'
    assert strings_fast_and_xml(prefixed) == ["one", "two"]


def test_a_broken_reference_is_an_unreadable_file(tmp_path):
    sheet = worksheet('<row r="1"><c r="A1" t="inlineStr"><is><t>AT&amp;T &nbsp;</t></is></c></row>')
    with pytest.raises(Exception, match="undefined entity"):
        list(sheetxml.sheet_rows(lambda: io.BytesIO(sheet.encode()), [], set(), EPOCH))


def openpyxl_rows(path) -> list[list]:
    ws = load_workbook(path, read_only=True, data_only=True).worksheets[0]
    out = []
    for row in ws.iter_rows(values_only=True):
        row = list(row)
        while row and row[-1] is None:
            row.pop()
        out.append(row)
    return out


def test_files_written_by_openpyxl_and_by_our_writer_read_as_openpyxl_reads_them(tmp_path):
    rows = [
        ["北京华兴科技有限公司", "AT&T <Ltd> \"quoted\" 'single'", "two\nlines", "  padded  ", "😀 emoji"],
        [1, -2, 3.25, 1e-7, 12345678901234],
        [dt.datetime(2024, 2, 29, 13, 45), dt.date(1999, 12, 31), True, False, None, "after a gap"],
        [],
        [None, None, "third column only"],
    ]
    wb = Workbook()
    ws = wb.active
    for row in rows:
        ws.append(row)
    ws.append([CellRichText(["rich ", TextBlock(InlineFont(b=True), "bold")])])
    ws["AB8"] = "far column"
    by_openpyxl = tmp_path / "openpyxl.xlsx"
    wb.save(by_openpyxl)
    ours = [*rows[:2], ["text", 7], [], ["x", None, "y"]]
    inline, shared = tmp_path / "inline.xlsx", tmp_path / "shared.xlsx"
    write_xlsx(inline, [Sheet("S", ["a", "b", "c"], ours)])
    write_xlsx(shared, [Sheet("S", ["a", "b", "c"], ours)], shared_strings=True)
    for path in (by_openpyxl, inline, shared):
        with readers.open_table(path, readers.XLSX) as table:
            got = [table.headers, *table.rows]
        expected = openpyxl_rows(path)
        assert got[1:] == expected[1:], path.name
        assert got[0] == [str(v).strip() for v in expected[0]]
    with zipfile.ZipFile(by_openpyxl) as zf:
        assert "<c r=" in zf.read("xl/worksheets/sheet1.xml").decode()  # the shape the fast path reads


def test_shared_strings_are_read_as_far_as_the_rows_need_them(monkeypatch):
    monkeypatch.setattr(sheetxml, "CHUNK", 64)
    sst = f'<sst xmlns="{MAIN}">' + "".join(f"<si><t>s{i}</t></si>" for i in range(500)) + "</sst>"
    shared = sheetxml.SharedStrings(lambda: io.BytesIO(sst.encode()))
    assert shared[0] == "s0" and len(shared.items) < 50  # the header's strings: the first chunks only
    rows = "".join(f'<row r="{i + 1}"><c r="A{i + 1}" t="s"><v>{i * 2}</v></c></row>' for i in range(250))
    data = worksheet(rows).encode()
    read = sheetxml.sheet_rows(lambda: io.BytesIO(data), shared, set(), EPOCH)
    assert next(read) == ["s0"] and next(read) == ["s2"] and len(shared.items) < 100
    assert list(read)[-1] == ["s498"]
    assert shared[-1] == "s499" and len(shared) == 500 and list(shared)[:2] == ["s0", "s1"]
    with pytest.raises(IndexError):
        shared[500]
    shared.close()
