"""The embedded PostgreSQL start waits for a server that is still shutting down."""

from __future__ import annotations

from pathlib import Path

import pytest

from saas_core import embedded


class ShuttingDown:
    """pgserver's module as seen while the previous server's pid file is still there."""

    def __init__(self, failures: int):
        self.failures, self.calls = failures, 0

    def get_server(self, pgdata, cleanup_mode):
        self.calls += 1
        assert self.calls > self.failures  # pgserver's own "status == 'ready'" check
        return ("server", pgdata, cleanup_mode)


def test_a_server_still_shutting_down_is_waited_for(monkeypatch):
    monkeypatch.setattr(embedded.time, "sleep", lambda seconds: None)
    pg = ShuttingDown(failures=3)
    assert embedded._start_postgres(pg, Path("/x")) == ("server", Path("/x"), None)
    assert pg.calls == 4


def test_a_server_that_never_comes_up_fails_loudly(monkeypatch):
    monkeypatch.setattr(embedded.time, "sleep", lambda seconds: None)
    with pytest.raises(AssertionError):
        embedded._start_postgres(ShuttingDown(failures=100), Path("/x"), attempts=5)
