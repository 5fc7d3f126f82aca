"""The import job's Celery tasks (each runs in the schema of the tenant that queued it).

``run_import`` reads the file and, in parallel mode, splits it into batches, sending one
``run_import_batch`` per batch to the queue it came from; the worker processes of the node then
share the batches. A retry resumes after the last committed batch (see imports.services).
"""

from __future__ import annotations

import logging

from celery import shared_task
from django.db import InterfaceError, OperationalError

log = logging.getLogger(__name__)

MAX_RETRIES = 5


def _queue_of(task) -> str | None:
    info = getattr(task.request, "delivery_info", None) or {}
    return info.get("routing_key") or None


def _job_step(task, job_id: int, step, failure: str):
    """Run one step of an import job for a task: the job, or None when it no longer exists.
    A lost database is retried with back-off; any other error (the time limit included) fails
    the job with its reason, so the person is told and the worker goes on."""
    from saas_core.imports import services
    from saas_core.imports.models import ImportJob

    try:
        return step()
    except ImportJob.DoesNotExist:
        return None
    except (OperationalError, InterfaceError) as exc:  # the database went away: try again later
        if task.request.retries < MAX_RETRIES:
            raise task.retry(exc=exc, countdown=min(60, 5 * 2 ** task.request.retries)) from exc
        return services.fail(job_id, str(exc))
    except Exception as exc:
        log.exception("%s", failure)
        return services.fail(job_id, f"{type(exc).__name__}: {exc}")


@shared_task(bind=True, acks_late=True, max_retries=MAX_RETRIES, name="saas_core.imports.tasks.read_import_file",
             soft_time_limit=300, time_limit=330)
def read_import_file(self, job_id: int) -> dict:
    """Read an uploaded file's header and first rows (never in the web process: see imports.limits)."""
    from saas_core.imports import services

    job = _job_step(self, job_id, lambda: services.read_file(job_id), f"import job {job_id}: reading the file failed")
    if job is None:
        return {"id": job_id, "status": "missing"}
    return {"id": job.pk, "status": job.status}


@shared_task(bind=True, acks_late=True, max_retries=MAX_RETRIES, name="saas_core.imports.tasks.run_import")
def run_import(self, job_id: int) -> dict:
    """Run (or continue) an import job."""
    from saas_core.imports import services

    queue = _queue_of(self)

    def enqueue_batch(job, number):
        run_import_batch.apply_async((job, number), queue=queue) if queue else run_import_batch.delay(job, number)

    job = _job_step(self, job_id, lambda: services.run_job(job_id, enqueue_batch=enqueue_batch),
                    f"import job {job_id} failed")
    if job is None:
        log.warning("import job %s no longer exists", job_id)
        return {"id": job_id, "status": "missing"}
    return {"id": job.pk, "status": job.status, "imported": job.imported, "rejected": job.rejected}


@shared_task(bind=True, acks_late=True, max_retries=MAX_RETRIES, name="saas_core.imports.tasks.run_import_batch")
def run_import_batch(self, job_id: int, number: int) -> dict:
    """One batch of a parallel import (a transaction of its own; done once, whatever the retries)."""
    from saas_core.imports import services

    job = _job_step(self, job_id, lambda: services.run_batch(job_id, number),
                    f"import job {job_id}, batch {number} failed")
    return {"id": job_id, "batch": number, "status": job.status if job else "missing"}
