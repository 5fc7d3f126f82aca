"""The customer 360° panel "Text messages": the latest messages to this customer the user may read."""

from __future__ import annotations


def may_see(request, customer) -> bool:
    """Whether the 360° view shows the tab at all (cheap: no query of the log)."""
    from plugins.sms import access

    return access.may_read_log(request.user)


def recent_messages(request, customer) -> dict | None:
    from plugins.sms import access, queries

    if not access.may_read_log(request.user):
        return None
    return {"messages": list(queries.log_for(request.user).filter(customer=customer)[:5]),
            "may_send": access.may_send(request.user)}
