"""The customer 360° panel "E-mail campaigns": what this customer's contacts got and did, in the
campaigns the user may see (their data scope, ROLE-02)."""

from __future__ import annotations

PANEL_SIZE = 10


def may_see(request, customer) -> bool:
    """Whether the 360° view shows the tab at all (cheap: no query of the log)."""
    from saas_core.org.access import can

    return can(request.user, "edm", "view")


def recent_mail(request, customer) -> dict | None:
    from plugins.edm import results
    from plugins.edm.models import CampaignRecipient

    if not may_see(request, customer):
        return None
    rows = (CampaignRecipient.objects.filter(customer=customer,
                                             campaign__in=results.visible_campaigns(request.user).values("pk"))
            .exclude(sent_at__isnull=True).select_related("campaign", "contact").order_by("-sent_at", "-id"))
    return {"mails": list(rows[:PANEL_SIZE])}
