"""The customer 360° panel "Calls": the latest calls with this customer the user may read."""

from __future__ import annotations


def may_see(request, customer) -> bool:
    from plugins.call_center import access

    return access.may_view(request.user)


def recent_calls(request, customer) -> dict | None:
    from plugins.call_center import access, services

    if not access.may_view(request.user):
        return None
    return {"calls": list(services.calls_for(request.user).filter(customer=customer)[:10])}
