"""How a text splits into SMS parts (what the carrier bills) and how variables are filled."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from plugins.sms import text


def test_chinese_fits_70_in_one_part_and_67_per_part_when_longer():
    assert text.split("好" * 70).count == 1
    long = text.split("好" * 71)
    assert (long.encoding, long.count, long.per_part) == ("ucs2", 2, 67)
    assert [len(p) for p in long.parts] == [67, 4]
    assert text.split("好" * 134).count == 2 and text.split("好" * 135).count == 3


def test_gsm_text_fits_160_and_153_per_part_when_longer():
    assert (text.split("a" * 160).encoding, text.split("a" * 160).count) == ("gsm7", 1)
    long = text.split("a" * 161)
    assert (long.count, long.per_part, [len(p) for p in long.parts]) == (2, 153, [153, 8])


def test_one_chinese_letter_or_emoji_makes_the_whole_text_ucs2():
    assert text.split("Hello 张").encoding == "ucs2"
    assert text.split("Hi 🙂").length == 5  # the emoji takes two UTF-16 units
    assert text.split("🙂" * 35).count == 1 and text.split("🙂" * 36).count == 2


def test_gsm_extension_characters_take_two_and_are_never_cut_in_two():
    assert text.split("€" * 80).count == 1  # 160 septets
    split = text.split("a" * 152 + "€")
    assert split.length == 154 and split.count == 1
    split = text.split("a" * 160 + "€")  # 162 > 160: parts of 153 septets; the € (2) must not straddle
    assert split.parts[0] == "a" * 153 and split.parts[1] == "a" * 7 + "€"


def test_variables_are_filled_and_unknown_ones_refused():
    assert text.render("{contact}您好，{owner}为您服务", {"contact": "张三", "owner": "李四"}) == "张三您好，李四为您服务"
    assert text.with_signature("hi", "阿尔法") == "【阿尔法】hi"
    with pytest.raises(ValidationError) as err:
        text.check_variables("Hello {name}")
    assert "{name}" in str(err.value) and "{customer}" in str(err.value)
