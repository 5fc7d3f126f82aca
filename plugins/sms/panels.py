"""The customer 360° panel "Text messages": the latest messages to this customer the user may read."""

from __future__ import annotations


def recent_messages(request, customer) -> dict | None:
    from plugins.sms import access, queries

    if not access.may_read_log(request.user):
        return None
    return {"messages": list(queries.log_for(request.user).filter(customer=customer)[:5]),
            "may_send": access.may_send(request.user)}
