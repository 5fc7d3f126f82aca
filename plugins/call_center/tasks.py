"""Call-center Celery tasks, guarded by the module's enablement (``plugins.tasks.module_task``)."""

from __future__ import annotations

from celery import shared_task

from plugins.tasks import fan_out_module, module_task


@module_task("call_center", acks_late=True)
def process_call_task(vendor: str, call_id: str) -> str:
    """Apply a call's stored events (idempotent: processed events are marked)."""
    from plugins.call_center.services import process_call

    call = process_call(vendor, call_id)
    return call.result or "live" if call is not None else "none"


@module_task("call_center")
def sweep() -> int:
    """Events a lost task left unprocessed, and calls whose "ended" never came."""
    from plugins.call_center.services import sweep_stale

    return sweep_stale()


@shared_task
def sweep_all_tenants() -> int:
    """Beat, every minute: ``sweep`` in every live tenant that has the module on."""
    return fan_out_module(sweep)


@module_task("call_center", acks_late=True)
def originate_task(call_id: int) -> str:
    """Ask the PBX (AMI adapter) or the cloud vendor's callback API to place a logged call."""
    from plugins.call_center.originate import originate

    return originate(call_id)


@module_task("call_center", acks_late=True)
def copy_recording_task(call_id: int) -> str:
    """Copy a call's recording into the company's storage (vendors delete theirs)."""
    from plugins.call_center.recordings import copy_recording

    return copy_recording(call_id)
