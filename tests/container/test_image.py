"""The Dockerfile, checked without a Docker daemon.

hadolint lints it; then its build is replayed another way: the files its COPY lines name go into
a clean folder, a wheel is built from them, the wheel goes into a clean virtualenv with only the
runtime dependencies (as the build stage does), static files are collected with the image's
environment, and the image's own CMD starts the web server from that virtualenv, which must
answer /healthz and /readyz.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from dockerfile_parse import DockerfileParser

from tests.conftest import child_env, free_port

REPO = Path(__file__).resolve().parents[2]
DOCKERFILE = REPO / "Dockerfile"
STARTUP_TIMEOUT = 120
COMPILERS = ("build-essential", "gcc", "g++", "clang", "make", "python3-dev", "libpq-dev")


def stages() -> list[list[dict]]:
    """The Dockerfile's instructions, one list per stage (ARG values substituted)."""
    parser = DockerfileParser(path=str(DOCKERFILE))
    out: list[list[dict]] = []
    for instruction in parser.structure:
        if instruction["instruction"] == "FROM":
            out.append([])
        if out:
            out[-1].append(instruction)
    return out


def values(stage: list[dict], name: str) -> list[str]:
    return [i["value"] for i in stage if i["instruction"] == name]


def final_env(stage: list[dict]) -> dict[str, str]:
    parser = DockerfileParser(path=str(DOCKERFILE))
    return dict(parser.envs)  # the last stage's environment, as dockerfile-parse resolves it


def test_hadolint_finds_nothing():
    hadolint = shutil.which("hadolint") or str(Path(sys.executable).parent / "hadolint")
    result = subprocess.run([hadolint, "--no-color", str(DOCKERFILE)], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.strip() == ""


def test_image_is_multi_stage_slim_non_root_without_compilers():
    parser = DockerfileParser(path=str(DOCKERFILE))
    build, final = stages()
    assert parser.baseimage.startswith("python:3.1") and "slim" in parser.baseimage, parser.baseimage
    assert int(parser.baseimage.split(":")[1].split("-")[0].split(".")[1]) >= 11
    assert any("build-essential" in run for run in values(build, "RUN"))
    for run in values(final, "RUN"):
        for compiler in COMPILERS:
            assert f" {compiler}" not in run and f"{compiler}=" not in run, f"{compiler} in the final stage: {run}"
    copies = values(final, "COPY")
    assert all(copy.startswith("--from=build") for copy in copies), "the final stage copies only built files"
    (user,) = values(final, "USER")
    assert user.split(":")[0] not in ("root", "0")
    assert values(final, "HEALTHCHECK") and "/healthz" in values(final, "HEALTHCHECK")[0]
    assert any("collectstatic" in run for run in values(build, "RUN")), "static files are collected at build"
    (cmd,) = values(final, "CMD")
    assert json.loads(cmd)[:2] == ["uvicorn", "saas_core.asgi:application"]


def copied_sources(build: list[dict]) -> list[str]:
    """The repository paths the build stage copies in (``COPY a b ./`` or ``COPY a ./a``)."""
    paths: list[str] = []
    for value in values(build, "COPY"):
        parts = value.split()
        if parts[0].startswith("--"):
            continue
        paths.extend(parts[:-1])
    return paths


def run(cmd: list[str], **kwargs) -> subprocess.CompletedProcess:
    result = subprocess.run(cmd, capture_output=True, text=True, timeout=900, **kwargs)
    assert result.returncode == 0, f"{cmd} failed:\n{result.stdout[-4000:]}\n{result.stderr[-4000:]}"
    return result


def get(url: str) -> tuple[int, dict]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310 - loopback
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read())


@pytest.mark.live
def test_the_images_contents_install_collect_static_and_serve_health(tmp_path, django_db_setup):
    from django.conf import settings

    build, final = stages()
    context = tmp_path / "context"
    context.mkdir()
    sources = copied_sources(build)
    assert {"pyproject.toml", "saas_core", "tenants", "billing", "plugins", "web"} <= set(sources)
    for name in sources:
        source = REPO / name
        if source.is_dir():
            shutil.copytree(source, context / name, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
        else:
            shutil.copy2(source, context / name)

    # The wheel, then a clean virtualenv with it and its runtime dependencies only.
    wheels = tmp_path / "wheels"
    run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--wheel-dir", str(wheels),
         str(context)])
    (wheel,) = wheels.glob("saas_crm-*.whl")
    venv = tmp_path / "venv"
    run([sys.executable, "-m", "venv", str(venv)])
    python, pip = venv / "bin" / "python", [str(venv / "bin" / "python"), "-m", "pip"]
    run([*pip, "install", "--quiet", str(wheel)])
    installed = {line.split("==")[0].lower() for line in run([*pip, "freeze"]).stdout.split()}
    assert "saas-crm" in installed and "uvicorn" in installed and "celery" in installed
    assert not installed & {"pytest", "playwright", "factory-boy", "ruff"}, "test tools in the runtime install"
    # Nothing is imported from the source tree: the package lives in the venv only.
    where = run([str(python), "-c", "import saas_core; print(saas_core.__file__)"], cwd=tmp_path).stdout
    assert str(venv) in where

    # The image's environment, with its paths moved under tmp_path.
    image_env = final_env(final)
    static_root = tmp_path / "static"
    env = child_env()
    for key in ("PYTHONPATH", "VIRTUAL_ENV"):
        env.pop(key, None)
    env.update(image_env)
    env.update(PATH=f"{venv / 'bin'}:{os.environ['PATH']}", VIRTUAL_ENV=str(venv), STATIC_ROOT=str(static_root),
               CRM_DATA_DIR=str(tmp_path / "data"), MEDIA_ROOT=str(tmp_path / "media"),
               REDIS_URL=settings.REDIS_URL, SECRET_KEY="image-test")
    assert env["DJANGO_SETTINGS_MODULE"] == "saas_core.settings"
    run(["crm", "manage", "collectstatic", "--noinput", "--verbosity", "0"], env=env, cwd=tmp_path)
    for name in ("web/app.css", "web/app.js", "vendor/htmx.min.js", "rest_framework/css/bootstrap.min.css"):
        assert (static_root / name).is_file(), f"{name} was not collected"

    port = free_port()
    cmd = json.loads(values(final, "CMD")[0])
    cmd[cmd.index("--port") + 1] = str(port)
    cmd[cmd.index("--host") + 1] = "127.0.0.1"
    log_path = tmp_path / "uvicorn.log"
    with log_path.open("wb") as log:
        server = subprocess.Popen(cmd, env=env, cwd=tmp_path, stdout=log, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + STARTUP_TIMEOUT
        while True:
            try:
                status, body = get(f"http://127.0.0.1:{port}/healthz")
                break
            except (urllib.error.URLError, ConnectionError):
                if server.poll() is not None or time.monotonic() > deadline:
                    pytest.fail(f"uvicorn did not start:\n{log_path.read_text(errors='replace')}")
                time.sleep(0.3)
        assert (status, body) == (200, {"status": "ok"})
        status, body = get(f"http://127.0.0.1:{port}/readyz")
        assert status == 200, body
        assert body == {"status": "ok", "checks": {"database": "ok", "redis": "ok"}}
        # A static file collected above is served by the installed app (whitenoise).
        request = urllib.request.Request(f"http://127.0.0.1:{port}/static/web/app.css", headers={"Host": "localhost"})
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
            assert response.status == 200
            assert response.read() == (static_root / "web" / "app.css").read_bytes()
    finally:
        server.terminate()
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.kill()
