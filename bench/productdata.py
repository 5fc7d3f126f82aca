"""Product catalogue data for the benchmarks (PRD-01), for ``bench/products`` and ``bench/pipeline``.

    import productdata
    info = productdata.load_products(schema, 20_000)          # COPY, search keys by the product's own function
    figures = productdata.measure_picker(host, schema, user, info, samples=200)

``load_products`` fills one tenant schema with a category tree, ``n`` products (realistic Chinese
and English names, specs, units, codes, barcodes; 3 % discontinued) and a price per product for
each strategy, and returns the ids and sample queries; ``measure_picker`` times the product
picker (``/products/pick/``) through the whole Django stack: pinyin initials, name fragments and
code prefixes, and returns p50/p95 in ms.
"""

from __future__ import annotations

import random
import statistics
import time
from dataclasses import dataclass, field
from decimal import Decimal

BRANDS = ("华为", "联想", "得力", "晨光", "惠普", "佳能", "爱普生", "兄弟", "海尔", "美的", "格力", "小米", "罗技", "齐心",
          "three-M", "Deli", "Canon", "Epson", "Brother", "Logitech", "Philips", "Siemens")
KINDS = (
    ("激光打印机", "台", "办公设备 / 打印机"), ("喷墨打印机", "台", "办公设备 / 打印机"), ("针式打印机", "台", "办公设备 / 打印机"),
    ("数码复合机", "台", "办公设备 / 复印机"), ("投影仪", "台", "办公设备 / 投影"), ("碎纸机", "台", "办公设备 / 其他"),
    ("复印纸", "箱", "办公耗材 / 纸张"), ("打印纸", "包", "办公耗材 / 纸张"), ("硒鼓", "个", "办公耗材 / 硒鼓墨盒"),
    ("墨盒", "个", "办公耗材 / 硒鼓墨盒"), ("色带", "盒", "办公耗材 / 硒鼓墨盒"), ("中性笔", "盒", "文具 / 书写"),
    ("订书机", "个", "文具 / 装订"), ("文件夹", "个", "文具 / 收纳"), ("笔记本电脑", "台", "电脑 / 笔记本"),
    ("台式电脑", "台", "电脑 / 台式机"), ("显示器", "台", "电脑 / 外设"), ("无线鼠标", "个", "电脑 / 外设"),
    ("机械键盘", "个", "电脑 / 外设"), ("路由器", "台", "网络 / 路由交换"), ("交换机", "台", "网络 / 路由交换"),
    ("空调", "台", "家电 / 空调"), ("冰箱", "台", "家电 / 冰箱"), ("净水器", "台", "家电 / 其他"),
    ("Laser printer", "pc", "Office / Printers"), ("Toner cartridge", "pc", "Office / Supplies"),
    ("Wireless mouse", "pc", "Computers / Peripherals"), ("Network switch", "pc", "Network / Switching"),
)
SPECS = ("A4 黑白", "A3 彩色", "70g 500张×8包", "80g 500张×5包", "0.5mm 12支", "16GB 512GB", "24英寸 2K", "1.5匹 一级能效",
         "双频 千兆", "24口 千兆", "USB-C", "无线 2.4G", "大容量", "标准容量", "")
STRATEGY_SPREAD = {"quote": Decimal("1.00"), "deal": Decimal("0.95"), "vip": Decimal("0.92"), "wholesale": Decimal("0.85")}


@dataclass
class Loaded:
    products: int
    categories: int
    prices: int
    seconds: float
    samples: list[tuple[str, str, str]] = field(default_factory=list)  # name, initials, code


def _tree(cursor, paths: set[str]) -> dict[str, int]:
    """Make the category tree for ``paths`` (``A / B``); returns path -> id."""
    ids: dict[str, int] = {}
    positions: dict[int | None, int] = {}
    for path in sorted(paths):
        parts = [p.strip() for p in path.split("/")]
        parent = None
        for depth in range(len(parts)):
            key = " / ".join(parts[: depth + 1])
            if key not in ids:
                position = positions.get(parent, 0)
                positions[parent] = position + 1
                cursor.execute("INSERT INTO products_category (name, parent_id, position) VALUES (%s, %s, %s) RETURNING id",
                               [parts[depth], parent, position])
                ids[key] = cursor.fetchone()[0]
            parent = ids[key]
    return ids


def load_products(schema: str, n: int = 20_000, seed: int = 15) -> Loaded:
    """``n`` products with categories and prices in ``schema``, by COPY (history triggers off)."""
    from django.db import connection
    from django.utils import timezone

    from saas_core.customers.search_keys import keys_for

    t0 = time.perf_counter()
    rng = random.Random(seed)
    now = timezone.now()
    connection.set_schema(schema)
    with connection.cursor() as cursor:
        cursor.execute("SET session_replication_role = replica")
        categories = _tree(cursor, {k[2] for k in KINDS})
        cursor.execute("SELECT id, key FROM products_pricestrategy ORDER BY position, id")
        strategies = cursor.fetchall()
        cursor.execute("SELECT COALESCE(max(id), 0) FROM products_product")
        start = cursor.fetchone()[0] + 1
    raw = connection.connection
    cols = ("id, code, name, spec, unit, barcode, category_id, cost_price, discontinued, needs_cost_review, remark, "
            "created_at, updated_at, search_tokens, search_initials, search_spelled")
    samples: list[tuple[str, str, str]] = []
    prices: list[tuple[int, int, Decimal]] = []
    with raw.cursor() as cur, cur.copy(f'COPY "{schema}".products_product ({cols}) FROM STDIN') as copy:
        for i in range(n):
            pid = start + i
            kind, unit, path = rng.choice(KINDS)
            brand = rng.choice(BRANDS)
            model = f"{rng.choice('ABCDEFGHKLMPQRSTX')}{rng.randint(10, 9999)}"
            name = f"{brand}{kind} {model}" if kind[0] >= "\u4e00" else f"{brand} {kind} {model}"
            keys = keys_for(name)
            code = f"P{pid:07d}"
            base = Decimal(rng.choice((5, 12, 35, 99, 199, 499, 1299, 3999, 8999))) * Decimal(rng.randint(80, 120)) / 100
            base = base.quantize(Decimal("0.01"))
            copy.write_row((
                pid, code, name, rng.choice(SPECS), unit, f"69{rng.randint(10**10, 10**11 - 1)}", categories[path],
                (base * Decimal("0.7")).quantize(Decimal("0.01")), rng.random() < 0.03, rng.random() < 0.02, "",
                now, now, keys.tokens, keys.initials, keys.spelled,
            ))
            for sid, key in strategies:
                prices.append((pid, sid, (base * STRATEGY_SPREAD.get(key, Decimal(1))).quantize(Decimal("0.01"))))
            if rng.random() < 0.02:
                samples.append((name, keys.initials.split(" ")[0], code))
    with raw.cursor() as cur, cur.copy(f'COPY "{schema}".products_productprice (product_id, strategy_id, price) FROM STDIN') as copy:
        for row in prices:
            copy.write_row(row)
    with connection.cursor() as cursor:
        cursor.execute("SET session_replication_role = DEFAULT")
        cursor.execute("SELECT setval(pg_get_serial_sequence('products_product', 'id'), (SELECT max(id) FROM products_product))")
        for table in ("products_product", "products_productprice", "products_category"):
            cursor.execute(f"VACUUM (ANALYZE) {table}")
    return Loaded(n, len(categories), len(prices), round(time.perf_counter() - t0, 1), samples)


def _percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[max(0, round(p * len(ordered)) - 1)]


def picker_queries(loaded: Loaded, samples: int, seed: int = 11) -> dict[str, list[str]]:
    """What people type into the picker: pinyin initials of the name, a CJK fragment, a code prefix."""
    rng = random.Random(seed)
    chosen = [rng.choice(loaded.samples) for _ in range(samples)]

    def fragment(name: str) -> str:
        cjk = [c for c in name if "\u4e00" <= c <= "\u9fff"]
        return "".join(cjk[-3:]) if len(cjk) >= 3 else name.split()[0]

    return {
        "initials": [initials[:4] for _name, initials, _code in chosen if len(initials) >= 4],
        "fragment": [fragment(name) for name, _i, _c in chosen],
        "code": [code[:6] for _n, _i, code in chosen],
    }


def measure_picker(host: str, schema: str, user, loaded: Loaded, samples: int = 200) -> dict:
    """p50/p95 (ms) of ``/products/pick/?q=`` as ``user``, per kind of query and overall."""
    from django.test import Client
    from django_tenants.utils import schema_context

    client = Client(HTTP_HOST=host, HTTP_ACCEPT_LANGUAGE="en")
    with schema_context(schema):
        client.force_login(user)

    def timed(q: str) -> float:
        start = time.perf_counter()
        response = client.get("/products/pick/", {"q": q})
        elapsed = (time.perf_counter() - start) * 1000
        if response.status_code != 200:
            raise SystemExit(f"/products/pick/?q={q} -> {response.status_code}")
        return elapsed

    for _ in range(5):
        timed("dy")
    out: dict[str, float] = {}
    every: list[float] = []
    for kind, queries in picker_queries(loaded, samples).items():
        times = [timed(q) for q in queries]
        every += times
        out[f"picker_{kind}_p50_ms"] = round(statistics.median(times), 1)
        out[f"picker_{kind}_p95_ms"] = round(_percentile(times, 0.95), 1)
    out["picker_p50_ms"] = round(statistics.median(every), 1)
    out["picker_p95_ms"] = round(_percentile(every, 0.95), 1)
    out["picker_samples"] = len(every)
    return out
