"""bench.datagen: deterministic, realistically shaped and fast enough for 1M-row benchmarks.

Pure-Python tests (no database); the bounds are deliberately loose so they check the shape
of the data, not the luck of one seed, and the timing bound is generous so they never flake.
"""

from __future__ import annotations

import hashlib
import itertools
import os
import re
import subprocess
import sys
import time
import unicodedata
from collections import Counter
from datetime import date
from pathlib import Path

import pytest

from bench import datagen

ROOT = Path(__file__).resolve().parents[2]
CJK = re.compile(r"[\u4e00-\u9fff]")
N = 100_000


@pytest.fixture(scope="module")
def companies() -> list[str]:
    return list(datagen.company_names(N, seed=1))


def _digits(phone: str) -> str:
    """What phone normalisation would keep: NFKC folds full-width digits, then digits only."""
    return re.sub(r"\D", "", unicodedata.normalize("NFKC", phone))


GENERATORS = {
    "company_names": lambda n, seed: datagen.company_names(n, seed),
    "person_names": lambda n, seed: datagen.person_names(n, seed),
    "mobile_numbers": lambda n, seed: datagen.mobile_numbers(n, seed),
    "landline_numbers": lambda n, seed: datagen.landline_numbers(n, seed),
    "emails": lambda n, seed: datagen.emails(n, seed),
    "qq_numbers": lambda n, seed: datagen.qq_numbers(n, seed),
    "wechat_ids": lambda n, seed: datagen.wechat_ids(n, seed),
    "addresses": lambda n, seed: datagen.addresses(n, seed),
    "birthdays": lambda n, seed: datagen.birthdays(n, seed),
    "customers": lambda n, seed: datagen.customers(n, seed),
    "contacts": lambda n, seed: datagen.contacts(n, 2, seed),
}


# --- determinism ---------------------------------------------------------------------------


@pytest.mark.parametrize("name", GENERATORS)
def test_same_seed_same_output_and_other_seed_differs(name):
    make = GENERATORS[name]
    first = list(make(5000, 7))
    assert first == list(make(5000, 7))
    assert first != list(make(5000, 8))
    assert list(make(50, "tenant-a")) == list(make(50, "tenant-a"))


@pytest.mark.parametrize("name", [n for n in GENERATORS if n != "contacts"])
def test_prefix_stable(name):
    """A 100k import file can be the head of the 1M rows already in the database."""
    make = GENERATORS[name]
    long = list(make(datagen.CHUNK * 2 + 17, 3))
    for n in (0, 1, 20, datagen.CHUNK, datagen.CHUNK + 5):
        assert list(make(n, 3)) == long[:n]


def test_output_does_not_depend_on_hash_seed_or_process():
    """String seeding is SHA-512 based, so PYTHONHASHSEED must not change the data."""
    code = (
        "import hashlib; from bench import datagen; "
        "rows = [repr(r) for r in datagen.customers(3000, seed=5)] + list(datagen.company_names(3000, seed=5)); "
        "print(hashlib.sha256('\\n'.join(rows).encode()).hexdigest())"
    )
    digests = set()
    for hash_seed in ("1", "2"):
        env = {**os.environ, "PYTHONHASHSEED": hash_seed}
        out = subprocess.run(
            [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, check=True
        )
        digests.add(out.stdout.strip())
    rows = [repr(r) for r in datagen.customers(3000, seed=5)] + list(datagen.company_names(3000, seed=5))
    digests.add(hashlib.sha256("\n".join(rows).encode()).hexdigest())
    assert len(digests) == 1


def test_negative_n_is_rejected():
    with pytest.raises(ValueError):
        list(datagen.company_names(-1))
    with pytest.raises(ValueError):
        list(datagen.contacts(-1))


# --- company names -------------------------------------------------------------------------


def test_company_names_end_with_an_organisation_form(companies):
    chinese = [c for c in companies if CJK.search(c)]
    with_form = sum(c.endswith(datagen.ORG_FORMS) for c in chinese)
    assert with_form / len(chinese) > 0.99
    assert sum(c.endswith("有限公司") for c in chinese) / len(chinese) > 0.6
    assert any(c.endswith("分公司") for c in chinese)
    assert any("（" in c and "）" in c and not c.endswith("）") for c in chinese)  # 华兴（北京）科技有限公司
    assert any(c.endswith("（个体工商户）") for c in chinese)
    assert any(c.endswith("合伙企业（有限合伙）") for c in chinese)


def test_company_english_share_roughly_as_asked(companies):
    english = [c for c in companies if not CJK.search(c)]
    assert 0.08 < len(english) / len(companies) < 0.12
    assert all(c.isascii() for c in english)
    assert any(c.endswith("Co., Ltd.") for c in english)
    assert any(c.endswith("GmbH") for c in english)
    for share in (0.0, 0.5):
        names = list(datagen.company_names(20_000, seed=2, english_share=share))
        got = sum(not CJK.search(c) for c in names) / len(names)
        assert abs(got - share) < 0.02


def test_company_names_mostly_unique(companies):
    duplicate_rate = 1 - len(set(companies)) / len(companies)
    assert duplicate_rate < 0.05
    assert duplicate_rate > 0  # near-duplicates exist, as in real CRMs


def test_polyphonic_places_appear(companies):
    text = "\n".join(companies)
    for place in ("重庆", "长沙", "厦门", "蚌埠", "六安", "长春", "乐山", "单县"):
        assert place in text, place
    seen = sum(place in text for place in datagen.POLYPHONIC_PLACES)
    assert seen == len(datagen.POLYPHONIC_PLACES)


def test_company_names_are_fast():
    started = time.perf_counter()
    count = sum(1 for _ in datagen.company_names(N, seed=9))
    elapsed = time.perf_counter() - started
    assert count == N
    assert elapsed < 5.0, f"{N} company names took {elapsed:.2f}s (expected well under 2s)"


# --- people --------------------------------------------------------------------------------


def test_person_names_surname_frequencies_and_shape():
    names = list(datagen.person_names(N, seed=1))
    chinese = [n for n in names if CJK.search(n)]
    english = [n for n in names if not CJK.search(n)]
    assert 0.03 < len(english) / len(names) < 0.07
    assert all(re.fullmatch(r"[A-Z][a-z]+ [A-ZÜ][a-zü]+", n) for n in english)
    compounds = {"欧阳", "司马", "上官", "诸葛", "司徒", "东方", "皇甫", "尉迟", "令狐", "长孙", "万俟"}
    surnames = Counter(n[:2] if n[:2] in compounds else n[0] for n in chinese)
    top5 = {s for s, _ in surnames.most_common(5)}
    assert {"王", "李", "张"} <= top5
    assert surnames["王"] / len(chinese) > 0.05
    for rare in ("欧阳", "司马", "上官", "单", "曾", "解", "查", "仇", "区", "朴"):
        assert 0 < surnames[rare] / len(chinese) < 0.01, rare
    for name in chinese:
        surname = name[:2] if name[:2] in compounds else name[0]
        assert 1 <= len(name) - len(surname) <= 2, name


# --- phones --------------------------------------------------------------------------------


def test_mobile_numbers_are_valid_and_variously_formatted():
    phones = list(datagen.mobile_numbers(20_000, seed=1))
    for phone in phones:
        digits = _digits(phone)
        if len(digits) == 13:
            assert digits.startswith("86"), phone
            digits = digits[2:]
        assert re.fullmatch(r"1[35789]\d{9}", digits), phone
    assert 0.6 < sum(p.isdigit() and p.isascii() for p in phones) / len(phones) < 0.8
    assert any(re.fullmatch(r"１[３５７８９][０-９]{9}", p) for p in phones)  # full-width
    assert any(re.fullmatch(r"1\d\d \d{4} \d{4}", p) for p in phones)
    assert any(re.fullmatch(r"1\d\d-\d{4}-\d{4}", p) for p in phones)
    assert any(p.startswith("+86 ") for p in phones)
    assert any(re.fullmatch(r"\+861\d{10}", p) for p in phones)
    assert len(set(phones)) > 0.99 * len(phones)


def test_landline_numbers_look_like_landlines():
    phones = list(datagen.landline_numbers(20_000, seed=1))
    for phone in phones:
        assert 7 <= len(_digits(phone)) <= 16, phone
    assert any(re.fullmatch(r"0\d{2,3}-[2-9]\d{6,7}", p) for p in phones)  # 010-62345678
    assert any(re.fullmatch(r"\(0\d{2,3}\) \d{3,4} \d{4}", p) for p in phones)  # (0755) 8888 1234
    assert any(re.fullmatch(r"0\d{2,3} \d{3,4} \d{4} 转 \d{3,4}", p) for p in phones)  # 021 5888 6666 转 8001
    assert any(p.startswith("400-") for p in phones)
    assert any("－" in p for p in phones)


# --- other helpers ------------------------------------------------------------------------


def test_emails_qq_wechat():
    mails = list(datagen.emails(10_000, seed=1))
    assert all(re.fullmatch(r"[A-Za-z0-9._-]+@[a-z0-9-]+(\.[a-z0-9-]+)+", m) for m in mails)
    domains = Counter(m.split("@")[1] for m in mails)
    assert domains.most_common(1)[0][0] == "qq.com"
    qqs = list(datagen.qq_numbers(10_000, seed=1))
    assert all(re.fullmatch(r"[1-9]\d{4,10}", q) for q in qqs)
    wechats = list(datagen.wechat_ids(10_000, seed=1))
    assert all(re.fullmatch(r"[A-Za-z][A-Za-z0-9_-]{5,19}|1\d{10}", w) for w in wechats)


def test_addresses_and_birthdays():
    for address in datagen.addresses(5000, seed=1):
        assert re.search(r"市.+[路街道]\d+号", address), address
    ref = datagen.REFERENCE_DATE
    for birthday in datagen.birthdays(5000, seed=1):
        assert isinstance(birthday, date)
        assert 21 <= (ref - birthday).days / 365.25 <= 63


# --- customers and contacts ----------------------------------------------------------------

CUSTOMER_KEYS = {
    "name", "kind", "phone", "mobile", "email", "province", "city", "address", "industry_key", "source_key",
    "category_key", "stage_key", "value_class_key", "created_days_ago", "last_contact_days_ago", "owner_index",
}  # fmt: skip


def test_customers_shape():
    rows = list(datagen.customers(20_000, seed=1, n_owners=30))
    assert all(set(r) == CUSTOMER_KEYS for r in rows)
    kinds = Counter(r["kind"] for r in rows)
    assert set(kinds) == {"enterprise", "individual"}
    assert 0.82 < kinds["enterprise"] / len(rows) < 0.88
    for r in rows:
        assert r["name"] and r["province"] and r["city"].endswith("市")
        assert r["source_key"] and r["category_key"] and r["stage_key"] and r["value_class_key"] in "ABCD"
        assert 0 <= r["created_days_ago"] <= 1500
        last = r["last_contact_days_ago"]
        assert last is None or 0 <= last <= r["created_days_ago"]
        assert 0 <= r["owner_index"] < 30
        if r["kind"] == "enterprise":
            assert r["industry_key"]
        if r["mobile"]:
            assert len(_digits(r["mobile"])) in (11, 13)
    created = sorted(r["created_days_ago"] for r in rows)
    assert created[len(created) // 2] < 500  # skewed to recent
    no_contact = sum(r["last_contact_days_ago"] is None for r in rows) / len(rows)
    assert 0.25 < no_contact < 0.35
    owners = Counter(r["owner_index"] for r in rows).most_common()
    assert owners[0][1] > 5 * owners[len(owners) // 2][1]  # a few top sales own many
    it = [r for r in rows if r["industry_key"] == "it_internet" and "科技" in r["name"]]
    assert it  # industry agrees with the name
    assert any("转" in r["phone"] for r in rows)


def test_customer_city_and_area_code_match_the_name():
    checked = 0
    for r in datagen.customers(20_000, seed=2):
        if "分公司" in r["name"]:
            continue  # a branch lives in the branch city, not the head office's
        for city in ("北京", "上海", "深圳", "重庆", "长沙", "厦门"):
            if r["name"].startswith(city) or f"（{city}）" in r["name"]:
                checked += 1
                assert r["city"] == city + "市", r
        if r["city"] == "北京市" and r["phone"].startswith("0"):
            assert r["phone"].startswith("010"), r
    assert checked > 500


@pytest.mark.parametrize(("customer_count", "per_customer"), [(10_000, 2), (9_001, 1.5), (5000, 0.5), (0, 2)])
def test_contacts_exact_total_grouped_one_primary(customer_count, per_customer):
    rows = list(datagen.contacts(customer_count, per_customer, seed=1))
    assert len(rows) == round(customer_count * per_customer)
    indexes = [r["customer_index"] for r in rows]
    assert indexes == sorted(indexes)
    assert all(0 <= i < customer_count for i in indexes)
    if per_customer >= 1:
        assert set(indexes) == set(range(customer_count))
    for _, group in itertools.groupby(rows, key=lambda r: r["customer_index"]):
        group = list(group)
        assert [r["is_primary"] for r in group] == [True] + [False] * (len(group) - 1)
    if rows:
        assert max(Counter(indexes).values()) >= 5  # a few key accounts with many contacts
        assert {r["title"] for r in rows} >= {"总经理", "采购经理", "财务", "技术总监", "销售经理"}
        assert any(isinstance(r["birthday"], date) for r in rows) and any(r["birthday"] is None for r in rows)


def test_main_prints_samples(capsys):
    datagen.main(["-n", "2000"])
    out = capsys.readouterr().out
    assert "== company_names" in out and "== contacts" in out and "records/s" in out
