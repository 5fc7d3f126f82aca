"""Fast, deterministic synthetic CRM data for benchmarks (Chinese SMB flavour).

Why this exists: benchmarks for search, list pages, de-duplication and imports are only
meaningful on data that looks like what our tenants type — Chinese company names of the shape
地名 + 字号 + 行业 + 组织形式, polyphonic place names and surnames (重庆, 长沙, 单, 曾) that
stress pinyin search, phone numbers in half a dozen formats including full-width digits, and
skewed distributions (a few sales reps own most customers, most records are recent).  And
they need it at scale: 1,000,000 customers and 2,000,000 contacts in one tenant, or
100,000-row import files, built in seconds rather than minutes.

Design choices, all in service of speed and reproducibility:

* Pure Python, no Django (and no third-party) imports, so it can run anywhere — inside a
  benchmark, from a management command, or as ``python -m bench.datagen`` to eyeball samples.
* Every pool is precomputed at import time; weighted pools are *expanded* into flat tuples
  (an item with weight 5 appears 5 times), so a weighted pick is one ``random()`` call and
  one index — no bisect, no per-row allocation of weights.
* Records are produced in blocks of ``CHUNK`` by tight loops over local names and
  ``Random.choices``; the public functions are generators that stream those blocks, so
  memory stays flat at any ``n``.
* Each public function owns a ``random.Random`` seeded from a *string* (function name +
  seed).  String seeds are hashed with SHA-512 by CPython, so the output does not depend on
  ``PYTHONHASHSEED``, process or platform: same seed → same data, always.
* Blocks are always generated whole, so output is *prefix-stable*: the first 100,000 rows of
  ``customers(1_000_000, seed=1)`` equal ``customers(100_000, seed=1)``.  That lets an import
  benchmark build a file that deliberately overlaps data already in the database.
  (``contacts`` is the exception — it guarantees an exact total instead; see its docstring.)
* Dates are expressed as "days ago" (or relative to the fixed ``REFERENCE_DATE``), never
  ``date.today()``, so reruns on another day produce identical data.
"""

from __future__ import annotations

import bisect
import itertools
import random
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from datetime import date
from typing import Any, TypeVar

__all__ = [
    "CHUNK",
    "INDUSTRY_KEYS",
    "N_OWNERS",
    "ORG_FORMS",
    "POLYPHONIC_PLACES",
    "POLYPHONIC_SURNAMES",
    "REFERENCE_DATE",
    "addresses",
    "birthdays",
    "company_names",
    "contacts",
    "customers",
    "emails",
    "landline_numbers",
    "mobile_numbers",
    "person_names",
    "qq_numbers",
    "wechat_ids",
]

T = TypeVar("T")

#: Rows produced per internal block.  Large enough to amortise the Python call overhead,
#: small enough that asking for 20 samples costs only a few milliseconds.
CHUNK = 4096

#: Default number of sales reps that customers are spread over (see ``customers``).
N_OWNERS = 50

#: Birthdays are computed relative to this fixed date (not today) to stay deterministic.
REFERENCE_DATE = date(2025, 1, 1)


# ---------------------------------------------------------------------------------------------
# Helpers
# ---------------------------------------------------------------------------------------------


def _rng(name: str, seed: int | str) -> random.Random:
    """A generator private to one public function, so the streams never interfere.

    A str seed is hashed with SHA-512 (CPython's version-2 seeding), independent of
    PYTHONHASHSEED — the reason for formatting the seed into a string.
    """
    return random.Random(f"bench.datagen:{name}:{seed}")


def _words(text: str) -> tuple[str, ...]:
    """Whitespace-separated pool literal → tuple (keeps the long pools readable)."""
    return tuple(text.split())


def _weighted(spec: str, sep: str | None = None) -> tuple[str, ...]:
    """'item:weight' tokens → expanded tuple; ``sep`` for items that contain spaces."""
    pairs = [token.rsplit(":", 1) for token in spec.split(sep)]
    return _expand([(item.strip(), int(weight)) for item, weight in pairs])


def _expand(pairs: Sequence[tuple[T, int]]) -> tuple[T, ...]:
    """Flatten (item, integer weight) pairs into a tuple for O(1) weighted picks."""
    return tuple(item for item, weight in pairs for _ in range(weight))


def _stream(n: int, block: Callable[[], list[T]]) -> Iterator[T]:
    """Yield exactly n items from whole blocks (whole blocks keep output prefix-stable)."""
    if n < 0:
        raise ValueError("n must be >= 0")
    while n > 0:
        rows = block()
        if n < len(rows):
            yield from itertools.islice(rows, n)
            return
        yield from rows
        n -= len(rows)


_FULLWIDTH = str.maketrans("0123456789+-() ", "０１２３４５６７８９＋－（）\u3000")


# ---------------------------------------------------------------------------------------------
# Geography: provinces → prefecture-level cities → (some) districts
# ---------------------------------------------------------------------------------------------

# Municipalities are their own province.  Cities are listed in the official order; the list
# is nearly complete for the populous provinces and deliberately includes the polyphonic
# names pinyin search gets wrong (重庆 chóng, 长沙/长春/长治 cháng, 厦门 xià, 蚌埠 bèng,
# 六安 lù, 乐山 lè, 台州 tāi, 丽水 lí, 亳州 bó, 郴州 chēn, 漯河 luò, 朝阳 cháo).
_MUNICIPALITIES = ("北京", "上海", "天津", "重庆")
_PROVINCE_CITIES = """
河北省:石家庄 唐山 秦皇岛 邯郸 邢台 保定 张家口 承德 沧州 廊坊 衡水
山西省:太原 大同 阳泉 长治 晋城 朔州 晋中 运城 忻州 临汾 吕梁
内蒙古自治区:呼和浩特 包头 乌海 赤峰 通辽 鄂尔多斯 呼伦贝尔 巴彦淖尔 乌兰察布
辽宁省:沈阳 大连 鞍山 抚顺 本溪 丹东 锦州 营口 阜新 辽阳 盘锦 铁岭 朝阳 葫芦岛
吉林省:长春 吉林 四平 辽源 通化 白山 松原 白城
黑龙江省:哈尔滨 齐齐哈尔 鸡西 鹤岗 双鸭山 大庆 伊春 佳木斯 七台河 牡丹江 黑河 绥化
江苏省:南京 无锡 徐州 常州 苏州 南通 连云港 淮安 盐城 扬州 镇江 泰州 宿迁
浙江省:杭州 宁波 温州 嘉兴 湖州 绍兴 金华 衢州 舟山 台州 丽水
安徽省:合肥 芜湖 蚌埠 淮南 马鞍山 淮北 铜陵 安庆 黄山 滁州 阜阳 宿州 六安 亳州 池州 宣城
福建省:福州 厦门 莆田 三明 泉州 漳州 南平 龙岩 宁德
江西省:南昌 景德镇 萍乡 九江 新余 鹰潭 赣州 吉安 宜春 抚州 上饶
山东省:济南 青岛 淄博 枣庄 东营 烟台 潍坊 济宁 泰安 威海 日照 临沂 德州 聊城 滨州 菏泽
河南省:郑州 开封 洛阳 平顶山 安阳 鹤壁 新乡 焦作 濮阳 许昌 漯河 三门峡 南阳 商丘 信阳 周口 驻马店
湖北省:武汉 黄石 十堰 宜昌 襄阳 鄂州 荆门 孝感 荆州 黄冈 咸宁 随州
湖南省:长沙 株洲 湘潭 衡阳 邵阳 岳阳 常德 张家界 益阳 郴州 永州 怀化 娄底
广东省:广州 韶关 深圳 珠海 汕头 佛山 江门 湛江 茂名 肇庆 惠州 梅州 汕尾 河源 阳江 清远 东莞 中山 潮州 揭阳 云浮
广西壮族自治区:南宁 柳州 桂林 梧州 北海 防城港 钦州 贵港 玉林 百色 贺州 河池 来宾 崇左
海南省:海口 三亚 儋州
四川省:成都 自贡 攀枝花 泸州 德阳 绵阳 广元 遂宁 内江 乐山 南充 眉山 宜宾 广安 达州 雅安 巴中 资阳
贵州省:贵阳 六盘水 遵义 安顺 毕节 铜仁
云南省:昆明 曲靖 玉溪 保山 昭通 丽江 普洱 临沧
西藏自治区:拉萨 日喀则
陕西省:西安 铜川 宝鸡 咸阳 渭南 延安 汉中 榆林 安康 商洛
甘肃省:兰州 嘉峪关 金昌 白银 天水 武威 张掖 平凉 酒泉 庆阳 定西 陇南
青海省:西宁 海东
宁夏回族自治区:银川 石嘴山 吴忠 固原 中卫
新疆维吾尔自治区:乌鲁木齐 克拉玛依 吐鲁番 哈密
"""

# Real districts for the cities where most tenants are; other cities fall back to the
# development-zone names every Chinese city has.  Note the polyphonic ones (六合 lù,
# 朝阳 cháo, 长宁/长安 cháng, 禅城 chán, 硚口 qiáo, 蚌山 bèng, 郫都 pí, 番禺 pān, 黄陂 pí).
_DISTRICTS = {
    "北京": "东城区 西城区 朝阳区 海淀区 丰台区 石景山区 通州区 顺义区 昌平区 大兴区 房山区 门头沟区",
    "上海": "黄浦区 徐汇区 长宁区 静安区 普陀区 虹口区 杨浦区 浦东新区 闵行区 宝山区 嘉定区 松江区 青浦区 奉贤区",
    "天津": "和平区 河东区 河西区 南开区 河北区 红桥区 滨海新区 东丽区 西青区 津南区 北辰区 武清区",
    "重庆": "渝中区 江北区 南岸区 九龙坡区 沙坪坝区 大渡口区 渝北区 巴南区 北碚区 万州区 涪陵区",
    "广州": "越秀区 海珠区 荔湾区 天河区 白云区 黄埔区 番禺区 花都区 南沙区 增城区 从化区",
    "深圳": "福田区 罗湖区 南山区 宝安区 龙岗区 龙华区 盐田区 坪山区 光明区",
    "杭州": "上城区 拱墅区 西湖区 滨江区 萧山区 余杭区 临平区 钱塘区 富阳区",
    "南京": "玄武区 秦淮区 建邺区 鼓楼区 栖霞区 雨花台区 江宁区 浦口区 六合区",
    "苏州": "姑苏区 虎丘区 吴中区 相城区 吴江区 苏州工业园区",
    "成都": "锦江区 青羊区 金牛区 武侯区 成华区 龙泉驿区 新都区 温江区 双流区 郫都区",
    "武汉": "江岸区 江汉区 硚口区 汉阳区 武昌区 青山区 洪山区 东西湖区 黄陂区 江夏区",
    "西安": "新城区 碑林区 莲湖区 雁塔区 未央区 灞桥区 长安区 临潼区",
    "长沙": "芙蓉区 天心区 岳麓区 开福区 雨花区 望城区",
    "厦门": "思明区 湖里区 集美区 海沧区 同安区 翔安区",
    "长春": "南关区 宽城区 朝阳区 二道区 绿园区 双阳区",
    "青岛": "市南区 市北区 黄岛区 崂山区 李沧区 城阳区 即墨区",
    "郑州": "中原区 二七区 管城回族区 金水区 惠济区 上街区",
    "宁波": "海曙区 江北区 北仑区 镇海区 鄞州区 奉化区",
    "东莞": "南城街道 东城街道 莞城街道 长安镇 虎门镇 松山湖",
    "沈阳": "和平区 沈河区 大东区 皇姑区 铁西区 浑南区 于洪区",
    "合肥": "瑶海区 庐阳区 蜀山区 包河区",
    "济南": "历下区 市中区 槐荫区 天桥区 历城区",
    "福州": "鼓楼区 台江区 仓山区 晋安区 马尾区",
    "昆明": "五华区 盘龙区 官渡区 西山区 呈贡区",
    "无锡": "梁溪区 滨湖区 新吴区 锡山区 惠山区",
    "佛山": "禅城区 南海区 顺德区 三水区 高明区",
    "乐山": "市中区 沙湾区 五通桥区 金口河区",
    "蚌埠": "蚌山区 龙子湖区 禹会区 淮上区",
    "六安": "金安区 裕安区 叶集区",
}
_GENERIC_DISTRICTS = ("高新区", "经济技术开发区", "经开区", "工业园区", "新区")

# County-level places that show up in company names.  (short, long, parent city); the long
# form is what a registered name uses.  Many are polyphonic: 单县 shàn, 乐亭 lào, 番禺 pān,
# 莘县 shēn, 洪洞 tóng, 歙县 shè, 铅山 yán, 东阿 ē, 犍为 qián, 蔚县 yù, 黄陂 pí, 荥阳 xíng,
# 涡阳 guō, 尉氏 wèi, 乐清 yuè, 冠县 guàn, 华阴 huà, 行唐 xíng, 繁昌 fán, 筠连 jūn.
_COUNTIES = """
单县 单县 菏泽|乐亭 乐亭县 唐山|番禺 广州市番禺区 广州|莘县 莘县 聊城|洪洞 洪洞县 临汾
歙县 歙县 黄山|铅山 铅山县 上饶|东阿 东阿县 聊城|犍为 犍为县 乐山|蔚县 蔚县 张家口
黄陂 武汉市黄陂区 武汉|荥阳 荥阳市 郑州|涡阳 涡阳县 亳州|尉氏 尉氏县 开封|乐清 乐清市 温州
冠县 冠县 聊城|华阴 华阴市 渭南|行唐 行唐县 石家庄|繁昌 繁昌县 芜湖|筠连 筠连县 宜宾
昆山 昆山市 苏州|义乌 义乌市 金华|江阴 江阴市 无锡|张家港 张家港市 苏州|常熟 常熟市 苏州
慈溪 慈溪市 宁波|晋江 晋江市 泉州|石狮 石狮市 泉州|永康 永康市 金华|诸暨 诸暨市 绍兴
温岭 温岭市 台州|寿光 寿光市 潍坊|宜兴 宜兴市 无锡|顺德 佛山市顺德区 佛山
"""

#: Place names with a non-default reading; benchmarks and tests use them to exercise pinyin.
POLYPHONIC_PLACES: tuple[str, ...] = _words(
    "重庆 长沙 长春 长治 厦门 蚌埠 六安 乐山 台州 丽水 亳州 郴州 漯河 朝阳 单县 乐亭 番禺 "
    "莘县 洪洞 歙县 铅山 东阿 犍为 蔚县 黄陂 荥阳 涡阳 尉氏 乐清 冠县 华阴 行唐 繁昌 筠连"
)

# Weights: tier-1 cities dominate real customer lists, then "new tier-1", then capitals and
# rich coastal cities.  Everything else gets 2, provinces 2, county-level places 1.
_TIER1 = {"北京": 20, "上海": 20, "广州": 14, "深圳": 18}
_TIER2 = set(
    _words("成都 杭州 重庆 武汉 西安 苏州 天津 南京 长沙 郑州 东莞 青岛 沈阳 宁波 昆明 厦门 佛山 合肥 无锡 济南 福州")
)
_TIER3 = set(
    _words(
        "石家庄 太原 呼和浩特 大连 长春 哈尔滨 南通 常州 温州 嘉兴 绍兴 金华 台州 泉州 南昌 烟台 潍坊 洛阳 "
        "珠海 中山 惠州 南宁 海口 贵阳 兰州 银川 乌鲁木齐 西宁 拉萨 徐州 扬州 芜湖 宜昌 襄阳 株洲"
    )
)


def _build_geo() -> tuple[
    list[tuple[str, str, bool]],  # cities: (province long, city short, is municipality)
    dict[str, int],  # city short → city index (first wins: 吉林 city, 朝阳 in 辽宁)
    list[tuple[str, str, int, int, str]],  # places: (short, long, city idx or -1, province key idx, district)
    list[list[int]],  # province key idx → its city indices
    list[int],  # place weights
]:
    cities: list[tuple[str, str, bool]] = []
    province_cities: list[list[int]] = []
    places: list[tuple[str, str, int, int, str]] = []
    weights: list[int] = []
    for name in _MUNICIPALITIES:
        cities.append((name + "市", name, True))
        province_cities.append([len(cities) - 1])
    for line in _PROVINCE_CITIES.strip().splitlines():
        prov, names = line.split(":")
        idxs = []
        for name in names.split():
            cities.append((prov, name, False))
            idxs.append(len(cities) - 1)
        province_cities.append(idxs)
    city_index: dict[str, int] = {}
    for i, (_, name, _) in enumerate(cities):
        city_index.setdefault(name, i)
    # Cities (and municipalities) as places.
    for pk, idxs in enumerate(province_cities):
        for ci in idxs:
            name = cities[ci][1]
            places.append((name, name + "市", ci, pk, ""))
            w = _TIER1.get(name) or (6 if name in _TIER2 else 3 if name in _TIER3 else 2)
            weights.append(w)
    # Provinces as places ("广东华兴实业有限公司").
    for pk, idxs in enumerate(province_cities[len(_MUNICIPALITIES) :], start=len(_MUNICIPALITIES)):
        long = cities[idxs[0]][0]
        short = long.removesuffix("省").removesuffix("自治区")
        short = {"内蒙古": "内蒙古", "广西壮族": "广西", "宁夏回族": "宁夏", "新疆维吾尔": "新疆"}.get(short, short)
        places.append((short, long, -1, pk, ""))
        weights.append(2)
    # County-level places.
    for item in _COUNTIES.replace("\n", "|").split("|"):
        if not item.strip():
            continue
        short, long, parent = item.split()
        ci = city_index[parent]
        pk = next(k for k, idxs in enumerate(province_cities) if ci in idxs)
        district = long.removeprefix(parent + "市")
        places.append((short, long, ci, pk, district))
        weights.append(1)
    return cities, city_index, places, province_cities, weights


_CITIES, _CITY_INDEX, _PLACES, _PROVINCE_CITY_IDX, _PLACE_WEIGHTS = _build_geo()
_PLACE_TABLE: tuple[int, ...] = _expand(list(zip(range(len(_PLACES)), _PLACE_WEIGHTS, strict=True)))
_CITY_PROVINCE_NAMES: tuple[str, ...] = tuple(province for province, _, _ in _CITIES)
_CITY_LONG_NAMES: tuple[str, ...] = tuple(name + "市" for _, name, _ in _CITIES)
_CITY_DISTRICTS: list[tuple[str, ...]] = [
    tuple(_DISTRICTS[name].split()) if name in _DISTRICTS else _GENERIC_DISTRICTS for _, name, _ in _CITIES
]
# Only real prefecture-level cities may be a branch location ("…有限公司上海分公司").
_CITY_PLACE_TABLE: tuple[int, ...] = tuple(i for i in _PLACE_TABLE if _PLACES[i][2] >= 0 and not _PLACES[i][4])

# Pinyin for the places an English-language name is likely to mention.
_PLACE_PINYIN = dict(
    p.split("=")
    for p in _words(
        "北京=Beijing 上海=Shanghai 广州=Guangzhou 深圳=Shenzhen 天津=Tianjin 重庆=Chongqing 杭州=Hangzhou "
        "南京=Nanjing 苏州=Suzhou 成都=Chengdu 武汉=Wuhan 西安=Xi'an 长沙=Changsha 厦门=Xiamen 青岛=Qingdao "
        "宁波=Ningbo 东莞=Dongguan 佛山=Foshan 郑州=Zhengzhou 济南=Jinan 合肥=Hefei 福州=Fuzhou 沈阳=Shenyang "
        "大连=Dalian 昆明=Kunming 无锡=Wuxi 常州=Changzhou 温州=Wenzhou 珠海=Zhuhai 中山=Zhongshan 泉州=Quanzhou "
        "义乌=Yiwu 昆山=Kunshan 长春=Changchun 哈尔滨=Harbin 南昌=Nanchang 南宁=Nanning 贵阳=Guiyang 太原=Taiyuan "
        "嘉兴=Jiaxing 绍兴=Shaoxing 台州=Taizhou 烟台=Yantai 惠州=Huizhou 江门=Jiangmen"
    )
)
_PINYIN_PLACES: tuple[tuple[str, int], ...] = _expand(
    [((_PLACE_PINYIN[p[0]], i), _PLACE_WEIGHTS[i]) for i, p in enumerate(_PLACES) if p[0] in _PLACE_PINYIN]
)


# ---------------------------------------------------------------------------------------------
# Company-name pools
# ---------------------------------------------------------------------------------------------

# Auspicious characters used for 字号, with pinyin (for English names and e-mail domains).
# Includes polyphones: 长 cháng/zhǎng, 重 zhòng/chóng, 乐 lè/yuè, 行 xíng/háng, 和 hé/hè.
_ZIHAO_CHARS = dict(
    pair.split("=")
    for pair in _words(
        "华=hua 兴=xing 恒=heng 通=tong 鼎=ding 盛=sheng 长=chang 重=zhong 乐=le 行=xing 和=he 银=yin "
        "泰=tai 丰=feng 源=yuan 达=da 嘉=jia 信=xin 德=de 利=li 宏=hong 博=bo 瑞=rui 祥=xiang 安=an "
        "福=fu 鑫=xin 金=jin 新=xin 众=zhong 创=chuang 联=lian 海=hai 天=tian 润=run 昌=chang 隆=long "
        "泽=ze 汇=hui 诚=cheng 宇=yu 辉=hui 晟=sheng 卓=zhuo 远=yuan 腾=teng 旭=xu 佳=jia 明=ming "
        "中=zhong 万=wan 永=yong 康=kang 宝=bao 荣=rong 光=guang 正=zheng 益=yi 汉=han 云=yun 帆=fan "
        "峰=feng 凯=kai 欣=xin 盈=ying 鸿=hong 锦=jin 瀚=han 启=qi 航=hang 星=xing 辰=chen 美=mei "
        "东=dong 方=fang 江=jiang 城=cheng 宁=ning 顺=shun 捷=jie 智=zhi 聚=ju 合=he 亿=yi 豪=hao "
        "立=li 伟=wei 骏=jun 升=sheng 科=ke 普=pu 弘=hong 恺=kai 振=zhen 协=xie 友=you"
    )
)
# Well-known-sounding 字号 first, then a fixed pseudo-random selection of pairs to reach 400.
_ZIHAO_CURATED = _words(
    "华兴 恒通 鼎盛 长江 海联 云帆 长城 重信 乐天 行健 和信 银河 华通 恒达 兴业 宏达 金鼎 天成 长盛 "
    "乐康 重光 行远 银泰 和泰 嘉华 信达 德利 宏图 博瑞 祥和 安泰 福瑞 鑫源 金泰 新华 众诚 创新 联合 "
    "海天 润泽 昌盛 隆鑫 汇通 诚信 宇通 辉煌 卓越 远航 腾达 旭日 佳美 明辉 中天 万达 永泰 康宁 宝丰"
)
_ZIHAO_BANNED = {"银行", "中华", "中国", "华中", "天安", "中央"}


def _build_zihao(count: int = 400) -> tuple[str, ...]:
    chars = list(_ZIHAO_CHARS)
    rng = random.Random("bench.datagen:zihao")
    seen = dict.fromkeys(z for z in _ZIHAO_CURATED if all(c in _ZIHAO_CHARS for c in z))
    while len(seen) < count:
        a, b = rng.sample(chars, 2)
        if a + b not in _ZIHAO_BANNED:
            seen.setdefault(a + b)
    return tuple(seen)


_ZIHAO: tuple[str, ...] = _build_zihao()
_ZIHAO_PINYIN: tuple[str, ...] = tuple("".join(_ZIHAO_CHARS[c] for c in z).capitalize() for z in _ZIHAO)

# (行业词, industry key, weight).  The key is what ``customers`` reports as industry_key, so a
# customer's industry agrees with its name.
_INDUSTRIES: tuple[tuple[str, str, int], ...] = tuple(
    (word, key, int(weight))
    for key, spec in {
        "it_internet": "科技:12 网络科技:8 信息技术:6 软件:2 软件开发:2 计算机系统:1 电子商务:4 数据科技:1 "
        "智能科技:3 互联网科技:1 信息科技:3 云计算:1 数字科技:2 通信技术:1 网络技术:1 物联网科技:1 "
        "人工智能科技:1 网络游戏:1 系统集成:1",
        "manufacturing": "电子:4 机械制造:3 机械:3 机械设备:3 精密机械:1 模具:1 五金:2 五金制品:2 塑料制品:2 "
        "橡胶制品:1 汽车配件:2 汽车零部件:1 电器:2 家用电器:1 电气:2 电机:1 仪器仪表:1 自动化设备:2 "
        "光电:1 半导体:1 新材料:2 化工:2 精细化工:1 涂料:1 包装材料:1 纸业:1 印刷:1 纺织:2 服装:2 服饰:2 "
        "鞋业:1 家具:2 陶瓷:1 玻璃:1 钢结构:1 金属制品:1 不锈钢:1 铝业:1 线缆:1 阀门:1 泵业:1 轴承:1 "
        "重工:1 照明:1 电池:1 实业:6 工业:1 制衣:1 木器:1 纸箱:1 铸造:1",
        "wholesale_retail": "国际贸易:5 贸易:8 商贸:8 进出口:3 百货:1 日用品:1 建材:2 电子产品:1 办公用品:1 "
        "茶叶:1 酒业:1 五金交电:1 日用百货:1 烟酒:1 水果:1 家电:1 通讯器材:1 农资:1 花卉:1",
        "finance": "投资:2 投资管理:2 股权投资:1 资产管理:1 融资租赁:1 商业保理:1 创业投资:1",
        "real_estate": "房地产开发:2 置业:2 物业管理:2 房地产经纪:1",
        "construction": "建筑工程:4 建设工程:2 装饰工程:3 装饰设计:2 市政工程:1 园林绿化:1 机电工程:1 "
        "安装工程:1 建筑劳务:1 劳务:1",
        "education": "教育咨询:2 教育科技:2 培训:1 职业技能培训:1 文化艺术培训:1",
        "healthcare": "医疗器械:3 生物科技:3 医药:2 药业:1 健康管理:1 医疗科技:1 生物医药:1 养老服务:1",
        "logistics": "物流:4 国际物流:2 供应链管理:2 供应链:1 货运代理:1 国际货运代理:1 运输:1 仓储:1 快递:1",
        "catering_hospitality": "食品:3 餐饮管理:2 餐饮:1 农产品:1 酒店管理:1 饮品:1 粮油:1 水产:1 旅游开发:1 "
        "国际旅行社:1",
        "media_advertising": "文化传媒:4 广告:2 传媒:1 影视文化:1 文化传播:2 会展服务:1 设计:1 品牌管理:1 "
        "摄影:1 品牌设计:1 室内设计:1",
        "energy": "新能源:3 能源:1 光伏:1 电力工程:1 环保科技:2 节能科技:1 燃气:1",
        "agriculture": "农业科技:1 农业开发:1 生态农业:1 种业:1 畜牧:1 林业:1",
        "professional_services": "企业管理咨询:3 管理咨询:1 信息咨询:1 人力资源:2 财务咨询:1 知识产权代理:1 "
        "商务咨询:2 检测技术:1 技术服务:2 家政服务:1 保洁服务:1 安保服务:1 检测:1 企业管理:2",
    }.items()
    for word, weight in (item.split(":") for item in spec.split())
)
#: Every industry_key ``customers`` can report (English names use the same keys).
INDUSTRY_KEYS: tuple[str, ...] = tuple(dict.fromkeys(key for _, key, _ in _INDUSTRIES))


def _industry_pool(words: str | None = None) -> tuple[tuple[str, str], ...]:
    chosen = set(words.split()) if words else None
    return _expand([((w, k), wt) for w, k, wt in _INDUSTRIES if chosen is None or w in chosen])


# Organisation forms: (form, weight, industry pool, may carry a place in parentheses / a branch).
_POOL_ALL = _industry_pool()
_POOL_PARTNERSHIP = _industry_pool("投资 投资管理 股权投资 资产管理 创业投资 企业管理 企业管理咨询")
_POOL_STUDIO = _industry_pool("文化传媒 设计 摄影 影视文化 广告 品牌设计 室内设计 软件开发 网络科技")
_POOL_SHOP = _industry_pool(
    "五金 建材 日用百货 服装 食品 茶叶 烟酒 电子产品 汽车配件 办公用品 水果 粮油 家电 通讯器材 农资 花卉 五金交电"
)
_POOL_FACTORY = _industry_pool("机械 服装 塑料制品 五金制品 食品 电子 家具 印刷 纸箱 模具 木器 铸造 制衣")
_POOL_CENTER = _industry_pool("教育咨询 健康管理 企业管理咨询 培训 文化艺术培训 技术服务 养老服务 检测")

_FORM_SPECS: tuple[tuple[str, int, tuple[tuple[str, str], ...], bool], ...] = (
    ("有限公司", 112, _POOL_ALL, True),
    ("有限责任公司", 16, _POOL_ALL, True),
    ("股份有限公司", 14, _POOL_ALL, True),
    ("集团有限公司", 6, _POOL_ALL, True),
    ("集团股份有限公司", 1, _POOL_ALL, True),
    ("合伙企业（有限合伙）", 4, _POOL_PARTNERSHIP, False),
    ("工作室", 4, _POOL_STUDIO, False),
    ("商行", 6, _POOL_SHOP, False),
    ("经营部", 4, _POOL_SHOP, False),
    ("店", 2, _POOL_SHOP, False),
    ("店（个体工商户）", 2, _POOL_SHOP, False),
    ("厂", 4, _POOL_FACTORY, False),
    ("中心", 2, _POOL_CENTER, False),
)
_FORM_TABLE = _expand([((form, pool, corp), w) for form, w, pool, corp in _FORM_SPECS])

#: Every suffix a generated Chinese company name ends with ("分公司" for branches).
ORG_FORMS: tuple[str, ...] = (*dict.fromkeys(f for f, *_ in _FORM_SPECS), "分公司")

# English names: "{A}[ {B}] {industry} {suffix}" or pinyin style "Shenzhen Dingsheng Electronics Co., Ltd.".
_EN_FIRST = _words(
    "Pacific Atlantic Golden Silver Nordic Blue Green Red Evergreen Greenfield Summit Pioneer Apex Zenith "
    "Horizon Sunrise Oriental Eastern Western Global United Royal Crown Star Bright Prime Premier Grand "
    "Great Noble Alpha Omega Delta Vertex Nova Stellar Crystal Diamond Emerald Jade Phoenix Dragon Lotus "
    "Panda Eagle Falcon Lion Tiger Harbor Bay Ocean River Lake Mountain Valley Maple Oak Pine Cedar Willow "
    "Orchid Bamboo Asia Euro Trans Inter Metro Urban Smart Future Next Infinity Fusion Synergy Vision "
    "Insight Quantum Core Peak Keystone Landmark Benchmark Trinity Liberty Victory Fortune Lucky Harmony "
    "Unity Everbright Sino Cathay Hanover Cambridge Oxford Victoria Albion Highland Northstar Redwood "
    "Bluewater Clearwater Silverline Goldline Firstline Meridian Polaris Aurora Atlas Titan Orion Vega "
    "Sirius Lyra Bristol Windsor Kingsway Westbrook Eastgate Northfield Southport Lakeside Riverside "
    "Seaside Hillcrest Stonebridge Ironwood Brightwater Silverstone Goldcrest Sunway Skyline"
)
_EN_SECOND = tuple(
    dict.fromkeys(
        _words(
            "Rim Bridge Link Star Wave Point Gate Way Field Stone Rock Tech Line Path Crest Ridge Port Coast Land "
            "World Sky Light Sun Moon Wing Sail Hill Wood Spring Well Edge Works Tree Leaf Key Base Hub Net Bay "
            "Vale Forge Mark Tower Rise Gold Silver Blue Green Pacific Ocean River Valley Peak Summit Harbor Bridge "
            "Point Vista Crown Pine Oak Maple Cedar Lotus Dragon Phoenix Eagle Lion Star Sun Wind Rain Cloud Snow"
        )
    )
)
# An optional qualifier between industry and suffix: "Nordic Tools (Hong Kong) Limited".
_EN_QUALIFIERS = _weighted(
    "International:4|Global:2|Asia:1|Asia Pacific:1|China:1|Worldwide:1|Enterprise:1|(Hong Kong):2|(China):1|"
    "(Asia):1|(Shanghai):1|(Shenzhen):1",
    sep="|",
)


def _parse_en_industries() -> tuple[tuple[str, str], ...]:
    """English industry words with the same keys as the Chinese ones ("Auto Parts:1" → weight 1)."""
    spec = {
        "wholesale_retail": "Trading:6|Import & Export:2|Commerce:1|Distribution:1|Sourcing:1",
        "logistics": "Logistics:4|Supply Chain:2|Shipping:1|Freight:1|Express:1",
        "it_internet": "Technology:6|Software:2|Solutions:2|Systems:2|Digital:1|Networks:1|Data:1",
        "manufacturing": "Tools:1|Electronics:3|Industrial:2|Machinery:2|Packaging:1|Chemicals:1|Textiles:1|"
        "Furniture:1|Metals:1|Plastics:1|Auto Parts:1|Semiconductor:1|Manufacturing:2",
        "healthcare": "Medical:2|Pharmaceuticals:1|Biotech:1|Healthcare:1|Life Sciences:1",
        "catering_hospitality": "Foods:2|Hospitality:1|Beverages:1",
        "media_advertising": "Media:2|Marketing:1|Design:1|Creative:1",
        "professional_services": "Consulting:3|Management:1|Services:1|Partners:1",
        "energy": "Energy:2|Solar:1|Power:1",
        "construction": "Engineering:2|Construction:1",
        "finance": "Capital:1|Investment:1|Holdings:1",
        "real_estate": "Properties:1|Development:1",
        "education": "Education:1|Learning:1",
        "agriculture": "Agritech:1",
    }
    pairs = []
    for key, items in spec.items():
        for item in items.split("|"):
            word, weight = item.rsplit(":", 1)
            pairs.append(((word, key), int(weight)))
    return _expand(pairs)


_EN_INDUSTRIES = _parse_en_industries()
_EN_SUFFIXES = _weighted(
    "Co., Ltd.:10|Limited:5|Ltd.:4|Inc.:4|LLC:3|GmbH:2|Pte. Ltd.:2|Corporation:2|Corp.:2|Company Limited:2|"
    "Pty Ltd:1|B.V.:1|AG:1|S.A.:1|Group:1|Holdings Limited:1",
    sep="|",
)


def _company_block(rng: random.Random, k: int, english_share: float) -> tuple[list[str], list[str], list[int]]:
    """k company names with their industry key and location (a place index, -1 if unknown).

    One tight loop: every pick is ``table[int(random() * len)]`` on a pre-expanded tuple.
    Returning the industry and place lets ``customers`` keep a record self-consistent
    (北京…科技有限公司 is an it_internet customer in 北京市).
    """
    rand = rng.random
    places, ptab, ctab = _PLACES, _PLACE_TABLE, _CITY_PLACE_TABLE
    n_p, n_c = len(ptab), len(ctab)
    zihao, n_z = _ZIHAO, len(_ZIHAO)
    forms, n_f = _FORM_TABLE, len(_FORM_TABLE)
    city_districts = _CITY_DISTRICTS
    en_ind, n_ei = _EN_INDUSTRIES, len(_EN_INDUSTRIES)
    en_suf, n_es = _EN_SUFFIXES, len(_EN_SUFFIXES)
    en_first, n_ef = _EN_FIRST, len(_EN_FIRST)
    en_second, n_e2 = _EN_SECOND, len(_EN_SECOND)
    en_qual, n_eq = _EN_QUALIFIERS, len(_EN_QUALIFIERS)
    py_places, n_pp = _PINYIN_PLACES, len(_PINYIN_PLACES)
    zihao_py = _ZIHAO_PINYIN
    names: list[str] = []
    keys: list[str] = []
    locs: list[int] = []
    add_name, add_key, add_loc = names.append, keys.append, locs.append
    for _ in range(k):
        if rand() < english_share:
            word, key = en_ind[int(rand() * n_ei)]
            r = rand()
            if r < 0.35:  # a Chinese company's English name: "Shenzhen Dingsheng Electronics Co., Ltd."
                py, pi = py_places[int(rand() * n_pp)]
                zp = zihao_py[int(rand() * n_z)]
                name = (
                    f"{py} {zp} {word} {en_suf[int(rand() * n_es)]}"
                    if r < 0.26
                    else f"{zp} {word} ({py}) Co., Ltd."  # "Dingsheng Electronics (Shenzhen) Co., Ltd."
                )
            else:  # a foreign-style name: "Pacific Rim Trading Co., Ltd.", "Nordic Tools GmbH"
                pi = -1
                first = en_first[int(rand() * n_ef)]
                second = en_second[int(rand() * n_e2)]
                if r < 0.9 and second != first:
                    first = f"{first} {second}"
                if rand() < 0.3:
                    word = f"{word} {en_qual[int(rand() * n_eq)]}"
                name = f"{first} {word} {en_suf[int(rand() * n_es)]}"
            add_name(name)
            add_key(key)
            add_loc(pi)
            continue
        form, pool, corp = forms[int(rand() * n_f)]
        word, key = pool[int(rand() * len(pool))]
        z = zihao[int(rand() * n_z)]
        pi = ptab[int(rand() * n_p)]
        short, long, ci, _, district = places[pi]
        r = rand()
        if corp:
            if r < 0.50:  # 北京华兴科技有限公司
                name = short + z + word + form
            elif r < 0.74:  # 深圳市鼎盛电子股份有限公司
                name = long + z + word + form
            elif r < 0.82:  # 华兴（北京）科技有限公司 — as registered, full-width parentheses
                name = f"{z}（{short}）{word}{form}"
            elif r < 0.84:  # … and as typed, half-width
                name = f"{z}({short}){word}{form}"
            elif r < 0.90:  # 恒通国际贸易有限公司 — place left out
                name = z + word + form
                pi = -1
            else:  # 北京华兴科技有限公司上海分公司 — the branch is where the customer is
                bi = ctab[int(rand() * n_c)]
                if bi == pi:
                    name = long + z + word + form
                else:
                    name = short + z + word + form + places[bi][0] + "分公司"
                    pi = bi
        elif r < 0.45:  # 厦门市鼎盛五金商行
            name = long + z + word + form
        elif r < 0.75 and ci >= 0 and not district:  # 厦门市思明区鼎盛五金商行
            dists = city_districts[ci]
            name = long + dists[int(rand() * len(dists))] + z + word + form
        elif r < 0.90:  # 乐山鼎盛五金商行
            name = short + z + word + form
        else:  # 鼎盛五金商行
            name = z + word + form
            pi = -1
        add_name(name)
        add_key(key)
        add_loc(pi)
    return names, keys, locs


def company_names(n: int, seed: int | str = 0, english_share: float = 0.1) -> Iterator[str]:
    """n company names: 地名 + 字号 + 行业 + 组织形式, plus ``english_share`` English names.

    Mixes the shapes real users enter — 北京华兴科技有限公司, 深圳市鼎盛电子股份有限公司,
    华兴（北京）科技有限公司, …有限公司上海分公司, 厦门市思明区鼎盛五金商行, 乐山鼎盛五金店（个体工商户）,
    "Pacific Rim Trading Co., Ltd.", "Shenzhen Dingsheng Electronics Co., Ltd." — so that
    search, sorting and de-duplication see realistic lengths, characters and near-duplicates
    (around 1-3 % exact duplicates at 1M, as in real CRMs).
    """
    rng = _rng("company_names", seed)
    return _stream(n, lambda: _company_block(rng, CHUNK, english_share)[0])


# ---------------------------------------------------------------------------------------------
# People
# ---------------------------------------------------------------------------------------------

# Surname weights are per 10,000 people (2020 census order), so 王李张刘陈 make up ~30 % as
# they do in reality; a flat tail of less common surnames fills the rest of the 10,000.  Compound surnames (欧阳, 司马, 上官, …) are rare, and the polyphonic ones
# — 单 shàn, 曾 zēng, 解 xiè, 查 zhā, 仇 qiú, 区 ōu, 朴 piáo, 覃 qín, 盖 gě, 缪 miào, 乐 yuè,
# 尉迟 yùchí, 万俟 mòqí, 长孙 zhǎngsūn — are present at realistic (low) rates.
_SURNAME_SPEC = (
    "王=710 李=700 张=670 刘=540 陈=460 杨=310 黄=220 赵=200 吴=200 周=190 徐=150 孙=140 马=130 朱=130 "
    "胡=120 郭=110 何=100 林=100 高=100 罗=90 郑=80 梁=80 谢=70 宋=60 唐=60 许=60 韩=60 冯=50 邓=50 "
    "曹=50 彭=50 曾=50 肖=50 田=40 董=40 袁=40 潘=40 于=40 蒋=40 蔡=40 余=40 杜=30 叶=30 程=30 苏=30 "
    "魏=30 吕=30 丁=30 任=30 沈=30 姚=30 卢=30 姜=30 崔=20 钟=20 谭=20 陆=20 汪=20 范=20 金=20 石=20 "
    "廖=20 贾=20 夏=20 韦=20 付=20 方=20 白=20 邹=20 孟=20 熊=20 秦=20 邱=20 江=20 尹=20 薛=20 闫=20 "
    "段=20 雷=20 侯=20 龙=20 史=20 陶=10 黎=10 贺=10 顾=10 毛=10 郝=10 龚=10 邵=10 万=10 钱=10 严=10 "
    "覃=10 武=10 戴=10 莫=10 孔=10 向=10 汤=10 常=8 温=8 康=8 施=8 文=8 牛=8 樊=8 葛=8 邢=8 安=6 齐=6 "
    "易=6 乔=6 伍=6 庞=6 颜=6 倪=6 庄=6 聂=6 章=6 鲁=5 岳=5 翟=5 殷=5 詹=5 申=5 耿=5 关=5 兰=5 焦=5 "
    "俞=5 左=4 柳=4 甘=4 祝=4 包=4 宁=4 尚=4 符=4 舒=4 阮=4 柯=4 纪=4 梅=4 童=4 凌=4 毕=4 单=3 解=2 "
    "查=2 仇=2 区=1 朴=2 盖=1 缪=2 乐=1 欧阳=3 司马=1 上官=1 诸葛=1 司徒=1 东方=1 皇甫=1 尉迟=1 "
    "令狐=1 长孙=1 万俟=1"
)
_SURNAME_TAIL = _words(
    "傅 赖 洪 涂 骆 蓝 柴 曲 滕 裴 霍 虞 支 管 应 宗 宣 郁 杭 诸 吉 荣 翁 惠 甄 封 芮 储 靳 糜 井 富 巫 巴 弓 "
    "牧 谷 车 全 班 仲 伊 宫 栾 暴 厉 戎 祖 景 束 幸 司 蒲 邰 鄂 索 卓 蔺 屠 蒙 池 阴 胥 苍 双 闻 党 贡 劳 姬 "
    "扶 冉 桑 桂 濮 寿 边 燕 冀 浦 农 晏 瞿 阎 慕 连 茹 艾 容 古 戈 庾 居 衡 步 满 匡 寇 阙 欧 利 隆 师 巩 晁 "
    "敖 冷 辛 简 饶 沙 鞠 丰 巢 游 竺 权 逯 时 费 喻 邬 房 卞 屈 项 季 麻 路 娄 危 盛 刁 穆 萧 米 明 臧 计 成 "
    "谈 茅 席 闵 湛 祁 禹 狄 平 和 元 卜 皮 伏 贝"
)
_SURNAME_WEIGHTS = {s: int(w) for s, w in (p.split("=") for p in _words(_SURNAME_SPEC))}
_TAIL_WEIGHT = (10_000 - sum(_SURNAME_WEIGHTS.values())) // len(_SURNAME_TAIL)
_SURNAME_WEIGHTS.update((s, _TAIL_WEIGHT) for s in _SURNAME_TAIL if s not in _SURNAME_WEIGHTS)
_SURNAMES: tuple[str, ...] = _expand(list(_SURNAME_WEIGHTS.items()))

#: Surnames read differently from the character's common reading (exercise pinyin search).
POLYPHONIC_SURNAMES: tuple[str, ...] = _words("单 曾 解 查 仇 区 朴 覃 盖 缪 乐 尉迟 万俟 长孙")

_SURNAME_PINYIN = dict(
    p.split("=")
    for p in _words(
        "王=Wang 李=Li 张=Zhang 刘=Liu 陈=Chen 杨=Yang 黄=Huang 赵=Zhao 吴=Wu 周=Zhou 徐=Xu 孙=Sun 马=Ma "
        "朱=Zhu 胡=Hu 郭=Guo 何=He 林=Lin 高=Gao 罗=Luo 郑=Zheng 梁=Liang 谢=Xie 宋=Song 唐=Tang 许=Xu "
        "韩=Han 冯=Feng 邓=Deng 曹=Cao 彭=Peng 曾=Zeng 肖=Xiao 田=Tian 董=Dong 袁=Yuan 潘=Pan 蒋=Jiang "
        "蔡=Cai 叶=Ye 程=Cheng 苏=Su 魏=Wei 沈=Shen 姚=Yao 卢=Lu 钟=Chung 谭=Tam 陆=Lu 范=Fan 金=Kim "
        "欧阳=Ouyang 单=Shan 区=Au"
    )
)
_PINYIN_SURNAMES = _expand([(p, _SURNAME_WEIGHTS[s]) for s, p in _SURNAME_PINYIN.items()])

_GIVEN_MALE = tuple(
    "伟强磊军勇杰涛明超刚平辉鹏华飞鑫波斌宇浩凯健俊帆帅旭宁龙林阳建国志文海峰亮成东晨博昊轩睿泽宏彬振晓天嘉家思航然铭乐行长永福"
)
_GIVEN_FEMALE = tuple("芳娜敏静丽艳娟霞秀英玲桂兰燕婷雪琳晶颖倩慧佳欣怡悦梦雨萱涵琪瑶璐薇洁丹红美月蕾嘉思诗晓雯妍婧")
_GIVEN_MALE_COMMON = _words(
    "伟 磊 强 军 勇 杰 涛 斌 超 明 刚 平 辉 鹏 华 飞 建华 建国 志强 建军 海涛 浩然 子轩 宇轩 俊杰 晓东 文博 "
    "志明 国强 永强 德华 家豪 思远 天佑 一鸣"
)
_GIVEN_FEMALE_COMMON = _words(
    "芳 娜 敏 静 丽 艳 娟 霞 秀英 秀兰 桂英 玉兰 丽娟 海燕 欣怡 梓涵 雨涵 诗涵 晓燕 婷婷 丹丹 静怡 雅琪 "
    "佳怡 思琪 梦瑶 美玲 秀珍 淑芬 红梅"
)
_EN_GIVEN = _words(
    "David Michael John James Robert William Richard Thomas Daniel Kevin Jason Eric Peter Tony Jack Leo "
    "Alex Frank Henry Steven Andrew Vincent Simon Allen Bruce Sam Ken Ryan Oliver Lucas Mary Linda Jennifer "
    "Susan Lisa Emily Grace Amy Helen Cindy Vivian Jessica Sarah Anna Sophia Olivia Emma Chloe Lily Nancy "
    "Kelly Irene Tina Coco Candy Wendy Angela Sandy Joyce"
)
_EN_SURNAMES = _words(
    "Smith Johnson Williams Brown Jones Miller Davis Wilson Anderson Taylor Thomas Moore Martin Jackson "
    "White Harris Clark Lewis Walker Hall Allen Young King Wright Scott Green Baker Adams Nelson Hill "
    "Campbell Mitchell Roberts Carter Phillips Evans Turner Parker Collins Edwards Stewart Morris Murphy "
    "Cook Rogers Morgan Cooper Peterson Müller Schmidt Schneider Fischer Weber Tanaka Suzuki Sato Kim Park "
    "Nguyen Tan Lim Lee Ng"
)


def _person_block(rng: random.Random, k: int, english_share: float) -> list[str]:
    """k person names; English ones are mostly "David Wang" (Chinese staff's English name)."""
    rand = rng.random
    surnames, n_s = _SURNAMES, len(_SURNAMES)
    male, n_m = _GIVEN_MALE, len(_GIVEN_MALE)
    female, n_fe = _GIVEN_FEMALE, len(_GIVEN_FEMALE)
    male_c, n_mc = _GIVEN_MALE_COMMON, len(_GIVEN_MALE_COMMON)
    female_c, n_fc = _GIVEN_FEMALE_COMMON, len(_GIVEN_FEMALE_COMMON)
    en_given, n_eg = _EN_GIVEN, len(_EN_GIVEN)
    en_sur, n_esn = _EN_SURNAMES, len(_EN_SURNAMES)
    py_sur, n_ps = _PINYIN_SURNAMES, len(_PINYIN_SURNAMES)
    out: list[str] = []
    add = out.append
    for _ in range(k):
        r = rand()
        if r < english_share:
            given = en_given[int(rand() * n_eg)]
            if rand() < 0.6:
                add(f"{given} {py_sur[int(rand() * n_ps)]}")
            else:
                add(f"{given} {en_sur[int(rand() * n_esn)]}")
            continue
        s = surnames[int(rand() * n_s)]
        g = rand()
        if rand() < 0.5:
            if g < 0.18:
                add(s + male[int(rand() * n_m)])
            elif g < 0.40:
                add(s + male_c[int(rand() * n_mc)])
            else:
                add(s + male[int(rand() * n_m)] + male[int(rand() * n_m)])
        elif g < 0.18:
            add(s + female[int(rand() * n_fe)])
        elif g < 0.40:
            add(s + female_c[int(rand() * n_fc)])
        else:
            add(s + female[int(rand() * n_fe)] + female[int(rand() * n_fe)])
    return out


def person_names(n: int, seed: int | str = 0, english_share: float = 0.05) -> Iterator[str]:
    """n personal names: surname by real frequency + 1-2 character given name, some English.

    Real frequencies matter for benchmarks: 王/李/张 alone are ~20 % of rows, which is what
    makes prefix search and "find duplicates by name" expensive in production.
    """
    rng = _rng("person_names", seed)
    return _stream(n, lambda: _person_block(rng, CHUNK, english_share))


# ---------------------------------------------------------------------------------------------
# Phones, e-mail, QQ, WeChat
# ---------------------------------------------------------------------------------------------

# 3-digit mobile segments of the three carriers (plus virtual operators in 17x); 13x/15x/18x
# are older and more common.
_MOBILE_PREFIXES: tuple[str, ...] = _expand(
    [(str(p), 3) for p in range(130, 140)]
    + [(str(p), 3) for p in (150, 151, 152, 153, 155, 156, 157, 158, 159)]
    + [(str(p), 1) for p in (170, 171, 172, 173, 175, 176, 177, 178)]
    + [(str(p), 3) for p in range(180, 190)]
    + [(str(p), 1) for p in (190, 191, 192, 193, 195, 196, 197, 198, 199)]
)


def _mobile_block(rng: random.Random, k: int) -> tuple[list[str], list[str]]:
    """k mobiles as typed (formatted) and as bare 11 digits (for WeChat ids made of a phone)."""
    rand = rng.random
    prefixes, n_p = _MOBILE_PREFIXES, len(_MOBILE_PREFIXES)
    fullwidth = _FULLWIDTH
    typed: list[str] = []
    bare: list[str] = []
    add, add_bare = typed.append, bare.append
    for _ in range(k):
        d = f"{prefixes[int(rand() * n_p)]}{int(rand() * 100_000_000):08d}"
        add_bare(d)
        r = rand()
        if r < 0.70:
            add(d)  # 13812345678
        elif r < 0.82:
            add(f"{d[:3]} {d[3:7]} {d[7:]}")  # 138 1234 5678
        elif r < 0.88:
            add(f"{d[:3]}-{d[3:7]}-{d[7:]}")  # 138-1234-5678
        elif r < 0.93:
            add(f"+86 {d[:3]} {d[3:7]} {d[7:]}")  # +86 138 1234 5678
        elif r < 0.96:
            add("+86" + d)  # +8613812345678
        elif r < 0.975:
            add(f"(+86) {d}")  # (+86) 13812345678
        elif r < 0.98:
            add(f"86-{d}")  # 86-13812345678
        else:
            add(d.translate(fullwidth))  # １３８１２３４５６７８ (Chinese IME in full-width mode)
    return typed, bare


def mobile_numbers(n: int, seed: int | str = 0) -> Iterator[str]:
    """n mainland mobile numbers (13x/15x/17x/18x/19x) in the formats users really type.

    About 70 % are bare 11 digits; the rest are '138 1234 5678', '138-1234-5678',
    '+86 138 1234 5678', '+8613812345678', '(+86) …', '86-…' and ~2 % full-width digits —
    the mess phone normalisation and duplicate detection have to cope with.
    """
    rng = _rng("mobile_numbers", seed)
    return _stream(n, lambda: _mobile_block(rng, CHUNK)[0])


# Area codes and local-number lengths.  Other cities get a stable 4-digit code inside their
# province's real range (江苏 051x, 广东 075x, …) with a 7-digit local number, the common
# case for smaller cities — plausible, though not necessarily that city's actual code.
_AREA_CODES = {
    "北京": ("010", 8),
    "广州": ("020", 8),
    "上海": ("021", 8),
    "天津": ("022", 8),
    "重庆": ("023", 8),
    "沈阳": ("024", 8),
    "南京": ("025", 8),
    "武汉": ("027", 8),
    "成都": ("028", 8),
    "西安": ("029", 8),
    "深圳": ("0755", 8),
    "杭州": ("0571", 8),
    "苏州": ("0512", 8),
    "长沙": ("0731", 8),
    "厦门": ("0592", 7),
    "青岛": ("0532", 8),
    "宁波": ("0574", 8),
    "东莞": ("0769", 8),
    "佛山": ("0757", 8),
    "郑州": ("0371", 8),
    "济南": ("0531", 8),
    "合肥": ("0551", 8),
    "福州": ("0591", 8),
    "昆明": ("0871", 8),
    "长春": ("0431", 8),
    "无锡": ("0510", 8),
    "常州": ("0519", 8),
    "温州": ("0577", 8),
    "中山": ("0760", 8),
    "珠海": ("0756", 8),
    "惠州": ("0752", 7),
    "泉州": ("0595", 8),
    "蚌埠": ("0552", 7),
    "六安": ("0564", 7),
    "乐山": ("0833", 7),
    "菏泽": ("0530", 7),
    "大连": ("0411", 8),
    "哈尔滨": ("0451", 8),
    "南昌": ("0791", 8),
    "南宁": ("0771", 7),
    "贵阳": ("0851", 8),
    "太原": ("0351", 7),
    "石家庄": ("0311", 8),
}
_PROVINCE_AREA_PREFIX = {
    "河北省": "031", "山西省": "035", "内蒙古自治区": "047", "辽宁省": "041", "吉林省": "043", "黑龙江省": "045",
    "江苏省": "051", "浙江省": "057", "安徽省": "055", "福建省": "059", "江西省": "079", "山东省": "053",
    "河南省": "037", "湖北省": "071", "湖南省": "073", "广东省": "075", "广西壮族自治区": "077", "海南省": "089",
    "四川省": "081", "贵州省": "085", "云南省": "087", "西藏自治区": "089", "陕西省": "091", "甘肃省": "093",
    "青海省": "097", "宁夏回族自治区": "095", "新疆维吾尔自治区": "099",
}  # fmt: skip
_CITY_AREA: tuple[tuple[str, int], ...] = tuple(
    _AREA_CODES.get(name) or (f"{_PROVINCE_AREA_PREFIX[province]}{(i * 7) % 10}", 7)
    for i, (province, name, _) in enumerate(_CITIES)
)
_AREA_TABLE: tuple[tuple[str, int], ...] = tuple(_AREA_CODES.values())


def _landline_block(rng: random.Random, k: int, city_idx: Sequence[int] | None = None) -> list[str]:
    """k landlines; with ``city_idx`` each uses its city's area code (customers stay coherent)."""
    rand = rng.random
    areas, n_a = _AREA_TABLE, len(_AREA_TABLE)
    city_area = _CITY_AREA
    fullwidth = _FULLWIDTH
    out: list[str] = []
    add = out.append
    for i in range(k):
        code, length = city_area[city_idx[i]] if city_idx is not None else areas[int(rand() * n_a)]
        if length == 8:
            local = str(20_000_000 + int(rand() * 70_000_000))
            a, b = local[:4], local[4:]
        else:
            local = str(2_000_000 + int(rand() * 7_000_000))
            a, b = local[:3], local[3:]
        r = rand()
        if r < 0.40:
            add(f"{code}-{local}")  # 010-62345678
        elif r < 0.48:
            add(code + local)  # 01062345678
        elif r < 0.58:
            add(f"({code}) {a} {b}")  # (0755) 8888 1234
        elif r < 0.68:
            add(f"{code} {local}")  # 010 62345678
        elif r < 0.76:
            add(f"{code} {a} {b} 转 {800 + int(rand() * 9200)}")  # 021 5888 6666 转 8001
        elif r < 0.83:
            add(f"{code}-{local}-{800 + int(rand() * 9200)}")  # 0755-88881234-8001
        elif r < 0.86:
            add(f"{code}-{local}转{100 + int(rand() * 900)}")  # 0755-88881234转801
        elif r < 0.91:
            add(f"+86 {code[1:]} {a} {b}")  # +86 10 6234 5678
        elif r < 0.95:
            add(local)  # 62345678 — no area code, as often typed
        elif r < 0.98:
            n = 1_000_000 + int(rand() * 9_000_000)
            add(f"400-{str(n)[:3]}-{str(n)[3:]}")  # 400-820-8820 (company hotline)
        else:
            add(f"{code}-{local}".translate(fullwidth))  # ０１０－６２３４５６７８
    return out


def landline_numbers(n: int, seed: int | str = 0) -> Iterator[str]:
    """n fixed-line numbers: '010-62345678', '(0755) 8888 1234', '021 5888 6666 转 8001', …

    Includes extensions (转/-), missing area codes, +86 without the trunk 0, 400 hotlines and
    full-width digits, because that is what lands in a CRM's "phone" column.
    """
    rng = _rng("landline_numbers", seed)
    return _stream(n, lambda: _landline_block(rng, CHUNK))


_PINYIN_SYLLABLES = _words(
    "wei lei na min jing li yan juan xia qiang jun yong jie tao ming chao gang ping hui peng hua fei xin "
    "bo bin yu hao kai jian long lin yang guo zhi wen hai feng liang cheng dong chen rui ze hong xiao zi "
    "tian yi jia si hang ran fang ting xue ying qian yue meng han qi yao lu dan mei shi le"
)
_FREE_MAIL = _weighted(
    "qq.com:35 163.com:18 126.com:8 sina.com:4 foxmail.com:3 gmail.com:4 outlook.com:3 hotmail.com:2 139.com:2 "
    "aliyun.com:1 yeah.net:1 sohu.com:1 189.cn:1 vip.qq.com:1 vip.163.com:1"
)
_ROLE_MAILBOXES = _words("sales info service admin hr contact market finance purchase kefu support office")
_DOMAIN_TAILS = _weighted(
    ":8 -tech:2 tech:1 group:2 -group:1 -trade:1 china:2 intl:1 88:1 168:1 -sz:1 -gz:1 -sh:1 -bj:1"
)
# Optional city prefix of a corporate domain: szdingsheng.com, bj-huaxing.cn.
_DOMAIN_PREFIXES = _weighted(":20 sz:1 gz:1 bj:1 sh:1 hz:1 nj:1 cd:1 wh:1 xm:1 cq:1 tj:1 nb:1 dg:1 fs:1 bj-:1 sz-:1")
_PINYIN_SURNAMES_LOWER = tuple(s.lower() for s in _PINYIN_SURNAMES)
_TLDS = _weighted(".com:5 .cn:2 .com.cn:2 .net:1")


def _email_block(rng: random.Random, k: int, corporate_share: float = 0.3) -> list[str]:
    """k e-mail addresses: pinyin or QQ-number local parts, free-mail or corporate domains.

    Real addresses are nearly unique, so local parts usually carry digits (a birth year, a
    lucky number) the way people pick them when their name is taken.
    """
    rand = rng.random
    syl, n_sy = _PINYIN_SYLLABLES, len(_PINYIN_SYLLABLES)
    sur, n_ps = _PINYIN_SURNAMES_LOWER, len(_PINYIN_SURNAMES_LOWER)
    free, n_fm = _FREE_MAIL, len(_FREE_MAIL)
    roles, n_r = _ROLE_MAILBOXES, len(_ROLE_MAILBOXES)
    zpy, n_z = _ZIHAO_PINYIN, len(_ZIHAO_PINYIN)
    prefixes, n_pr = _DOMAIN_PREFIXES, len(_DOMAIN_PREFIXES)
    tails, n_t = _DOMAIN_TAILS, len(_DOMAIN_TAILS)
    tlds, n_tl = _TLDS, len(_TLDS)
    en_given, n_eg = _EN_GIVEN, len(_EN_GIVEN)
    out: list[str] = []
    add = out.append
    for _ in range(k):
        if rand() < corporate_share:
            domain = (
                prefixes[int(rand() * n_pr)]
                + zpy[int(rand() * n_z)].lower()
                + tails[int(rand() * n_t)]
                + tlds[int(rand() * n_tl)]
            )
            r = rand()
            if r < 0.25:
                local = roles[int(rand() * n_r)]  # sales@…, info@…
            elif r < 0.75:
                local = sur[int(rand() * n_ps)] + syl[int(rand() * n_sy)] + syl[int(rand() * n_sy)]
            else:
                local = f"{en_given[int(rand() * n_eg)].lower()}.{sur[int(rand() * n_ps)]}"
            add(f"{local}@{domain}")
            continue
        domain = free[int(rand() * n_fm)]
        r = rand()
        if domain == "qq.com" and r < 0.6:
            local = str(10_000 + int(rand() * 3_000_000_000))  # 123456789@qq.com
        elif r < 0.35:
            local = f"{sur[int(rand() * n_ps)]}{syl[int(rand() * n_sy)]}{syl[int(rand() * n_sy)]}{int(rand() * 1000)}"
        elif r < 0.60:
            local = (
                f"{sur[int(rand() * n_ps)]}{syl[int(rand() * n_sy)]}{syl[int(rand() * n_sy)]}{1960 + int(rand() * 45)}"
            )
        elif r < 0.75:
            local = f"{sur[int(rand() * n_ps)]}.{syl[int(rand() * n_sy)]}{syl[int(rand() * n_sy)]}"
        elif r < 0.85:
            local = f"{sur[int(rand() * n_ps)]}_{syl[int(rand() * n_sy)]}{int(rand() * 10_000)}"
        else:
            local = f"{en_given[int(rand() * n_eg)].lower()}_{syl[int(rand() * n_sy)]}{int(rand() * 1000)}"
        if rand() < 0.01:
            local = local.capitalize()  # ZhangWei@163.com — some people type it that way
        add(f"{local}@{domain}")
    return out


def emails(n: int, seed: int | str = 0, corporate_share: float = 0.3) -> Iterator[str]:
    """n syntactically valid e-mail addresses with the Chinese mix of providers.

    qq.com/163.com dominate and QQ mail often uses the QQ number as local part; a
    ``corporate_share`` uses company domains such as sales@dingsheng-tech.com.cn.
    """
    rng = _rng("emails", seed)
    return _stream(n, lambda: _email_block(rng, CHUNK, corporate_share))


# QQ numbers: 5-11 digits, no leading zero; 9-10 digits are the bulk of active accounts.
_QQ_LENGTHS = _expand([(5, 1), (6, 2), (7, 5), (8, 15), (9, 35), (10, 40), (11, 2)])


def _qq_block(rng: random.Random, k: int) -> list[str]:
    rand = rng.random
    lengths, n_l = _QQ_LENGTHS, len(_QQ_LENGTHS)
    return [
        str(10 ** (length - 1) + int(rand() * 9 * 10 ** (length - 1)))
        for length in (lengths[int(rand() * n_l)] for _ in range(k))
    ]


def qq_numbers(n: int, seed: int | str = 0) -> Iterator[str]:
    """n QQ numbers as strings (5-11 digits, mostly 9-10) — still a common contact channel."""
    rng = _rng("qq_numbers", seed)
    return _stream(n, lambda: _qq_block(rng, CHUNK))


def _wechat_block(rng: random.Random, k: int) -> list[str]:
    """k WeChat ids: legacy wxid_…, pinyin+digits, English+digits, or a phone number.

    Apart from the phone numbers they follow WeChat's rule: 6-20 characters, starting with a letter.
    """
    rand, bits = rng.random, rng.getrandbits
    syl, n_sy = _PINYIN_SYLLABLES, len(_PINYIN_SYLLABLES)
    sur, n_ps = _PINYIN_SURNAMES_LOWER, len(_PINYIN_SURNAMES_LOWER)
    en_given, n_eg = _EN_GIVEN, len(_EN_GIVEN)
    prefixes, n_mp = _MOBILE_PREFIXES, len(_MOBILE_PREFIXES)
    out: list[str] = []
    add = out.append
    for _ in range(k):
        r = rand()
        if r < 0.25:
            add(f"wxid_{bits(56):014x}")  # the id WeChat assigned before custom ids existed
        elif r < 0.60:
            sep = "_" if rand() < 0.3 else ""
            add(f"{sur[int(rand() * n_ps)]}{syl[int(rand() * n_sy)]}{sep}{10 + int(rand() * 9990)}")
        elif r < 0.75:
            add(f"{en_given[int(rand() * n_eg)]}_{syl[int(rand() * n_sy)]}{int(rand() * 10_000)}")
        elif r < 0.90:  # people often put their phone number in the WeChat field
            add(f"{prefixes[int(rand() * n_mp)]}{int(rand() * 100_000_000):08d}")
        else:
            add(f"{sur[int(rand() * n_ps)]}-{syl[int(rand() * n_sy)]}{syl[int(rand() * n_sy)]}{int(rand() * 100)}")
    return out


def wechat_ids(n: int, seed: int | str = 0) -> Iterator[str]:
    """n WeChat ids in the shapes found in CRMs (including bare phone numbers)."""
    rng = _rng("wechat_ids", seed)
    return _stream(n, lambda: _wechat_block(rng, CHUNK))


# ---------------------------------------------------------------------------------------------
# Addresses, birthdays
# ---------------------------------------------------------------------------------------------

_STREETS = _words(
    "人民路 中山路 解放路 建设路 和平路 胜利路 长江路 黄河路 延安路 南京路 北京路 上海路 科技路 创业路 "
    "工业大道 滨江大道 朝阳路 文化路 新华路 青年路 东风路 团结路 花园路 学府路 迎宾大道 世纪大道 金融街 "
    "高新路 光明路 幸福路 振兴路 发展大道 友谊路 健康路 环城路 南环路 北环路 东环路 西环路 府前街 车站路 "
    "湖滨路 江南大道 星湖街 珠江路 太湖路 天府大道 深南大道 长安街 行知路 重阳路 乐群路"
)
_DIRECTIONS = "东西南北中"


def _address_block(
    rng: random.Random, k: int, city_idx: Sequence[int] | None = None, districts: Sequence[str] | None = None
) -> list[str]:
    """k street addresses; with ``city_idx`` (and optional fixed ``districts``) per row."""
    rand = rng.random
    cities, city_districts = _CITIES, _CITY_DISTRICTS
    ptab, places, n_p = _PLACE_TABLE, _PLACES, len(_PLACE_TABLE)
    prov_cities = _PROVINCE_CITY_IDX
    streets, n_st = _STREETS, len(_STREETS)
    zihao, n_z = _ZIHAO, len(_ZIHAO)
    out: list[str] = []
    add = out.append
    for i in range(k):
        district = districts[i] if districts is not None else ""
        if city_idx is not None:
            ci = city_idx[i]
        else:
            _, _, ci, pk, district = places[ptab[int(rand() * n_p)]]
            if ci < 0:
                idxs = prov_cities[pk]
                ci = idxs[int(rand() * len(idxs))]
        province, city, municipality = cities[ci]
        if not district:
            dists = city_districts[ci]
            district = dists[int(rand() * len(dists))]
        street = streets[int(rand() * n_st)]
        if street[-1] == "路" and rand() < 0.15:
            street = street[:-1] + _DIRECTIONS[int(rand() * 5)] + "路"  # 中山东路
        number = 1 + int(999 * rand() ** 2)
        r = rand()
        if r < 0.45:
            building = ""
        elif r < 0.60:
            building = f"{zihao[int(rand() * n_z)]}大厦{1 + int(rand() * 30)}楼{1 + int(rand() * 20):02d}室"
        elif r < 0.72:
            building = (
                f"{1 + int(rand() * 20)}栋{1 + int(rand() * 4)}单元{1 + int(rand() * 30)}{1 + int(rand() * 4):02d}"
            )
        elif r < 0.84:
            building = f"{'ABCDE'[int(rand() * 5)]}座{1 + int(rand() * 28)}{1 + int(rand() * 20):02d}"
        else:
            building = f"{1 + int(rand() * 12)}号楼{1 + int(rand() * 6)}{1 + int(rand() * 20):02d}室"
        prefix = "" if municipality or rand() < 0.3 else province  # people often skip the province
        add(f"{prefix}{city}市{district}{street}{number}号{building}")
    return out


def addresses(n: int, seed: int | str = 0) -> Iterator[str]:
    """n postal addresses: [省] + 市 + 区 + 路 + 号 [+ 大厦/栋/座/室].

    Province is omitted ~30 % of the time (and always for municipalities), as people type
    them; cities follow the same weights as company names.
    """
    rng = _rng("addresses", seed)
    return _stream(n, lambda: _address_block(rng, CHUNK))


def _birthday_block(rng: random.Random, k: int) -> list[date]:
    """k birthdays of working-age adults (22-62, mode ~42) relative to REFERENCE_DATE."""
    rand = rng.random
    ref = REFERENCE_DATE.toordinal()
    fromordinal = date.fromordinal
    return [fromordinal(ref - int((22 + 20 * (rand() + rand())) * 365.25)) for _ in range(k)]


def birthdays(n: int, seed: int | str = 0) -> Iterator[date]:
    """n birth dates (``datetime.date``) of contacts aged 22-62, computed from REFERENCE_DATE."""
    rng = _rng("birthdays", seed)
    return _stream(n, lambda: _birthday_block(rng, CHUNK))


# ---------------------------------------------------------------------------------------------
# Customers and contacts
# ---------------------------------------------------------------------------------------------

# Plausible option keys; the consumer maps them onto the tenant's dictionaries.  Weights are
# the rough shape of a real SMB pipeline: most leads never leave the first stages.
_SOURCES = _weighted("referral:22 website:18 cold_call:15 exhibition:10 wechat:10 advertising:8 partner:7 other:10")
_CATEGORIES = _weighted("normal:70 key:15 vip:5 partner:5 supplier:3 competitor:2")
_STAGES = _weighted("prospect:40 intention:25 negotiation:10 won:18 lost:7")
_VALUE_CLASSES = _weighted("A:8 B:20 C:40 D:32")


def _owner_cum_weights(n_owners: int) -> list[float]:
    """Zipf-like (1/rank) ownership: with 50 reps the top 5 hold about half the customers."""
    return list(itertools.accumulate(1.0 / (i + 1) for i in range(n_owners)))


def _customer_block(rng: random.Random, k: int, english_share: float, owner_cum: list[float]) -> list[dict[str, Any]]:
    """k customer dicts whose name, industry, city, area code and address agree with each other.

    Two passes: the first decides kind, place and which optional fields are filled; then
    each column generator runs for exactly the rows that need it (no value is built only to
    be thrown away), and the second pass assembles the dicts.
    """
    rand = rng.random
    is_ent = [rand() < 0.85 for _ in range(k)]
    n_ent = sum(is_ent)
    c_names, c_keys, c_locs = _company_block(rng, n_ent, english_share)
    p_names = _person_block(rng, k - n_ent, 0.03)
    places, ptab, n_p = _PLACES, _PLACE_TABLE, len(_PLACE_TABLE)
    prov_cities = _PROVINCE_CITY_IDX
    industry_keys, n_ik = INDUSTRY_KEYS, len(INDUSTRY_KEYS)
    names: list[str] = []
    industries: list[str] = []
    city_idx: list[int] = []
    # Per row: 0/1 flags for mobile, e-mail, address; phone kind 0 none, 1 landline, 2 = the mobile.
    has_mobile: list[bool] = []
    phone_kind: list[int] = []
    has_email: list[bool] = []
    has_address: list[bool] = []
    landline_cities: list[int] = []
    address_cities: list[int] = []
    address_districts: list[str] = []
    n_ent_mail = n_ind_mail = 0
    e = p = 0
    for ent in is_ent:
        if ent:
            names.append(c_names[e])
            industries.append(c_keys[e])
            pi = c_locs[e]
            e += 1
        else:
            names.append(p_names[p])
            industries.append("" if rand() < 0.8 else industry_keys[int(rand() * n_ik)])
            pi = -1
            p += 1
        if pi < 0:
            pi = ptab[int(rand() * n_p)]
        _, _, ci, pk, district = places[pi]
        if ci < 0:  # a province-level name (广东华兴实业): somewhere in that province
            idxs = prov_cities[pk]
            ci = idxs[int(rand() * len(idxs))]
        city_idx.append(ci)
        r = rand()
        if ent:
            has_mobile.append(rand() < 0.55)
            kind = 1 if r < 0.70 else (2 if r < 0.85 else 0)
            mail = rand() < 0.45
            n_ent_mail += mail
        else:
            has_mobile.append(rand() < 0.95)
            kind = 1 if r < 0.08 else (2 if r < 0.45 else 0)
            mail = rand() < 0.30
            n_ind_mail += mail
        phone_kind.append(kind)
        has_email.append(mail)
        if kind == 1:
            landline_cities.append(ci)
        address = rand() < 0.75
        has_address.append(address)
        if address:
            address_cities.append(ci)
            address_districts.append(district)
    landlines = iter(_landline_block(rng, len(landline_cities), landline_cities))
    mobiles = iter(_mobile_block(rng, sum(has_mobile))[0])
    ent_mails = iter(_email_block(rng, n_ent_mail, corporate_share=0.5))
    ind_mails = iter(_email_block(rng, n_ind_mail, corporate_share=0.05))
    addrs = iter(_address_block(rng, len(address_cities), address_cities, address_districts))
    sources, n_so = _SOURCES, len(_SOURCES)
    categories, n_ca = _CATEGORIES, len(_CATEGORIES)
    stages, n_sg = _STAGES, len(_STAGES)
    values, n_v = _VALUE_CLASSES, len(_VALUE_CLASSES)
    provinces, city_names = _CITY_PROVINCE_NAMES, _CITY_LONG_NAMES
    owner_total = owner_cum[-1]  # rand() * total < total, so bisect never runs off the end
    bisect_right = bisect.bisect_right
    rows: list[dict[str, Any]] = []
    add = rows.append
    for i in range(k):
        ci = city_idx[i]
        mobile = next(mobiles) if has_mobile[i] else ""
        kind = phone_kind[i]
        phone = next(landlines) if kind == 1 else (mobile if kind == 2 else "")
        ent = is_ent[i]
        email = (next(ent_mails) if ent else next(ind_mails)) if has_email[i] else ""
        r = rand()
        created = int(1501 * r * r)  # r² → skewed to recent (a growing tenant); r < 1 keeps it <= 1500
        add(
            {
                "name": names[i],
                "kind": "enterprise" if ent else "individual",
                "phone": phone,
                "mobile": mobile,
                "email": email,
                "province": provinces[ci],
                "city": city_names[ci],
                "address": next(addrs) if has_address[i] else "",
                "industry_key": industries[i],
                "source_key": sources[int(rand() * n_so)],
                "category_key": categories[int(rand() * n_ca)],
                "stage_key": stages[int(rand() * n_sg)],
                "value_class_key": values[int(rand() * n_v)],
                "created_days_ago": created,
                "last_contact_days_ago": None if rand() < 0.30 else int(created * rand() ** 2),
                "owner_index": bisect_right(owner_cum, rand() * owner_total),
            }
        )
    return rows


def customers(
    n: int, seed: int | str = 0, n_owners: int = N_OWNERS, english_share: float = 0.08
) -> Iterator[dict[str, Any]]:
    """n customer records as plain dicts, ready to map onto the CRM's model or an import file.

    Keys: name, kind ('enterprise' ~85 % / 'individual'), phone (landline or mobile, may be
    ''), mobile, email, province, city, address, industry_key, source_key, category_key,
    stage_key, value_class_key, created_days_ago (0..1500, skewed to recent),
    last_contact_days_ago (None for ~30 %), owner_index (0..n_owners-1, Zipf-skewed so a few
    top sales own many — the case that makes "my customers" list pages slow).

    Empty fields are '' (never None) except last_contact_days_ago, mirroring Django CharFields.
    A record is self-consistent: an enterprise's industry_key matches its name, its city is
    the place in its name (the branch city for 分公司), and its landline uses that city's code.
    """
    if n_owners < 1:
        raise ValueError("n_owners must be >= 1")
    rng = _rng("customers", seed)
    owner_cum = _owner_cum_weights(n_owners)
    return _stream(n, lambda: _customer_block(rng, CHUNK, english_share, owner_cum))


_TITLES = _weighted(
    "总经理:8 副总经理:3 董事长:2 老板:4 采购经理:6 采购:4 财务:5 财务经理:3 会计:3 出纳:2 技术总监:3 工程师:4 "
    "销售经理:5 市场经理:3 行政:3 人事经理:2 店长:2 项目经理:4 运营总监:2 CEO:1 CTO:1 法务:1 总经理助理:2 前台:1 :12"
)
_HONORIFICS = ("总", "经理", "老师", "工", "姐", "哥", "老板")


def contacts(customer_count: int, per_customer: float = 2, seed: int | str = 0) -> Iterator[dict[str, Any]]:
    """Contacts for customers 0..customer_count-1, exactly round(customer_count × per_customer).

    Every customer gets at least one contact when per_customer >= 1; the rest are spread with
    a heavy tail (a few key accounts have 6-10 contacts).  Rows come grouped by
    customer_index, ascending, and the first contact of each customer has is_primary=True.

    Keys: customer_index, name, title, mobile, phone, email, qq, wechat, birthday
    (``datetime.date`` or None), is_primary.  Unlike the other generators this one is not
    prefix-stable across different customer_count values: it trades that for an exact total,
    which is what "2,000,000 contacts" benchmarks need.
    """
    if customer_count < 0 or per_customer < 0:
        raise ValueError("customer_count and per_customer must be >= 0")
    rng = _rng("contacts", seed)
    return _contact_rows(rng, customer_count, per_customer)


def _contact_rows(rng: random.Random, customer_count: int, per_customer: float) -> Iterator[dict[str, Any]]:
    rand = rng.random
    base = 1 if per_customer >= 1 else 0
    titles, n_t = _TITLES, len(_TITLES)
    surnames, n_s = _SURNAMES, len(_SURNAMES)
    for start in range(0, customer_count, CHUNK):
        k = min(CHUNK, customer_count - start)
        target = round((start + k) * per_customer) - round(start * per_customer)
        counts = [base] * k
        extra = target - base * k
        if extra > 0:
            cum = list(itertools.accumulate(1.0 + 8.0 * rand() ** 4 for _ in range(k)))
            for j in rng.choices(range(k), cum_weights=cum, k=extra):
                counts[j] += 1
        # Decide which optional fields each contact has, then build exactly that many values.
        flags = [
            [rand() < share for _ in range(target)]
            for share in (0.92, 0.35, 0.45, 0.25, 0.50, 0.20)  # mobile phone email qq wechat birthday
        ]
        f_mobile, f_phone, f_email, f_qq, f_wechat, f_birthday = flags
        names = _person_block(rng, target, 0.05)
        mobiles = iter(_mobile_block(rng, sum(f_mobile))[0])
        landlines = iter(_landline_block(rng, sum(f_phone)))
        mails = iter(_email_block(rng, sum(f_email), corporate_share=0.4))
        qqs = iter(_qq_block(rng, sum(f_qq)))
        wechats = iter(_wechat_block(rng, sum(f_wechat)))
        bdays = iter(_birthday_block(rng, sum(f_birthday)))
        m = 0
        for j in range(k):
            for c in range(counts[j]):
                name = names[m]
                if rand() < 0.03:  # "王总", "李经理": how sales reps save a contact they just met
                    name = surnames[int(rand() * n_s)] + _HONORIFICS[int(rand() * 7)]
                yield {
                    "customer_index": start + j,
                    "name": name,
                    "title": titles[int(rand() * n_t)],
                    "mobile": next(mobiles) if f_mobile[m] else "",
                    "phone": next(landlines) if f_phone[m] else "",
                    "email": next(mails) if f_email[m] else "",
                    "qq": next(qqs) if f_qq[m] else "",
                    "wechat": next(wechats) if f_wechat[m] else "",
                    "birthday": next(bdays) if f_birthday[m] else None,
                    "is_primary": c == 0,
                }
                m += 1


# ---------------------------------------------------------------------------------------------
# Command line: samples, rates, duplicate rates
# ---------------------------------------------------------------------------------------------


def _measure(label: str, rows: Iterator[Any], n: int, key: Callable[[Any], Any] | None = None) -> None:
    """Consume n rows; print the rate by wall clock and by CPU time (honest on a busy machine)
    and, with ``key``, the share of duplicate keys.  Rows are not kept, so 1M customers fit."""
    seen: set[Any] = set()
    wall, cpu = time.perf_counter(), time.process_time()
    if key is None:
        for _ in rows:
            pass
    else:
        for row in rows:
            seen.add(key(row))
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    line = f"{label:<17} {n:>10,} in {wall:6.2f} s = {n / wall:>9,.0f} records/s ({n / max(cpu, 1e-9):>9,.0f}/s CPU)"
    if key is not None:
        line += f"  duplicates {1 - len(seen) / max(n, 1):.2%}"
    print(line, flush=True)


def main(argv: Sequence[str] | None = None) -> None:
    """Print 20 samples of every generator, then generation rates and duplicate rates on n records."""
    import argparse

    parser = argparse.ArgumentParser(prog="python -m bench.datagen", description=main.__doc__)
    parser.add_argument("-n", type=int, default=200_000, help="records per generator for the rates (default 200,000)")
    parser.add_argument("--seed", default="0")
    args = parser.parse_args(argv)
    seed: int | str = int(args.seed) if args.seed.lstrip("-").isdigit() else args.seed

    def same(row: Any) -> Any:
        return row

    def name(row: dict[str, Any]) -> Any:
        return row["name"]

    generators: list[tuple[str, Callable[[int], Iterator[Any]], Callable[[Any], Any] | None]] = [
        ("company_names", lambda n: company_names(n, seed), same),
        ("person_names", lambda n: person_names(n, seed), same),
        ("mobile_numbers", lambda n: mobile_numbers(n, seed), same),
        ("landline_numbers", lambda n: landline_numbers(n, seed), same),
        ("emails", lambda n: emails(n, seed), same),
        ("qq_numbers", lambda n: qq_numbers(n, seed), same),
        ("wechat_ids", lambda n: wechat_ids(n, seed), same),
        ("addresses", lambda n: addresses(n, seed), same),
        ("birthdays", lambda n: birthdays(n, seed), None),
        ("customers", lambda n: customers(n, seed), name),
        ("contacts", lambda n: contacts(n // 2, 2, seed), None),  # n contacts for n/2 customers
    ]
    for label, make, _ in generators:
        print(f"== {label}")
        for row in make(20):
            print("  ", row)
    print(f"== rates on one core ({sys.implementation.name} {sys.version.split()[0]}); customers: duplicate names")
    for label, make, key in generators:
        _measure(label, make(args.n), args.n, key)


if __name__ == "__main__":
    main()
