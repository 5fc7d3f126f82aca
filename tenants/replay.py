"""Replaying a company's migrations: what the first company of a rollout executed, the others execute.

Company schemas are clones of one template migrated in lockstep, so a release's migrations run
the same statements in every one of them. Django cannot know that: for each company it renders
the project state after every operation (``reload_model`` of the changed model and everything
related to it), which took 10 to 17 s a company for a release of a dozen migrations touching the
customer model (≈ 90 % of the time; the SQL itself takes milliseconds), an hour for 1,000
companies on four workers.

So the first company of a plan (the applied set before it and the migrations to apply) in each
worker process runs Django's migrate while the connection's statements are recorded, migration by
migration; the next companies with the same plan execute those statements in their own schema
(the search path makes them land there) and run each ``RunPython`` operation's code with the
rendered state the first company's run handed it. A migration whose recording is not exactly
replayable (a statement naming the schema, or a failed statement undone by a savepoint) runs
Django's way in every company.

Recordings are kept only once the first company's whole plan succeeded, and only for one plan at
a time (like the rendered states in ``tenants.upgrade``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import transaction

# Statements the backend issues by itself around the recorded ones: django-tenants' (or the
# PgBouncer backend's) search path, and savepoints of atomic blocks, which the replay's own
# atomic blocks issue again.
_BACKEND_OWN = ("SET SEARCH_PATH", "SAVEPOINT", "RELEASE SAVEPOINT")


@dataclass
class RunCode:
    """A ``RunPython`` operation to run again, with the state its first run was given."""

    forwards: Callable  # the operation's own database_forwards (not the recording's wrapper)
    app_label: str
    from_state: object
    in_own_atomic: bool

    def run(self, schema_editor) -> None:
        if self.in_own_atomic:
            with transaction.atomic(schema_editor.connection.alias):
                self.forwards(self.app_label, schema_editor, self.from_state, None)
        else:
            self.forwards(self.app_label, schema_editor, self.from_state, None)


@dataclass
class Recording:
    """One migration's statements (sql, params, many) and code steps, in the order they ran."""

    schema: str
    steps: list = field(default_factory=list)
    replayable: bool = True
    paused: bool = False

    def __call__(self, execute: Callable, sql, params, many, context):
        if not self.paused:
            self._note(sql, params, many)
        return execute(sql, params, many, context)

    def _note(self, sql, params, many) -> None:
        text = str(sql)
        head = text.lstrip().upper()
        if head.startswith(_BACKEND_OWN):
            return
        if head.startswith("ROLLBACK TO SAVEPOINT") or self.schema in text:
            self.replayable = False  # a statement was undone, or it names this company's schema
        self.steps.append((text, params, many))

    def watch(self, migration) -> None:
        """Note each ``RunPython`` operation of ``migration`` (as it stands now, with what
        pre_migrate inserted) where it runs, and leave the statements its code runs out."""
        from django.db.migrations.operations.special import RunPython

        for operation in migration.operations:
            if isinstance(operation, RunPython):
                operation.database_forwards = self._wrap(operation, migration)

    def _wrap(self, operation, migration) -> Callable:
        original = operation.database_forwards

        def database_forwards(app_label, schema_editor, from_state, to_state):
            own = operation.atomic or (migration.atomic and operation.atomic is not False)
            self.steps.append(RunCode(original, app_label, from_state, own and not schema_editor.atomic_migration))
            self.paused = True
            try:
                return original(app_label, schema_editor, from_state, to_state)
            finally:
                self.paused = False

        return database_forwards


def replay(steps: list, schema_editor) -> None:
    """Run a recording in the connection's current schema."""
    with schema_editor.connection.cursor() as cursor:
        for step in steps:
            if isinstance(step, RunCode):
                step.run(schema_editor)
                continue
            sql, params, many = step
            if many:
                cursor.executemany(sql, params)
            else:
                cursor.execute(sql, params)


class Replays:
    """One plan's recordings, filled by its first company and used by the next ones, and the
    models post_migrate gets after it (the same for every company of the plan)."""

    def __init__(self, plan_key: tuple) -> None:
        self.plan_key = plan_key
        self.kept: dict[tuple[str, str], list] = {}
        self.pending: dict[tuple[str, str], Recording] = {}
        self.post_apps = None

    def keep(self, planned: int) -> None:
        """The first company's plan succeeded: its recordings serve the next companies if every
        migration of it is replayable (the others would need the state the replayed ones do not
        advance)."""
        recordings, self.pending = self.pending, {}
        if not self.kept and len(recordings) == planned and all(r.replayable for r in recordings.values()):
            self.kept = {key: r.steps for key, r in recordings.items()}

    def drop_pending(self) -> None:
        self.pending.clear()


_CURRENT: Replays | None = None


def for_plan(plan_key: tuple) -> Replays:
    """The recordings for ``plan_key`` in this process (a new plan forgets the previous one's)."""
    global _CURRENT
    if _CURRENT is None or _CURRENT.plan_key != plan_key:
        _CURRENT = Replays(plan_key)
    return _CURRENT
