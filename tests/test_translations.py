"""The translation catalogues: complete, compiled, and consistent with their sources.

The catalogues are regenerated from the source with ``scripts/i18n`` (makemessages, then
compilemessages); run it whenever a translatable string changes. These tests do not re-extract
strings from the source, so a string added without re-running the script is not caught here.

The compiled ``.mo`` files are committed (a fresh machine may not have gettext), so they are
compared with the ``.po`` files message by message rather than by modification time, which a
git checkout does not preserve.
"""

from __future__ import annotations

import ast
import gettext
import re
import shutil
import subprocess
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import translation

LOCALE_DIR = Path(settings.BASE_DIR) / "saas_core" / "locale"
ZH_PO = LOCALE_DIR / "zh_Hans" / "LC_MESSAGES" / "django.po"
EN_PO = LOCALE_DIR / "en" / "LC_MESSAGES" / "django.po"
CATALOGUES = [ZH_PO, EN_PO]


@dataclass
class Entry:
    msgid: str = ""
    msgid_plural: str | None = None
    msgctxt: str | None = None
    msgstr: dict[int, str] = field(default_factory=dict)
    flags: set[str] = field(default_factory=set)
    line: int = 0

    @property
    def key(self) -> str:
        """The msgid as GNUTranslations stores it (context and id joined by EOT)."""
        return self.msgid if self.msgctxt is None else f"{self.msgctxt}\x04{self.msgid}"

    def __str__(self) -> str:
        return f"line {self.line}: {self.msgid!r}"


def parse_po(path: Path) -> tuple[dict[str, str], list[Entry]]:
    """A small .po reader (entries are separated by blank lines, as gettext writes them).

    Returns the header fields and the entries, without the header and obsolete (#~) entries.
    """
    entries: list[Entry] = []
    lineno = 0
    for block in path.read_text(encoding="utf-8").split("\n\n"):
        entry = Entry(line=lineno + 1 + (len(block) - len(block.lstrip("\n"))))
        lineno += block.count("\n") + 2
        target: tuple[str, int] | None = None
        for raw in block.strip("\n").splitlines():
            line = raw.strip()
            if line.startswith("#,"):
                entry.flags.update(flag.strip() for flag in line[2:].split(",") if flag.strip())
            elif line.startswith("#"):
                continue
            elif line.startswith('"'):
                assert target is not None, f"{path}: a string outside an entry in {block!r}"
                append(entry, target, ast.literal_eval(line))
            else:
                keyword, _, rest = line.partition(" ")
                match = re.fullmatch(r"(msgctxt|msgid|msgid_plural|msgstr)(?:\[(\d+)\])?", keyword)
                assert match, f"{path}: cannot parse {raw!r}"
                target = (match.group(1), int(match.group(2) or 0))
                append(entry, target, ast.literal_eval(rest))
        if target is not None:  # not a comment-only (e.g. obsolete) block
            entries.append(entry)

    headers = [e for e in entries if e.msgid == "" and e.msgctxt is None]
    assert len(headers) == 1, f"{path}: expected exactly one header entry"
    fields = (line.split(":", 1) for line in headers[0].msgstr.get(0, "").splitlines() if ":" in line)
    return {k.strip(): v.strip() for k, v in fields}, [e for e in entries if e is not headers[0]]


def append(entry: Entry, target: tuple[str, int], text: str) -> None:
    name, index = target
    if name == "msgstr":
        entry.msgstr[index] = entry.msgstr.get(index, "") + text
    else:
        setattr(entry, name, (getattr(entry, name) or "") + text)


def load_mo(po_path: Path) -> gettext.GNUTranslations:
    mo_path = po_path.with_suffix(".mo")
    assert mo_path.exists(), f"{mo_path} is missing: run scripts/i18n"
    with mo_path.open("rb") as fh:
        return gettext.GNUTranslations(fh)


def nplurals(header: dict[str, str]) -> int:
    match = re.search(r"nplurals\s*=\s*(\d+)", header.get("Plural-Forms", ""))
    assert match, "the catalogue header has no Plural-Forms"
    return int(match.group(1))


# --- the Chinese catalogue is complete ---------------------------------------------------------


def test_zh_catalogue_has_entries():
    _, entries = parse_po(ZH_PO)
    assert len(entries) > 50, "the zh_Hans catalogue looks empty: run scripts/i18n"


def test_zh_header():
    header, _ = parse_po(ZH_PO)
    assert header.get("Language") == "zh_Hans"
    assert "charset=UTF-8" in header.get("Content-Type", "")
    assert nplurals(header) == 1


def test_every_zh_message_is_translated():
    header, entries = parse_po(ZH_PO)
    count = nplurals(header)
    untranslated = []
    for e in entries:
        expected = set(range(count)) if e.msgid_plural is not None else {0}
        if set(e.msgstr) != expected or not all(e.msgstr.values()):
            untranslated.append(str(e))
    assert not untranslated, "untranslated messages in zh_Hans:\n" + "\n".join(untranslated)


@pytest.mark.parametrize("po", CATALOGUES, ids=lambda p: p.parent.parent.name)
def test_no_fuzzy_messages(po):
    header, entries = parse_po(po)
    fuzzy = [str(e) for e in entries if "fuzzy" in e.flags]
    assert not fuzzy, f"fuzzy messages in {po} (check the translation, then drop the flag):\n" + "\n".join(fuzzy)


def test_catalogues_hold_the_same_messages():
    """Both languages are regenerated together by scripts/i18n."""
    _, zh = parse_po(ZH_PO)
    _, en = parse_po(EN_PO)
    assert {(e.key, e.msgid_plural) for e in zh} == {(e.key, e.msgid_plural) for e in en}


def test_no_duplicate_messages():
    _, entries = parse_po(ZH_PO)
    duplicates = [key for key, n in Counter(e.key for e in entries).items() if n > 1]
    assert not duplicates


# --- placeholders, markup ------------------------------------------------------------------------

PYTHON_FORMAT = re.compile(r"%(?:\((\w+)\))?[-#0 +]*\d*(?:\.\d+)?[diouxXeEfFgGcrsa%]")
TEMPLATE_VARIABLE = re.compile(r"\{\{\s*([\w.]+)\s*\}\}")
BRACE_FORMAT = re.compile(r"(?<!\{)\{(\w*)\}(?!\})")
HTML_TAG = re.compile(r"</?[a-zA-Z][^>]*>")


def placeholders(text: str) -> Counter:
    found = Counter(m.group(0) for m in PYTHON_FORMAT.finditer(text))
    found.update("{{ " + m.group(1) + " }}" for m in TEMPLATE_VARIABLE.finditer(text))
    found.update("{" + m.group(1) + "}" for m in BRACE_FORMAT.finditer(TEMPLATE_VARIABLE.sub("", text)))
    return found


def test_placeholder_helper():
    assert placeholders("%(name)s has %(n)d, {{ user }} {x} 100%%") == Counter(
        {"%(name)s": 1, "%(n)d": 1, "{{ user }}": 1, "{x}": 1, "%%": 1}
    )


def _translated(entries):
    for e in entries:
        for index, msgstr in e.msgstr.items():
            if msgstr:
                yield e, index, msgstr


def test_placeholders_match():
    _, entries = parse_po(ZH_PO)
    wrong = []
    for e, index, msgstr in _translated(entries):
        source = e.msgid if index == 0 or e.msgid_plural is None else e.msgid_plural
        expected = placeholders(source)
        if e.msgid_plural is not None:
            # With one Chinese form, msgstr[0] serves every count: it may use either source's placeholders.
            expected |= placeholders(e.msgid_plural)
        if placeholders(msgstr) != expected:
            wrong.append(f"{e}: {dict(placeholders(msgstr))} != {dict(expected)}")
    assert not wrong, "placeholders differ between msgid and msgstr:\n" + "\n".join(wrong)


def test_python_format_flag_matches_placeholders():
    """makemessages flags %-formatted messages; an unflagged message must not grow placeholders."""
    _, entries = parse_po(ZH_PO)
    wrong = [
        str(e) for e, _, msgstr in _translated(entries)
        if "python-format" not in e.flags and PYTHON_FORMAT.search(msgstr) and not PYTHON_FORMAT.search(e.msgid)
    ]
    assert not wrong


def test_html_tags_match():
    _, entries = parse_po(ZH_PO)
    wrong = [
        str(e) for e, _, msgstr in _translated(entries)
        if Counter(HTML_TAG.findall(msgstr)) != Counter(HTML_TAG.findall(e.msgid))
    ]
    assert not wrong, "HTML markup differs between msgid and msgstr:\n" + "\n".join(wrong)


# --- compiled catalogues --------------------------------------------------------------------------


@pytest.mark.parametrize("po", CATALOGUES, ids=lambda p: p.parent.parent.name)
def test_mo_matches_po(po):
    """The committed .mo holds exactly the .po's translations (else: run scripts/i18n)."""
    header, entries = parse_po(po)
    mo = load_mo(po)
    catalog = mo._catalog  # GNUTranslations' parsed messages
    expected: dict[object, str] = {}
    for e in entries:
        if "fuzzy" in e.flags:
            continue
        if e.msgid_plural is None:
            if e.msgstr.get(0):
                expected[e.key] = e.msgstr[0]
        elif all(e.msgstr.values()):
            expected.update({(e.key, i): s for i, s in e.msgstr.items()})
    compiled = {k: v for k, v in catalog.items() if k != ""}
    missing = {k: v for k, v in expected.items() if compiled.get(k) != v}
    stale = sorted(str(k) for k in compiled if k not in expected)
    assert not missing, f"{po.with_suffix('.mo')} is out of date (run scripts/i18n): {sorted(map(str, missing))}"
    assert not stale, f"{po.with_suffix('.mo')} holds messages the .po no longer has (run scripts/i18n): {stale}"
    if expected:
        assert mo.info().get("plural-forms", "").replace(" ", "") == header["Plural-Forms"].replace(" ", "")


@pytest.mark.parametrize("po", CATALOGUES, ids=lambda p: p.parent.parent.name)
def test_po_passes_msgfmt_check(po, tmp_path):
    msgfmt = shutil.which("msgfmt")
    if msgfmt is None:
        pytest.skip("gettext's msgfmt is not installed")
    result = subprocess.run(
        [msgfmt, "--check", "-o", str(tmp_path / "django.mo"), str(po)], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr


# --- behaviour ---------------------------------------------------------------------------------------


def test_chinese_is_served():
    from saas_core.accounts.models import Role

    with translation.override("zh-hans"):
        assert translation.gettext("Workbench") == "工作台"
        assert str(Role.BOSS.label) == "老板"
        assert str(Role.SALES.label) == "业务员"
        assert translation.ngettext("%(counter)s record", "%(counter)s records", 3) % {"counter": 3} == "共 3 条记录"


def test_english_is_the_source():
    from saas_core.accounts.models import Role

    with translation.override("en"):
        assert translation.gettext("Workbench") == "Workbench"
        assert str(Role.BOSS.label) == "Boss"
