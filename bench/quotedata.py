"""Quote data for ``bench/pipeline`` (QUO-01): ``quotes`` quotes with ``lines`` lines in one tenant.

    import quotedata
    info = quotedata.load_quotes(schema, customers, product_ids, quotes=200_000, lines=1_000_000)
    # then time /quotes/<id>/ for the ids in info.big (each has 50 lines)

Quotes belong to the customers' owners (so the owner skew follows the customers'), are spread over
two years (most recent), in every status, each with 1 – 9 lines (a few "big" ones with exactly 50,
the page that is timed) of random products at two-decimal prices with some discounts. Totals are
computed with the same rounding as the service (HALF_UP to 2 places), so the stored data is what
the application would have stored. Loaded with COPY, history triggers off.
"""

from __future__ import annotations

import random
import time
from dataclasses import dataclass, field
from datetime import timedelta
from decimal import ROUND_HALF_UP, Decimal

BIG_QUOTES = 20
BIG_LINES = 50
CENT = Decimal("0.01")
STATUSES = (("draft", 15), ("sent", 35), ("accepted", 25), ("rejected", 15), ("expired", 10))
DISCOUNTS = (Decimal(0),) * 7 + (Decimal(5), Decimal(10), Decimal("12.5"))


@dataclass
class LoadedQuotes:
    quotes: int
    lines: int
    seconds: float
    big: list[int] = field(default_factory=list)  # ids of the quotes with BIG_LINES lines


def load_quotes(schema: str, customers: list[tuple[int, int]], product_ids: list[int], *, quotes: int = 200_000,
                lines: int = 1_000_000, seed: int = 16) -> LoadedQuotes:
    """``customers`` are (customer id, owner id); the prices come from 5 – 9,000 like the catalogue's."""
    from django.db import connection
    from django.utils import timezone

    t0 = time.perf_counter()
    rng = random.Random(seed)
    now = timezone.now()
    today = timezone.localdate()
    statuses = [s for s, w in STATUSES for _ in range(w)]
    connection.set_schema(schema)
    with connection.cursor() as cursor:
        cursor.execute("SELECT id FROM products_pricestrategy WHERE key = 'quote'")
        strategy = cursor.fetchone()[0]
    raw = connection.connection
    # Lines per quote: BIG_QUOTES with BIG_LINES, the rest 1 – 9 scaled so the total is ``lines``.
    small = quotes - BIG_QUOTES
    mean = (lines - BIG_QUOTES * BIG_LINES) / small
    counts = [max(1, min(2 * round(mean) - 1, round(rng.triangular(1, 2 * mean - 1, mean)))) for _ in range(small)]
    drift = lines - BIG_QUOTES * BIG_LINES - sum(counts)
    i = 0
    while drift:
        step = 1 if drift > 0 else -1
        if 1 <= counts[i] + step <= 2 * round(mean) - 1:
            counts[i] += step
            drift -= step
        i = (i + 1) % small
    big_at = set(rng.sample(range(quotes), BIG_QUOTES))
    small_counts = iter(counts)
    big: list[int] = []
    n_lines = 0
    # The lines stream through a second connection (one connection runs one COPY at a time); with
    # replication role "replica" neither checks the foreign keys, so the order does not matter.
    import psycopg

    second = psycopg.connect(raw.info.dsn, autocommit=True, **({"password": raw.info.password} if raw.info.password else {}))
    with raw.cursor() as cur, second.cursor() as lcur:
        for c in (cur, lcur):
            c.execute("SET session_replication_role = replica")
            c.execute(f'SET search_path TO "{schema}", public')
        with cur.copy("COPY quotes_quote (id, number, subject, customer_id, owner_id, strategy_id, status, quoted_on, "
                      "valid_until, terms, subtotal, discount, total, created_at, updated_at, search_tokens, search_initials, "
                      "search_spelled) FROM STDIN") as qcopy, \
                lcur.copy("COPY quotes_quoteline (quote_id, position, product_id, quantity, unit_price, "
                          "discount_percent, total) FROM STDIN") as lcopy:
            for qid in range(1, quotes + 1):
                customer_id, owner_id = customers[rng.randrange(len(customers))]
                if (qid - 1) in big_at:
                    k = BIG_LINES
                    big.append(qid)
                else:
                    k = next(small_counts)
                age = int(730 * rng.random() ** 2)
                quoted_on = today - timedelta(days=age)
                created = now - timedelta(days=age, seconds=qid % 86400)
                subtotal = Decimal(0)
                for position in range(k):
                    qty = Decimal(rng.choice((1, 1, 2, 3, 5, 10, 20, 50)))
                    price = (Decimal(rng.choice((5, 12, 35, 99, 199, 499, 1299, 3999, 8999))) * rng.randint(80, 120)
                             / 100).quantize(CENT)
                    disc = rng.choice(DISCOUNTS)
                    total = (qty * price * (100 - disc) / 100).quantize(CENT, ROUND_HALF_UP)
                    subtotal += total
                    lcopy.write_row((qid, position, rng.choice(product_ids), qty, price, disc, total))
                n_lines += k
                discount = (subtotal * Decimal("0.02")).quantize(CENT) if rng.random() < 0.2 else Decimal(0)
                qcopy.write_row((qid, f"Q{quoted_on:%Y%m%d}-{qid}", "", customer_id, owner_id, strategy,
                                 rng.choice(statuses), quoted_on, quoted_on + timedelta(days=30), "", subtotal,
                                 discount, subtotal - discount, created, created, [], "", ""))  # no subject: no keys
        cur.execute("SET session_replication_role = DEFAULT")
    second.close()
    with connection.cursor() as cursor:
        cursor.execute("SELECT setval(pg_get_serial_sequence('quotes_quote', 'id'), %s)", [quotes])
        for table in ("quotes_quote", "quotes_quoteline"):
            cursor.execute(f"VACUUM (ANALYZE) {table}")
    return LoadedQuotes(quotes, n_lines, round(time.perf_counter() - t0, 1), big)
