"""Real processes for the live tests: Celery workers and beats on a private queue of the shared
Redis, and servers on loopback ports.

Isolation from other runs sharing the Redis: a worker consumes only a queue whose name is unique
to its test run, and all broker keys live under a unique ``global_keyprefix`` (see
tests/saas_core/worker_settings.py); ``forget_keys`` removes them afterwards.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import redis
from django.conf import settings

from tests.conftest import child_env

REPO_ROOT = Path(__file__).resolve().parents[1]
STARTUP_TIMEOUT = 120  # importing Django and connecting to Redis took over 60 s at load average 28
TASK_TIMEOUT = 90


def routing(name: str) -> tuple[str, str]:
    """A private queue and broker key prefix for one test run: ``(queue, keyprefix)``."""
    queue = f"crm-test-{name}-{uuid.uuid4().hex[:12]}"
    return queue, queue + ":"


def worker_env(queue: str, keyprefix: str, **extra: str) -> dict:
    """The environment of a process on the test database that sends and takes tasks on ``queue``."""
    return child_env(DJANGO_SETTINGS_MODULE="tests.saas_core.worker_settings", CRM_TEST_CELERY_QUEUE=queue,
                     CRM_TEST_CELERY_KEYPREFIX=keyprefix, SENTRY_DSN="", PYTHONUNBUFFERED="1", **extra)


def start_celery(args: list[str], log_path: Path, env: dict, ready: str, what: str) -> subprocess.Popen:
    """``python -m celery -A saas_core <args>`` with its output in ``log_path``, once it printed ``ready``."""
    with log_path.open("wb") as log:
        proc = subprocess.Popen([sys.executable, "-m", "celery", "-A", "saas_core", *args], env=env, cwd=REPO_ROOT,
                                stdout=log, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + STARTUP_TIMEOUT
    while ready not in log_path.read_text(errors="replace"):
        if proc.poll() is not None or time.monotonic() > deadline:
            stop_process(proc)
            pytest.fail(f"{what} did not start within {STARTUP_TIMEOUT}s; its output:\n"
                        f"{log_path.read_text(errors='replace')}")
        time.sleep(0.1)
    return proc


def worker_args(queue: str, name: str) -> list[str]:
    return ["worker", "--pool", "solo", "-Q", queue, "-n", f"{name}@%h", "--without-gossip", "--without-mingle",
            "--without-heartbeat", "--loglevel", "INFO"]


@dataclass
class Worker:
    """A running ``celery worker`` subprocess and how to talk to it."""

    proc: subprocess.Popen
    log_path: Path
    queue: str
    keyprefix: str
    results: list = field(default_factory=list)

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def assert_alive(self) -> None:
        if self.proc.poll() is not None:
            pytest.fail(f"the Celery worker died (exit code {self.proc.returncode}); its output:\n{self.log()}")

    def send(self, task, *args, **kwargs):
        """Enqueue ``task`` exactly as ``task.delay()`` does, on this worker's queue and key prefix.

        It goes through the product app's ``send_task`` (which adds the ``_schema_name`` header
        from the current connection), so call it inside ``schema_context`` to act for a tenant.
        """
        from saas_core.celery import app as celery_app

        with celery_app.connection_for_write(transport_options={"global_keyprefix": self.keyprefix}) as conn:
            return task.apply_async(args, kwargs, queue=self.queue, connection=conn)

    def result(self, async_result, timeout: float = TASK_TIMEOUT):
        """The task's return value; fails with the worker's output if it dies or does not answer."""
        deadline = time.monotonic() + timeout
        while not async_result.ready():
            self.assert_alive()
            if time.monotonic() > deadline:
                pytest.fail(f"task {async_result.id} got no result within {timeout}s; worker output:\n{self.log()}")
            time.sleep(0.1)
        self.results.append(async_result)
        return async_result.get(timeout=5)

    def forget_results(self) -> None:
        """Drop the result keys this run left in the (shared) result backend."""
        for async_result in self.results:
            for child in async_result.children or ():
                child.forget()
            async_result.forget()

    def stop(self) -> None:
        self.forget_results()
        stop_process(self.proc)


def start_worker(log_dir: Path, queue: str, keyprefix: str, **env: str) -> Worker:
    """``celery worker --pool solo`` on the test database, taking tasks from ``queue`` only."""
    assert settings.DATABASES["default"]["NAME"].startswith("test_"), "a test worker runs on the test database only"
    name = f"{queue}-{uuid.uuid4().hex[:4]}"
    log_path = log_dir / f"{name}.log"
    proc = start_celery(worker_args(queue, name), log_path, worker_env(queue, keyprefix, **env), " ready.",
                        "the Celery worker")
    return Worker(proc, log_path, queue, keyprefix)


def stop_process(proc: subprocess.Popen) -> None:
    """SIGTERM (a warm shutdown), then SIGKILL if it has not ended within 20 s."""
    if proc.poll() is None:
        proc.terminate()
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(timeout=10)


def forget_keys(keyprefix: str) -> None:
    """Remove the broker keys (queues, bindings, unacked sets) a test run left in the shared Redis."""
    client = redis.Redis.from_url(settings.REDIS_URL)
    stale = list(client.scan_iter(match=f"{keyprefix}*"))
    if stale:
        client.delete(*stale)


def wait_for_port(port: int, proc: subprocess.Popen | None = None, what: str = "the server",
                  timeout: float = 30) -> None:
    """Return once something accepts connections on 127.0.0.1:``port``."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return
        except OSError:
            if (proc is not None and proc.poll() is not None) or time.monotonic() > deadline:
                if proc is not None:
                    stop_process(proc)
                raise RuntimeError(f"{what} did not start on port {port}") from None
            time.sleep(0.1)


@contextmanager
def busy_cpus(per_core: int = 1) -> Iterator[None]:
    """Processes spinning on every core for the duration, so the workers under test get the CPU
    only now and then (as on a shared CI machine at load average 30) and a race between claim,
    send and mark cannot pass by luck of timing."""
    count = per_core * (os.cpu_count() or 2)
    procs = [subprocess.Popen([sys.executable, "-c", "while True: pass"]) for _ in range(count)]
    try:
        yield
    finally:
        for proc in procs:
            proc.kill()
        for proc in procs:
            proc.wait(timeout=10)
