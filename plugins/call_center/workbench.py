"""The workbench panel "Missed calls" (shown where the module is on, to whoever may view calls)."""

from __future__ import annotations

from web.workbench import Panel, register


def _missed(request):
    from plugins import enablement
    from plugins.call_center import access, services

    if not enablement.is_enabled("call_center", getattr(request, "tenant", None)) or not access.may_view(request.user):
        return None
    return {"calls": services.missed_for(request.user)}


register(Panel("missed_calls", "call_center/_workbench.html", _missed, order=15))
