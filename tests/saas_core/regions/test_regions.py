"""saas_core.regions: the shipped division data and the normalisation of typed places (issue 14)."""

from __future__ import annotations

import pytest
from django.utils import translation

from saas_core import regions


def test_the_data_ships_with_the_package_with_its_licence():
    names = regions.province_names()
    assert len(names) == 34 and "江苏省" in names and "香港特别行政区" in names and "台湾省" in names
    assert (regions.DATA / "LICENSE").exists()
    jiangsu = regions.province("江苏省")
    assert [c.name for c in jiangsu.children][:2] == ["南京市", "无锡市"]
    assert "玄武区" in [d.name for d in regions.city("江苏省", "南京市").children]
    # Municipalities have one city named like them, with all their districts.
    beijing = regions.province("北京市")
    assert [c.name for c in beijing.children] == ["北京市"] and "海淀区" in [d.name for d in beijing.children[0].children]
    # County-level cities under a province are its cities.
    assert regions.city("湖北省", "仙桃市") is not None


@pytest.mark.parametrize(("typed", "standard"), [
    (("江苏", "", ""), ("江苏省", "", "")),
    (("江苏省", "南京", ""), ("江苏省", "南京市", "")),
    (("Jiangsu", "Nanjing", ""), ("江苏省", "南京市", "")),
    (("Jiangsu Province", "nanjing city", "玄武"), ("江苏省", "南京市", "玄武区")),
    (("", "南京", ""), ("江苏省", "南京市", "")),  # the province found from the city
    (("北京", "北京", "海淀"), ("北京市", "北京市", "海淀区")),
    (("北京", "海淀", ""), ("北京市", "北京市", "海淀区")),  # a district typed as the city
    (("江苏", "昆山", ""), ("江苏省", "苏州市", "昆山市")),
    (("上海", "", "浦东新区"), ("上海市", "上海市", "浦东新区")),
    (("Shaanxi", "西安", ""), ("陕西省", "西安市", "")),
    (("Shanxi", "太原", ""), ("山西省", "太原市", "")),
    (("重庆", "", ""), ("重庆市", "", "")),
    (("广西", "桂林", ""), ("广西壮族自治区", "桂林市", "")),
    (("吉林", "延边", ""), ("吉林省", "延边朝鲜族自治州", "")),
    (("内蒙古", "锡林郭勒", ""), ("内蒙古自治区", "锡林郭勒盟", "")),
    (("香港", "", ""), ("香港特别行政区", "", "")),
    (("ＪＩＡＮＧＳＵ", " 南京市 ", ""), ("江苏省", "南京市", "")),  # full-width and spaces
    (("", "", ""), ("", "", "")),
])
def test_resolve_gives_the_standard_names(typed, standard):
    assert regions.resolve(*typed) == standard


@pytest.mark.parametrize(("typed", "field", "message"), [
    (("火星", "", ""), "province", "“火星” is not a province of China; choose one from the list."),
    (("江苏", "杭州", ""), "city", "“杭州” is not a city of 江苏省."),
    (("江苏", "南京", "西湖区"), "district", "“西湖区” is not a district of 南京市."),
    (("", "Springfield", ""), "city", "“Springfield” is not a city of China; choose one from the list."),
    (("", "", "鼓楼区"), "city", "Choose the province and city of the district “鼓楼区”."),
    (("江苏", "", "鼓楼区"), "city", "Choose the city of the district “鼓楼区”."),  # 南京 and 徐州 both have one
])
def test_resolve_names_the_field_and_the_problem(typed, field, message):
    with pytest.raises(regions.RegionError) as caught:
        regions.resolve(*typed)
    assert caught.value.message_dict == {field: [message]}


def test_errors_in_chinese():
    with translation.override("zh-hans"), pytest.raises(regions.RegionError) as caught:
        regions.resolve("江苏", "杭州", "")
    assert caught.value.message_dict == {"city": ["“杭州”不是江苏省的城市。"]}


def test_picker_words_hold_pinyin_initials_and_english():
    words = regions.search_words("江苏省")
    assert "jiangsu" in words and "js" in words and "Jiangsu" in words
    assert "chongqing" in regions.search_words("重庆市")  # every reading of 重
    data = regions.picker_data()
    jiangsu = next(p for p in data if p[0] == "江苏省")
    nanjing = next(c for c in jiangsu[2] if c[0] == "南京市")
    assert "nanjing" in nanjing[1] and any(d[0] == "玄武区" for d in nanjing[2])


def test_standard_name_for_filters():
    assert regions.standard_name("province", "江苏") == "江苏省"
    assert regions.standard_name("city", "南京") == "南京市"
    assert regions.standard_name("province", "California") == "California"
