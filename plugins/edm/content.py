"""A template's content as sent: variables filled, CSS inlined, a plain-text part.

CSS is inlined once per campaign (css-inline, before the variables, which are plain text), and
the variables are then put in per recipient, HTML-escaped: a customer named ``<b>`` cannot change
the message. The plain-text part is the HTML's text, with links kept as "text (url)".
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from html import escape, unescape
from html.parser import HTMLParser

import css_inline
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

VARIABLES = ("customer", "contact", "owner", "company")
_VARIABLE = re.compile(r"\{([a-z_]+)\}")


def check_variables(text: str, field: str = "html") -> None:
    unknown = sorted({name for name in _VARIABLE.findall(text or "") if name not in VARIABLES})
    if unknown:
        raise ValidationError({field: [_("Unknown variable(s): %(names)s. Use %(allowed)s.") % {
            "names": ", ".join("{" + n + "}" for n in unknown), "allowed": ", ".join("{" + n + "}" for n in VARIABLES)}]})


def inline_css(html: str) -> str:
    try:
        return css_inline.inline(html)
    except ValueError as exc:
        raise ValidationError({"html": [_("The CSS could not be read: %(error)s") % {"error": exc}]}) from None


def fill(text: str, values: Mapping[str, str], *, html: bool) -> str:
    def put(match: re.Match) -> str:
        value = values.get(match.group(1))
        if value is None:
            return match.group(0)
        return escape(value) if html else value

    return _VARIABLE.sub(put, text)


class _Text(HTMLParser):
    BLOCKS = {"p", "div", "br", "tr", "li", "h1", "h2", "h3", "h4", "h5", "h6", "table", "section"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skip = 0
        self.href: list[str | None] = []

    def handle_starttag(self, tag, attrs):
        if tag in ("style", "script", "head", "title"):
            self.skip += 1
        elif tag in self.BLOCKS:
            self.parts.append("\n")
        if tag == "a":
            self.href.append(dict(attrs).get("href"))

    def handle_endtag(self, tag):
        if tag in ("style", "script", "head", "title"):
            self.skip = max(0, self.skip - 1)
        elif tag in self.BLOCKS:
            self.parts.append("\n")
        if tag == "a" and self.href:
            href = self.href.pop()
            if href and not href.startswith(("#", "mailto:")):
                self.parts.append(f" ({href})")

    def handle_data(self, data):
        if not self.skip:
            self.parts.append(re.sub(r"\s+", " ", data))


def plain_text(html: str) -> str:
    parser = _Text()
    parser.feed(html or "")
    text = unescape("".join(parser.parts))
    lines = [line.strip() for line in text.splitlines()]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip() + "\n"
