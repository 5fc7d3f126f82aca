"""In the public schema: when each tenant next has timed work (reminders) due.

The reminder beat tick reads this one small table instead of visiting every tenant's schema
every few seconds: it fans out only to tenants whose ``due_at`` has come. A tenant's schema
writes here (``saas_core.wakeups.services``) when it creates timed work and after each run.
"""

from __future__ import annotations

from django.db import models


class Wakeup(models.Model):
    schema_name = models.CharField(max_length=63, unique=True)
    due_at = models.DateTimeField(null=True, db_index=True)
    # Bumped by every "earlier work exists" write, so a run that recomputes ``due_at`` from what
    # it saw does not overwrite a wake-up written meanwhile (compare-and-set on this number).
    version = models.BigIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.schema_name} @ {self.due_at}"
