"""EXPLAIN (ANALYZE) plans of the queries one page request runs, for the docs/*-plans.md the
benchmarks write (bench/customers: docs/search-plans.md, bench/pipeline: docs/pipeline-plans.md).

    import plans
    lines = plans.explained(schema, client, "/customers/", {"q": "bj"}, tables=('"customers_customer"',))

The request is made once through the whole stack with its queries captured; each SELECT that
names one of ``tables`` is run again under EXPLAIN (ANALYZE, BUFFERS, COSTS OFF), so the plans
are those of the exact SQL the page sent, with its data scope and filters.
"""

from __future__ import annotations


def explained(schema: str, client, url: str, params: dict | None, tables: tuple[str, ...]) -> tuple[int, list[str]]:
    """(number of matching queries, markdown lines: each plan in a fenced block)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django_tenants.utils import schema_context

    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, params or {})
    if response.status_code != 200:
        raise SystemExit(f"{url} -> {response.status_code}")
    statements = [q["sql"] for q in captured.captured_queries
                  if q["sql"].startswith("SELECT") and any(t in q["sql"] for t in tables)]
    lines: list[str] = []
    with schema_context(schema), connection.cursor() as cursor:
        for sql in statements:
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) " + sql)
            lines += ["```", "\n".join(row[0] for row in cursor.fetchall()), "```", ""]
    return len(statements), lines
