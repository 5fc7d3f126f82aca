"""Search keys: every name keeps exactly the keys it had when they were first defined.

``keys_for`` runs for every record saved and every row imported, so it is tuned for speed; the
golden file holds a digest of the keys of 3,300 names (Chinese and English company names,
people, name + short name, and random strings of polyphones, full-width characters, legal
suffixes and punctuation), computed by the original straightforward implementation. Changing
the keys on purpose: regenerate it with ``python -m tests.saas_core.customers.test_search_keys``.
"""

from __future__ import annotations

import hashlib
import json
import random
import sys
from pathlib import Path

from saas_core.customers.search_keys import Keys, keys_for, strip_legal_suffix

GOLDEN = Path(__file__).with_name("search_keys_golden.json")


def digest(keys: Keys) -> str:
    return hashlib.sha256(json.dumps([keys.tokens, keys.initials, keys.spelled], ensure_ascii=False).encode()).hexdigest()[:12]


def test_every_name_of_the_golden_file_keeps_its_keys():
    golden = json.loads(GOLDEN.read_text(encoding="utf-8"))
    assert len(golden) > 3000
    changed = [texts for texts, expected in golden if digest(keys_for(*texts)) != expected]
    assert not changed, f"{len(changed)} names get other search keys, for example {changed[:5]}"


def test_keys_of_a_polyphonic_company_name():
    keys = keys_for("重庆长江科技有限公司")
    assert keys.tokens == [
        "c", "chang", "chang'jiang", "chong", "chong'qing", "cj", "cjk", "cj~kj", "cq", "cqz", "cq~jk", "cq~kj", "cq~zj", "j", "ji", "jiang",
        "jiang'ke", "jk", "jkj", "jkq", "k", "ke", "ke'ji", "ke'qi", "kj", "kq", "q", "qc", "qcj", "qc~jk", "qc~kj", "qi", "qing", "qing'chang", "qing'zhang", "qz", "qzj",
        "qz~jk", "qz~kj", "qz~kq", "t", "tong", "tong'qing", "tq", "tqz", "tq~jk", "tq~kj", "tq~zj", "z", "zhang", "zhang'jiang", "zhong", "zhong'qing", "zj",
        "zjk", "zj~kj", "zj~kq", "zq", "zqc", "zqz", "zq~cj", "zq~jk", "zq~kj", "zq~kq", "zq~zj", "庆", "庆长", "技",
        "江", "江科", "科", "科技", "重", "重庆", "长", "长江",
    ]
    assert keys.initials == "zqzjkj cqzjkj tqzjkj zqcjkj zqzjkq"
    assert keys.spelled.split()[:2] == ["zhongqingzhangjiangkeji", "chongqingzhangjiangkeji"]


def test_full_pinyin_is_looked_up_by_reading_pairs():
    """``fuan`` is one token (fu'an), not the syllables fu and an that each match a tenth of a table."""
    from saas_core.customers.search_keys import terms

    assert "fu'an" in keys_for("福安贸易有限公司").tokens
    spelled = next(t for t in terms("beijingkeji") if t.field == "spelled")
    assert spelled.tokens == ("bei'jing", "jing'ke", "ke'ji") and spelled.pattern == "beijingkeji"


def test_initials_pairs_find_city_and_trade_across_the_brand():
    from saas_core.customers.search_keys import initial_pairs, terms

    assert initial_pairs("bjhxkj") == {
        "bj~hx", "bj~xk", "bj~kj", "jh~xk", "jh~kj", "hx~kj",  # pairs
        "bjh", "jhx", "hxk", "xkj",  # triples
    }
    assert "bj~kj" in keys_for("北京市华兴达通科技有限公司").tokens  # 市 and a 字号 of four between them
    assert "bj~kj" not in keys_for("北京市海淀区中关村华兴科技有限公司").tokens  # too far apart for bjkj
    [initials, _word] = terms("bjkj")
    assert initials.tokens == ("bj~kj",) and initials.pattern == "bj[a-z]{0,6}kj"
    [initials, _word] = terms("lgm")  # 刘光明: an odd last letter ends the last word
    assert initials.tokens == ("lgm",) and initials.pattern == "lgm"
    assert "lgm" in keys_for("刘光明").tokens
    assert terms("bjhxk")[0].tokens == ("bj~hx", "hxk")
    assert "zqz" in keys_for("重庆长江").tokens and "cqz" in keys_for("重庆长江").tokens  # every reading


def test_keys_of_english_and_full_width_names():
    assert keys_for("Pacific Rim Trading Co., Ltd.") == Keys(
        ["pa", "pac", "paci", "pacif", "pacifi", "pacific", "ri", "rim", "tr", "tra", "trad", "tradi", "tradin", "trading"],
        "", "",
    )
    keys = keys_for("ＡＢＣ（北京）贸易有限公司")
    assert keys.initials == "bjmy" and keys.spelled == "beijingmaoyi"
    assert {"ab", "abc", "北京", "贸易", "jm"} <= set(keys.tokens)
    assert strip_legal_suffix("华兴科技集团股份有限公司") == "华兴科技"
    assert strip_legal_suffix("Acme Co., Ltd.") == "acme"
    assert strip_legal_suffix("公司") == "公司"  # a name that is nothing but a suffix keeps it


def _inputs() -> list[tuple[str, ...]]:
    from bench import datagen

    out: list[tuple[str, ...]] = [(n,) for n in datagen.company_names(1000, seed="golden", english_share=0.15)]
    out += [(n,) for n in datagen.person_names(600, seed="golden", english_share=0.1)]
    out += [(n, n[2:6]) for n in datagen.company_names(200, seed="golden-short")]
    rng = random.Random(20261201)
    alphabet = [*"重庆长沙单曾行乐解朝阿厦都和了会", *"北京华兴科技有限公司股份集团", *"abcXYZ019", *"ＡＢＣ１２３（）　",
                *" ,.-&()'\"\\{}", "有限公司", "co., ltd.", "Ltd", "Inc.", "集团", "(有限合伙)", "\u3400", "\uf900", "é", "🙂"]
    out += [("".join(rng.choice(alphabet) for _ in range(rng.randint(0, 14))),) for _ in range(1500)]
    return [*out, ("",), ("有限公司",), ("公司公司",), ("Co., Ltd.",), ("  ",), ("重庆重庆重庆重庆重庆",), ("", "简称")]


if __name__ == "__main__":  # regenerate the golden file (only when the keys change on purpose)
    sys.path.insert(0, str(Path(__file__).resolve().parents[3]))
    rows = [json.dumps([list(texts), digest(keys_for(*texts))], ensure_ascii=False) for texts in _inputs()]
    GOLDEN.write_text("[\n" + ",\n".join(rows) + "\n]\n", encoding="utf-8")
    print(f"{len(rows)} names written to {GOLDEN}")
