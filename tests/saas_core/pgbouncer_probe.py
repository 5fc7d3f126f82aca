"""Run by tests/saas_core/test_pgbouncer.py in a process of its own, through a PgBouncer whose
pool has ONE server connection: two threads, each in its own company, take turns on it.

Prints one JSON line: for each thread, what it saw that was not its own company's.
"""

from __future__ import annotations

import json
import sys
import threading

import django

django.setup()

from django.db import connection, transaction  # noqa: E402
from django_tenants.utils import schema_context  # noqa: E402

ROUNDS = int(sys.argv[3]) if len(sys.argv) > 3 else 20


def main(schemas: list[str]) -> None:
    from saas_core.accounts.models import User

    turn = threading.Barrier(len(schemas), timeout=60)
    wrong: dict[str, list[str]] = {schema: [] for schema in schemas}
    errors: list[str] = []

    def company(schema: str) -> None:
        try:
            with schema_context(schema):
                own = {f"boss@{schema.removeprefix('t_')}.example.com"}
                for _round in range(ROUNDS):
                    # Interleaved step by step: one takes a cursor (django-tenants' session-level SET
                    # search_path went out here), the other does, then each runs its query.
                    with connection.cursor() as cursor:
                        turn.wait()
                        turn.wait()
                        cursor.execute("SELECT current_schema(), (SELECT string_agg(email, ',') FROM accounts_user)")
                        seen_schema, emails = cursor.fetchone()
                    if seen_schema != schema:
                        wrong[schema].append(f"current_schema {seen_schema}")
                    if not own <= set((emails or "").split(",")):
                        wrong[schema].append(f"users {emails}")
                    turn.wait()
                    # The ORM, in autocommit and in a transaction.
                    emails = set(User.objects.values_list("email", flat=True))
                    if not own <= emails:
                        wrong[schema].append(f"orm users {sorted(emails)}")
                    with transaction.atomic():
                        with connection.cursor() as cursor:
                            # The raw psycopg cursor, as COPY in imports and bulk edits uses it.
                            cursor.cursor.execute("SELECT current_schema()")
                            raw_schema = cursor.cursor.fetchone()[0]
                        first = User.objects.filter(email__in=own).count()
                        again = set(User.objects.values_list("email", flat=True))
                    if raw_schema != schema:
                        wrong[schema].append(f"raw cursor in a transaction: current_schema {raw_schema}")
                    if first != 1 or not own <= again:
                        wrong[schema].append(f"atomic users {sorted(again)}")
        except Exception as exc:  # noqa: BLE001 - reported to the test, which fails on it
            errors.append(f"{schema}: {type(exc).__name__}: {exc}")
            turn.abort()
        finally:
            connection.close()

    threads = [threading.Thread(target=company, args=(schema,)) for schema in schemas]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    print(json.dumps({"wrong": wrong, "errors": errors}))


if __name__ == "__main__":
    main(sys.argv[1:3])
