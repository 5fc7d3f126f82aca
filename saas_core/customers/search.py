"""Quick search over customers and contacts: pinyin, initials, CJK fragments, numbers, phones.

Every keyword must match (AND); a keyword matches if any of its readings does (OR). Each
reading is an indexed ``search_tokens @> ARRAY[...]`` narrowed by an exact check on the few
candidates; a phone suffix is a prefix search on reversed digits (B-tree) in a subquery, so
several numbers never repeat a record; a number is a prefix search (B-tree). No branch scans
the table (EXPLAIN output in docs/search-plans.md, written by bench/customers).
"""

from __future__ import annotations

import re
from collections.abc import Callable

from django.db.models import Q, QuerySet

from saas_core.customers.phones import normalise_phone
from saas_core.customers.search_keys import Term, normalise, terms

MIN_PHONE_DIGITS = 4
MAX_PHONE_MATCHES = 5000  # a 4-digit suffix matches ~1 in 10,000 numbers
MIN_JOINED_PHONE_DIGITS = 7  # a local number without its area code
_DIGIT_GROUP = re.compile(r"\+?\(?\d+\)?(?:-\d+)*-?")


def keywords(query: str) -> list[str]:
    """The query's keywords; a run of digit groups is one phone number, not several keywords.

    The product shows numbers as ``139 0571 0000`` and ``+86 10 6234 5678``; pasted back into a
    search they must find that number (issue 14). Groups join only when together they are long
    enough for a phone number, so ``北京 5678`` stays a name and a phone suffix.
    """
    out: list[str] = []
    run: list[str] = []

    def flush() -> None:
        joined = "".join(run)
        if len(run) > 1 and len(normalise_phone(joined)) >= MIN_JOINED_PHONE_DIGITS:
            out.append(joined)
        else:
            out.extend(run)
        run.clear()

    for word in (query or "").split():
        if _DIGIT_GROUP.fullmatch(normalise(word)):
            run.append(word)
        else:
            flush()
            out.append(word)
    flush()
    return out


def _check(term: Term) -> Q:
    if term.field == "initials":
        return Q(search_initials__regex=term.pattern)
    if term.field == "spelled":
        return Q(search_spelled__contains=term.pattern)
    return Q(name__icontains=term.pattern)


def _looks_like_phone(plain: str, digits: str) -> bool:
    return len(digits) >= MIN_PHONE_DIGITS and len(digits) >= len(plain.replace(" ", "")) - 4


def keyword_q(
    keyword: str, *, phone_ids: Callable[[str], QuerySet] | None = None, number_field: str | None = None,
    readings: list[Term] | None = None,
) -> Q | None:
    """The filter for one keyword, or None when it cannot match anything (e.g. one letter).

    ``phone_ids(reversed_prefix)`` returns a flat values_list() queryset of matching record ids;
    ``readings`` are the keyword's ``terms()`` when the caller has them already.
    """
    alternatives = Q()
    matched = False
    for term in terms(keyword) if readings is None else readings:
        alternatives |= Q(search_tokens__contains=list(term.tokens)) & _check(term)
        matched = True
    plain = normalise(keyword)
    digits = normalise_phone(plain)
    if phone_ids is not None and _looks_like_phone(plain, digits):
        # Resolved first (an index range scan on reversed digits), then ORed as a literal id
        # list: an OR with "IN (subquery)" cannot use index scans and would scan the table.
        ids = list(phone_ids(digits[::-1])[:MAX_PHONE_MATCHES])
        alternatives |= Q(pk__in=ids)
        matched = True
    if number_field and _may_be_number(plain):
        alternatives |= Q(**{f"{number_field}__startswith": plain.upper()})
        matched = True
    return alternatives if matched else None


def _has_code_characters(plain: str) -> bool:
    # Numbers and phones are codes (KH00000123, A-2024-07, 138…); a keyword of Chinese
    # characters alone is a name fragment, which has one reading and can share one index
    # lookup with the other keywords.
    return any(c.isascii() and c.isalnum() for c in plain)


def _may_be_number(plain: str) -> bool:
    return len(plain) >= 2 and _has_code_characters(plain)


def _single_term(keyword: str, readings: list[Term]) -> Term | None:
    """The one Term of a keyword that has exactly one reading and no number or phone meaning."""
    if len(readings) == 1 and not _has_code_characters(normalise(keyword)):
        return readings[0]
    return None


def search(queryset: QuerySet, query: str, **options) -> QuerySet:
    """``queryset`` narrowed to records matching every keyword of ``query``.

    Keywords with a single reading (``北京 科技``) are looked up together, as one
    ``search_tokens @> ARRAY[北京, 科技]``: the GIN index intersects the two lists itself,
    reading the short one and skipping through the long one, instead of producing both in full.
    """
    single: list[Term] = []
    for keyword in keywords(query):
        readings = terms(keyword)
        term = _single_term(keyword, readings)
        if term is not None:
            single.append(term)
            continue
        q = keyword_q(keyword, readings=readings, **options)
        if q is None:
            return queryset.none()
        queryset = queryset.filter(q)
    if single:
        tokens = list(dict.fromkeys(token for term in single for token in term.tokens))
        q = Q(search_tokens__contains=tokens)
        for term in single:
            q &= _check(term)
        queryset = queryset.filter(q)
    return queryset


def search_customers(queryset: QuerySet, query: str) -> QuerySet:
    from saas_core.customers.models import PhoneNumber

    return search(
        queryset, query, number_field="number",
        phone_ids=lambda rev: PhoneNumber.objects.filter(reversed_digits__startswith=rev).values_list("customer_id", flat=True),
    )


def search_contacts(queryset: QuerySet, query: str) -> QuerySet:
    from saas_core.customers.models import PhoneNumber

    return search(
        queryset, query,
        phone_ids=lambda rev: PhoneNumber.objects.filter(
            reversed_digits__startswith=rev, contact__isnull=False
        ).values_list("contact_id", flat=True),
    )
