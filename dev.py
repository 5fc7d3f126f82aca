#!/usr/bin/env python3
"""Bootstrap for a fresh machine: ``python3 dev.py run`` or ``python3 dev.py test``.

Creates ``.venv`` with the project installed (again only when pyproject.toml changed), then
runs the product or the whole test suite. Needs nothing but Python 3.11+.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PY = BIN / "python"


def ensure_venv(extras: str) -> None:
    if sys.version_info < (3, 11):
        sys.exit("Python 3.11 or newer is needed.")
    if not PY.exists():
        print("Creating .venv …", flush=True)
        venv.EnvBuilder(with_pip=True).create(VENV)
    stamp = VENV / f".installed-{extras or 'base'}"
    digest = hashlib.sha256((ROOT / "pyproject.toml").read_bytes()).hexdigest()
    if stamp.exists() and stamp.read_text() == digest:
        return
    print("Installing the project and its dependencies (first run takes a few minutes) …", flush=True)
    subprocess.run([PY, "-m", "pip", "install", "--quiet", "--upgrade", "pip"], check=True)
    target = f".[{extras}]" if extras else "."
    subprocess.run([PY, "-m", "pip", "install", "--quiet", "-e", target], check=True, cwd=ROOT)
    stamp.write_text(digest)


def main() -> None:
    command = sys.argv[1] if len(sys.argv) > 1 else "run"
    rest = sys.argv[2:]
    os.chdir(ROOT)
    if command == "test":
        ensure_venv("test")
        workers = os.environ.get("TEST_WORKERS", "auto")
        os.execv(PY, [str(PY), "-m", "pytest", "-n", workers, "--dist", "loadfile", *rest])
    ensure_venv("local")
    os.execv(BIN / "crm", [str(BIN / "crm"), command, *rest])


if __name__ == "__main__":
    main()
