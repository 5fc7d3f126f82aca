"""Search keys for Chinese and English names, computed on save and matched through one GIN index.

Typing ``bjkj``, ``beijing``, ``北京 科技`` or ``Pacific`` must find 北京华兴科技有限公司 (or
Pacific Rim Trading) among a million customers in milliseconds. Each record stores:

- ``tokens``: a ``text[]`` with a GIN index: every CJK character and CJK bigram; every pinyin
  syllable of every reading, and every pair of readings of adjacent characters (``fu'an``);
  the bigrams of the initials across all readings (polyphones:
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
PAIR_GAP = 6  # bjkj finds 北京…科技 with up to six characters (市, a 字号) between the two words
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


# The suffixes by their last character, in LEGAL_SUFFIXES' order (longest first): only those can end a name.
_SUFFIXES_BY_LAST: dict[str, tuple[str, ...]] = {}
for _suffix in LEGAL_SUFFIXES:
    _SUFFIXES_BY_LAST[_suffix[-1]] = (*_SUFFIXES_BY_LAST.get(_suffix[-1], ()), _suffix)


def strip_legal_suffix(name: str) -> str:
    """The name without its legal-form suffixes (北京华兴科技有限公司 → 北京华兴科技), normalised."""
    name = normalise(name)
    while candidates := _SUFFIXES_BY_LAST.get(name[-1:]):
        for suffix in candidates:
            if name.endswith(suffix) and len(name) > len(suffix):
                name = name[: -len(suffix)].rstrip(" ,.")
                break
        else:
            break
    return name


@lru_cache(maxsize=20000)
def readings(char: str) -> tuple[str, ...]:
    """Every pinyin reading of one character (without tones), most common first."""
    found = pinyin(char, style=Style.NORMAL, heteronym=True, errors="ignore")
    return tuple(dict.fromkeys(found[0])) if found and found[0] else ()


@lru_cache(maxsize=50000)
def _char_keys(char: str) -> tuple[tuple[str, ...], frozenset[str], str, str, frozenset[str]]:
    """A CJK character's readings (itself if it has none); the tokens it gives on its own (the
    character, every reading, every reading's initial); its main reading and that initial; and
    the initials of all its readings."""
    options = readings(char) or (char,)
    initials = frozenset(r[0] for r in options)
    return options, frozenset((char, *options, *initials)), options[0], options[0][0], initials


@lru_cache(maxsize=100000)
def _pair_keys(first: str, second: str) -> frozenset[str]:
    """The tokens of two adjacent CJK characters: the bigram; the bigram of initials of every
    reading of each (重庆 gives zq and cq); and every pair of their readings (fu'an for 福安),
    so that ``fuan`` or ``nanjing`` is one selective token rather than two syllables that each
    match a tenth of a table."""
    a, b = _char_keys(first)[4], _char_keys(second)[4]
    spelled = [x + "'" + y for x in readings(first) for y in readings(second)]
    return frozenset((first + second, *(x + y for x in a for y in b), *spelled))


@dataclass(frozen=True)
class Keys:
    tokens: list[str]
    initials: str
    spelled: str


def keys_for(*texts: str) -> Keys:
    """The search keys of a record's name (and further texts such as a short name)."""
    tokens, initials, spelled = _keys(texts)
    return Keys(list(tokens), initials, spelled)


@lru_cache(maxsize=8192)  # surnames, and names that repeat (contacts), are asked for again and again
def _keys(texts: tuple[str, ...]) -> tuple[tuple[str, ...], str, str]:
    # Run for every record saved and every row imported: the loops over characters are left
    # to C (map, set.update, str.join) where it can be; what the keys are is said in comments.
    tokens: set[str] = set()
    initials: list[str] = []
    spelled: list[str] = []
    for text in texts:
        if not text:
            continue
        core = strip_legal_suffix(text)
        for word in _WORD.findall(core):  # English words (and digits) and their prefixes
            tokens.update(word[:n] for n in range(2, min(len(word), 12) + 1))
        cjk = _CJK.findall(core)
        if not cjk:
            continue
        keys = list(map(_char_keys, cjk))
        # every character, every reading of it and their initials; every bigram of characters;
        # the bigrams of initials of every reading of each pair (polyphones: 重庆 gives zq and cq)
        tokens.update(*[k[1] for k in keys], *map(_pair_keys, cjk, cjk[1:]))
        main = [k[2] for k in keys]
        main_initials = "".join([k[3] for k in keys])
        polyphones = [i for i, k in enumerate(keys) if len(k[0]) > 1]
        # the exact checks: the main readings, then each other reading of each polyphone
        # substituted alone (重庆 → zhongqing, chongqing), up to MAX_VARIANTS combinations
        initials.append(main_initials)
        spelled.append("".join(main))
        tokens.update(initial_pairs(main_initials))
        variants = 1
        for i in polyphones:
            for other in keys[i][0][1:]:
                if variants >= MAX_VARIANTS:
                    break
                variants += 1
                variant = main_initials[:i] + other[0] + main_initials[i + 1:]
                initials.append(variant)
                spelled.append("".join((*main[:i], other, *main[i + 1:])))
                if variant != main_initials:  # its other pairs are the main initials' own
                    tokens.update(initial_pairs(variant, around=i))
    tokens.discard("")
    return tuple(sorted(tokens)), " ".join(dict.fromkeys(initials)), " ".join(dict.fromkeys(spelled))


def initial_pairs(initials: str, around: int | None = None) -> set[str]:
    """Ordered pairs of initials bigrams at most PAIR_GAP letters apart: ``bj~kj`` for
    北京华兴科技 (bjhxkj). ``bjkj`` then finds its customers through one selective token rather
    than through ``bj`` and ``kj``, which each match a tenth of a table.

    Also every three consecutive initials (``lgm`` for 刘光明): people's names have three
    characters, and ``lg`` and ``gm`` alone each match thousands.

    ``around``: only the pairs with a bigram that covers that letter, and the triples that
    cover it (all that a reading variant, which differs from the main initials in that letter
    alone, adds to theirs)."""
    n = len(initials)
    grams = [initials[i: i + 2] for i in range(n - 1)]
    if around is None:
        lefts = [gram + "~" for gram in grams]
        out = {lefts[i] + grams[j] for i in range(n - 1) for j in range(i + 2, min(n - 1, i + 3 + PAIR_GAP))}
        out.update(initials[i: i + 3] for i in range(n - 2))
        return out
    out = set()
    for k in (around - 1, around):
        if 0 <= k < n - 1:
            out.update(grams[k] + "~" + grams[j] for j in range(k + 2, min(n - 1, k + 3 + PAIR_GAP)))
            out.update(grams[i] + "~" + grams[k] for i in range(max(0, k - 2 - PAIR_GAP), k - 1))
    out.update(initials[i: i + 3] for i in range(max(0, around - 2), min(around, n - 3) + 1))
    return out


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
        # Initials of the words typed, pairwise: bjkj → bj…kj (words of two characters are the
        # norm), the words at most PAIR_GAP letters apart, through their pair tokens (bj~kj). An
        # odd last letter belongs to the last word (lgm: 刘光明; bjhxk: 北京…华兴科), so it and
        # the two before it are a token the index has (initials triples).
        pairs = [letters[i : i + 2] for i in range(0, len(letters) - 1, 2)]
        tail = letters[len(pairs) * 2 :]
        pattern = f"[a-z]{{0,{PAIR_GAP}}}".join(pairs) + tail
        tokens = [f"{a}~{b}" for a, b in itertools.pairwise(pairs)]
        if tail:  # the last word's three letters are a token of their own
            tokens.append(pairs[-1] + tail)
        tokens = tokens or pairs
        out.append(Term(tuple(dict.fromkeys(tokens)), "initials", pattern))
        syllables = split_syllables(letters)
        if syllables and len(syllables) > 1:
            pairs_spelled = [f"{a}'{b}" for a, b in itertools.pairwise(syllables)]
            out.append(Term(tuple(dict.fromkeys(pairs_spelled)), "spelled", letters))
        elif syllables:
            out.append(Term((letters,), "spelled", letters))
    out.append(Term((letters[:12],), "word", letters))
    return out
