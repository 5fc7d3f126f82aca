"""EDM Celery tasks, guarded by the module's enablement (``plugins.tasks.module_task``)."""

from __future__ import annotations

from celery import shared_task

from plugins.tasks import module_task
from saas_core.tenancy import fan_out


@module_task("edm")
def check_domains() -> int:
    """Re-check this tenant's sending domains that are due; returns how many were checked."""
    from plugins.edm import services

    return services.check_due()


@shared_task
def check_domains_all_tenants() -> int:
    """Beat: ``check_domains`` in every live tenant (it refuses where EDM is off)."""
    return fan_out(check_domains)


@module_task("edm", acks_late=True)
def send_campaign(campaign_id: int) -> str:
    """Send a campaign's waiting messages (idempotent: see ``campaigns``)."""
    from plugins.edm import campaigns

    return campaigns.run(campaign_id, max_seconds=600)


@module_task("edm")
def campaign_tick() -> int:
    """Start due scheduled campaigns and A/B winners; restart the runs of campaigns whose worker died."""
    from plugins.edm import abtest, campaigns

    started = campaigns.start_due() + abtest.decide_due()
    for campaign_id in campaigns.stalled().values_list("pk", flat=True):
        send_campaign.delay(campaign_id)
        started += 1
    return started


@shared_task
def campaign_tick_all_tenants() -> int:
    """Beat, every minute: ``campaign_tick`` in every live tenant (it refuses where EDM is off)."""
    return fan_out(campaign_tick)


@module_task("edm")
def read_bounce_mailbox() -> int:
    """Read this tenant's bounce mailbox once; how many of our reports were recorded."""
    from plugins.edm import bounces

    return bounces.read_mailbox()[1]


@shared_task
def read_bounce_mailboxes_all_tenants() -> int:
    """Beat, every 5 minutes: ``read_bounce_mailbox`` in every live tenant (it refuses where EDM is off)."""
    return fan_out(read_bounce_mailbox)
