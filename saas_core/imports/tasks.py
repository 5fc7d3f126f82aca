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


@shared_task(bind=True, acks_late=True, max_retries=MAX_RETRIES, name="saas_core.imports.tasks.read_import_file",
             soft_time_limit=300, time_limit=330)
def read_import_file(self, job_id: int) -> dict:
    """Read an uploaded file's header and first rows (never in the web process: see imports.limits)."""
    from saas_core.imports import services
    from saas_core.imports.models import ImportJob

    try:
        job = services.read_file(job_id)
    except ImportJob.DoesNotExist:
        return {"id": job_id, "status": "missing"}
    except (OperationalError, InterfaceError) as exc:
        if self.request.retries < MAX_RETRIES:
            raise self.retry(exc=exc, countdown=min(60, 5 * 2 ** self.request.retries)) from exc
        job = services.fail(job_id, str(exc))
    except Exception as exc:  # the time limit included: the person is told, the worker goes on
        log.exception("import job %s: reading the file failed", job_id)
        job = services.fail(job_id, f"{type(exc).__name__}: {exc}")
    return {"id": job.pk, "status": job.status}


@shared_task(bind=True, acks_late=True, max_retries=MAX_RETRIES, name="saas_core.imports.tasks.run_import")
def run_import(self, job_id: int) -> dict:
    """Run (or continue) an import job."""
    from saas_core.imports import services
    from saas_core.imports.models import ImportJob

    queue = _queue_of(self)

    def enqueue_batch(job, number):
        run_import_batch.apply_async((job, number), queue=queue) if queue else run_import_batch.delay(job, number)

    try:
        job = services.run_job(job_id, enqueue_batch=enqueue_batch)
    except ImportJob.DoesNotExist:
        log.warning("import job %s no longer exists", job_id)
        return {"id": job_id, "status": "missing"}
    except (OperationalError, InterfaceError) as exc:  # the database went away: try again later
        if self.request.retries < MAX_RETRIES:
            raise self.retry(exc=exc, countdown=min(60, 5 * 2 ** self.request.retries)) from exc
        job = services.fail(job_id, str(exc))
    except Exception as exc:
        log.exception("import job %s failed", job_id)
        job = services.fail(job_id, f"{type(exc).__name__}: {exc}")
    return {"id": job.pk, "status": job.status, "imported": job.imported, "rejected": job.rejected}


@shared_task(bind=True, acks_late=True, max_retries=MAX_RETRIES, name="saas_core.imports.tasks.run_import_batch")
def run_import_batch(self, job_id: int, number: int) -> dict:
    """One batch of a parallel import (a transaction of its own; done once, whatever the retries)."""
    from saas_core.imports import services
    from saas_core.imports.models import ImportJob

    try:
        job = services.run_batch(job_id, number)
    except ImportJob.DoesNotExist:
        return {"id": job_id, "status": "missing"}
    except (OperationalError, InterfaceError) as exc:
        if self.request.retries < MAX_RETRIES:
            raise self.retry(exc=exc, countdown=min(60, 5 * 2 ** self.request.retries)) from exc
        job = services.fail(job_id, str(exc))
    except Exception as exc:
        log.exception("import job %s, batch %s failed", job_id, number)
        job = services.fail(job_id, f"{type(exc).__name__}: {exc}")
    return {"id": job_id, "batch": number, "status": job.status if job else "missing"}
