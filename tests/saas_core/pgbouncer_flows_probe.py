"""Run by tests/saas_core/test_pgbouncer.py in a process of its own, through a PgBouncer in
transaction pooling mode: a signup, then a reminder e-mailed from the new workspace (locmem mail).

Prints one JSON line: the company's state and how many reminders went out.
"""

from __future__ import annotations

import json
import os
import sys
from contextlib import contextmanager
from datetime import timedelta

import django

django.setup()

from django.core import mail  # noqa: E402
from django.utils import timezone  # noqa: E402
from django_tenants.utils import schema_context  # noqa: E402


def main(subdomain: str) -> None:
    import psycopg

    from saas_core.activities import delivery, services
    from saas_core.activities.models import Reminder
    from tenants import provisioning

    mail.outbox = []
    between: list[str] = []
    sending = delivery._sending

    @contextmanager
    def watched(group, **kwargs):
        with sending(group, **kwargs) as mine:
            yield mine
        # Another client, on the pool's one server connection, right after the sent mark's commit.
        with psycopg.connect(os.environ["DATABASE_URL"], autocommit=True) as other:
            between.append(other.execute("SHOW synchronous_commit").fetchone()[0])

    delivery._sending = watched
    ws = provisioning.create_workspace(company_name="Pooled Co", subdomain=subdomain, admin_name="Boss",
                                       email=f"boss@{subdomain}.example.com", password="Correct-Horse-9")
    with schema_context(ws.tenant.schema_name):
        due = timezone.now() - timedelta(seconds=5)
        services.add_reminders([Reminder(user=ws.boss, remind_at=due, source="task", key="k", title="Call back",
                                         url="/x/")])
        delivery.notify_due(sms=False)
        sent = delivery.send_emails()
    print(json.dumps({"schema": ws.tenant.schema_name, "status": ws.tenant.status, "sent": sent, "between": between,
                      "to": [m.to for m in mail.outbox]}))


if __name__ == "__main__":
    main(sys.argv[1])
