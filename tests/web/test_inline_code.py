"""No template or HTML-writing code holds inline script, handlers or styles.

The Content-Security-Policy (script-src/style-src 'self') makes the browser refuse them, so
one left behind is a button that silently does nothing. Behaviour belongs in static files,
wired by data-* attributes (web/static/web/app.js: data-confirm, data-autosubmit,
data-progress); looks belong in web/static/web/app.css.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ["saas_core", "tenants", "billing", "plugins", "web"]

# Files that never become a page of ours, with the reason.
EXEMPT = {
    # The invoice is a download (Content-Disposition: attachment) opened from the customer's
    # disk, where our stylesheet cannot be reached; it has no script.
    "billing/templates/billing/invoice.html": {"inline style element"},
}

_DJANGO_TAG = re.compile(r"\{%\s*comment\s*%\}.*?\{%\s*endcomment\s*%\}|\{%.*?%\}|\{#.*?#\}", re.S)
_DJANGO_VAR = re.compile(r"\{\{.*?\}\}", re.S)
_TAG = re.compile(r"<([a-zA-Z][a-zA-Z0-9-]*)((?:[^>\"']|\"[^\"]*\"|'[^']*')*)>", re.S)
_HANDLER = re.compile(r"(?:^|[\s\"'/])(on[a-z]+|hx-on[:\w-]*)\s*=", re.I)
_STYLE_ATTR = re.compile(r"(?:^|[\s\"'/])style\s*=", re.I)
_SRC_ATTR = re.compile(r"(?:^|\s)src\s*=", re.I)
_DATA_SCRIPT = re.compile(r"""type\s*=\s*["']?application/(?:ld\+)?json""", re.I)


def problems(html: str) -> list[str]:
    """What in this markup the policy would refuse (Django tags stripped first)."""
    text = _DJANGO_VAR.sub("x", _DJANGO_TAG.sub(" ", html))
    found = []
    for match in _TAG.finditer(text):
        name, attrs = match.group(1).lower(), match.group(2)
        if name == "script" and not _SRC_ATTR.search(attrs) and not _DATA_SCRIPT.search(attrs):
            found.append("inline script")
        if name == "style":
            found.append("inline style element")
        for handler in _HANDLER.findall(attrs):
            found.append(f"inline handler {handler.lower()}")
        if _STYLE_ATTR.search(attrs):
            found.append(f"style attribute on <{name}>")
    if re.search(r"javascript\s*:", text, re.I):
        found.append("javascript: URL")
    return found


def templates() -> list[Path]:
    return sorted(p for package in PACKAGES for p in (ROOT / package).glob("**/templates/**/*.html"))


def html_in_python() -> list[tuple[Path, int, str]]:
    """String constants in the product's Python that look like markup (format_html rows, widgets)."""
    found = []
    for package in PACKAGES:
        for path in (ROOT / package).glob("**/*.py"):
            if "migrations" in path.parts:
                continue
            for node in ast.walk(ast.parse(path.read_text(), str(path))):
                if isinstance(node, ast.Constant) and isinstance(node.value, str) and _TAG.search(node.value):
                    found.append((path, node.lineno, node.value))
    return found


def test_the_scan_sees_the_templates_and_the_html_written_in_python():
    names = {str(p.relative_to(ROOT)) for p in templates()}
    assert {"web/templates/web/base.html", "web/templates/console/base.html",
            "saas_core/customers/templates/customers/form.html", "plugins/sms/templates/sms/send.html",
            "billing/templates/billing/subscription.html"} <= names
    assert any(path.name == "views.py" and "customers" in path.parts for path, _, _ in html_in_python())


@pytest.mark.parametrize("markup, expected", [
    ("<script>alert(1)</script>", "inline script"),
    ('<script type="module">go()</script>', "inline script"),
    ("<style>body{}</style>", "inline style element"),
    ('<select name="s" onchange="this.form.submit()">', "inline handler onchange"),
    ("<form {% if a %}onsubmit=\"return confirm('x')\"{% endif %}>", "inline handler onsubmit"),
    ('<button\n  class="btn"\n  onClick="go()">', "inline handler onclick"),
    ('<div hx-on:click="go()">', "inline handler hx-on:click"),
    ('<div class="a" style="width: {{ p }}%">', "style attribute on <div>"),
    ('<a href="javascript:void(0)">', "javascript: URL"),
])
def test_the_scan_finds_what_the_policy_refuses(markup, expected):
    assert expected in problems(markup)


@pytest.mark.parametrize("markup", [
    '<script src="{% static \'web/app.js\' %}"></script>',
    '<script type="application/json" id="data">{"a": 1}</script>',
    '<form data-confirm="Take it off sale? {{ x }}" data-online="1">',
    "<p>Put it on sale = {{ n }} times</p>",
    '<td class="x" data-style="a">',
    "{% comment %}Not <script>inline</script> code.{% endcomment %}",
])
def test_the_scan_leaves_allowed_markup_alone(markup):
    assert problems(markup) == []


def test_no_template_holds_inline_script_handlers_or_styles():
    offenders = []
    for path in templates():
        name = str(path.relative_to(ROOT))
        left = [p for p in problems(path.read_text()) if p not in EXEMPT.get(name, set())]
        offenders += [f"{name}: {p}" for p in left]
    assert not offenders, "\n".join(offenders)


def test_no_html_written_in_python_holds_inline_script_handlers_or_styles():
    offenders = [
        f"{path.relative_to(ROOT)}:{line}: {p}" for path, line, value in html_in_python() for p in problems(value)
    ]
    assert not offenders, "\n".join(offenders)
