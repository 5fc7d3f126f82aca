"""The database connection pool's hooks (settings.DATABASES OPTIONS["pool"])."""

from __future__ import annotations

import psycopg
from psycopg.pq import TransactionStatus


def reset_connection(conn: psycopg.Connection) -> None:
    """Called by the pool when a request gives a connection back: the next user of it, perhaps
    another company's request, must not start in this one's schema."""
    conn.execute("RESET search_path")
    if conn.info.transaction_status != TransactionStatus.IDLE:
        conn.commit()
