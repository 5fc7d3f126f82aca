"""Search keys for Chinese and English names, computed on save and matched through one GIN index.

Typing ``bjkj``, ``beijing``, ``北京 科技`` or ``Pacific`` must find 北京华兴科技有限公司 (or
Pacific Rim Trading) among a million customers in milliseconds. Each record stores:

- ``tokens``: a ``text[]`` with a GIN index: every CJK character and CJK bigram; every pinyin
  syllable of every reading; the bigrams of the initials across all readings (polyphones:
  重 gives both ``zq`` and ``cq`` for 重庆); English words and their prefixes. Legal-form
  suffixes (有限公司, 股份有限公司, …) are left out: they are in nearly every name, so they
  would only make the index match everything.
- ``initials`` and ``spelled``: the initials and the full pinyin of every reading combination,
  separated by spaces, to confirm a candidate exactly (order and adjacency).

A query term becomes "tokens contain all of these" (an indexed ``@>``) plus a check on those
few candidates. See ``terms()`` for the interpretations of one keyword.
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from dataclasses import dataclass
from functools import cache, lru_cache

from pypinyin import Style, pinyin

MAX_VARIANTS = 8  # reading combinations kept per name (polyphones multiply)
LEGAL_SUFFIXES = sorted(
    [
        "股份有限公司", "有限责任公司", "集团有限公司", "集团股份有限公司", "有限公司", "分公司", "总公司",
        "集团", "公司", "合伙企业(有限合伙)", "(有限合伙)", "合伙企业", "工作室", "商行", "个体工商户",
        "co., ltd.", "co.,ltd.", "co. ltd.", "co ltd", "company limited", "limited", "ltd.", "ltd", "inc.",
        "inc", "gmbh", "llc", "corporation", "corp.", "co.",
    ],
    key=len,
    reverse=True,
)
_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_WORD = re.compile(r"[a-z0-9]+")


def normalise(text: str) -> str:
    """Full-width → half-width (NFKC), lower case, single spaces."""
    return " ".join(unicodedata.normalize("NFKC", text or "").lower().split())


def strip_legal_suffix(name: str) -> str:
    name = normalise(name)
    changed = True
    while changed:
        changed = False
        for suffix in LEGAL_SUFFIXES:
            if name.endswith(suffix) and len(name) > len(suffix):
                name = name[: -len(suffix)].rstrip(" ,.")
                changed = True
                break
    return name


@lru_cache(maxsize=20000)
def readings(char: str) -> tuple[str, ...]:
    """Every pinyin reading of one character (without tones), most common first."""
    found = pinyin(char, style=Style.NORMAL, heteronym=True, errors="ignore")
    return tuple(dict.fromkeys(found[0])) if found and found[0] else ()


def _units(text: str) -> list[tuple[str, tuple[str, ...]]]:
    """(unit, readings) for each CJK character, and each ASCII letter/digit (read as itself)."""
    units = []
    for char in text:
        if _CJK.match(char):
            units.append((char, readings(char) or (char,)))
        elif char.isascii() and char.isalnum():
            units.append((char, (char,)))
    return units


def _variants(units) -> list[tuple[str, ...]]:
    """Reading combinations for the exact check: the main readings, then each other reading of
    each polyphone substituted alone (重庆 → zhongqing, chongqing), up to MAX_VARIANTS."""
    main = tuple(r[0] for _u, r in units)
    out = [main]
    for i, (_unit, options) in enumerate(units):
        for other in options[1:]:
            if len(out) >= MAX_VARIANTS:
                return out
            out.append((*main[:i], other, *main[i + 1 :]))
    return out


@dataclass(frozen=True)
class Keys:
    tokens: list[str]
    initials: str
    spelled: str


def keys_for(*texts: str) -> Keys:
    """The search keys of a record's name (and further texts such as a short name)."""
    tokens: set[str] = set()
    initials: list[str] = []
    spelled: list[str] = []
    for text in texts:
        if not text:
            continue
        core = strip_legal_suffix(text)
        cjk = [c for c in core if _CJK.match(c)]
        tokens.update(cjk)
        tokens.update(a + b for a, b in itertools.pairwise(cjk))
        for word in _WORD.findall(core):
            tokens.update(word[:n] for n in range(2, min(len(word), 12) + 1))
        units = [u for u in _units(core) if _CJK.match(u[0])]
        for variant in _variants(units):
            initials.append("".join(r[0] for r in variant))
            spelled.append("".join(variant))
        for (_a, first), (_b, second) in itertools.pairwise(units):
            tokens.update(x[0] + y[0] for x in first for y in second)  # every reading of each pair
        for _unit, options in units:
            tokens.update(options)
            tokens.update(r[0] for r in options)
    return Keys(sorted(t for t in tokens if t), " ".join(dict.fromkeys(initials)), " ".join(dict.fromkeys(spelled)))


# --- queries ----------------------------------------------------------------------------------


@lru_cache(maxsize=1)
def _syllables() -> frozenset[str]:
    """Every toneless pinyin syllable, from the characters pypinyin knows."""
    from pypinyin.constants import PINYIN_DICT

    out = set()
    for value in PINYIN_DICT.values():
        for reading in value.split(","):
            plain = unicodedata.normalize("NFKD", reading).encode("ascii", "ignore").decode()
            if plain.isalpha():
                out.add(plain.lower())
    return frozenset(out)


def split_syllables(word: str) -> list[str] | None:
    """``beijing`` → ``['bei', 'jing']`` (longest syllables first), or None if it is not pinyin."""
    syllables = _syllables()

    @cache
    def solve(start: int) -> tuple[str, ...] | None:
        if start == len(word):
            return ()
        for end in range(min(len(word), start + 6), start, -1):
            piece = word[start:end]
            if piece in syllables:
                rest = solve(end)
                if rest is not None:
                    return (piece, *rest)
        return None

    found = solve(0)
    return list(found) if found else None


@dataclass(frozen=True)
class Term:
    """One way to read one keyword: tokens the index must contain, and the exact check."""

    tokens: tuple[str, ...]
    field: str  # "name" (contains), "initials" (regex), "spelled" (contains), "word" (contains)
    pattern: str


def terms(keyword: str) -> list[Term]:
    """The readings of one keyword; a record matches the keyword if any reading matches."""
    keyword = normalise(keyword)
    if not keyword:
        return []
    cjk = [c for c in keyword if _CJK.match(c)]
    if cjk:
        grams = [a + b for a, b in itertools.pairwise(cjk)] or cjk
        return [Term(tuple(dict.fromkeys(grams)), "name", keyword)]
    letters = re.sub(r"[^a-z0-9]", "", keyword)
    if len(letters) < 2:
        return []
    out = []
    if letters.isalpha():
        # Initials of the words typed, pairwise: bjkj → bj…kj (words of two characters are the norm).
        pairs = [letters[i : i + 2] for i in range(0, len(letters) - 1, 2)]
        tail = letters[len(pairs) * 2 :]
        pattern = "[a-z]*".join([*pairs, *([tail] if tail else [])])
        out.append(Term(tuple(dict.fromkeys(pairs)), "initials", pattern))
        syllables = split_syllables(letters)
        if syllables and len(syllables) > 1:
            out.append(Term(tuple(dict.fromkeys(syllables)), "spelled", letters))
        elif syllables:
            out.append(Term((letters,), "spelled", letters))
    out.append(Term((letters[:12],), "word", letters))
    return out
