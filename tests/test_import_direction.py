"""Imports point one way: the core's registries (permissions, 360° panels, the menu, global
search) import no app or module above them; the module gate reaches into neither the customers
app nor the web app (the plugins app registers its sources into the registries instead). The contracts
live in pyproject.toml ([tool.importlinter]); import-linter reads every import, also the ones
inside functions."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_import_contracts_are_kept():
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    lint = Path(sys.executable).with_name("lint-imports")
    done = subprocess.run([str(lint), "--no-logo", "--no-cache", "--config", str(ROOT / "pyproject.toml")],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "0 broken" in done.stdout
