"""Domain events: the core tells the enabled modules what happened, after it committed.

The core calls ``emit`` explicitly from its services (no Django signals)::

    events.emit("crm_customer_created", customer=customer, user=by)

Only the modules enabled for the current tenant hear it; a module's failure is logged and does
not undo or interrupt the core's operation (it has committed already).
"""

from __future__ import annotations

import logging

from django.db import transaction

from plugins.enablement import current_tenant, hooks_for

logger = logging.getLogger(__name__)


def emit(hook_name: str, **kwargs) -> None:
    """Call ``hook_name`` on the current tenant's enabled modules once the transaction commits."""
    tenant = current_tenant()

    def fire() -> None:
        try:
            getattr(hooks_for(tenant), hook_name)(**kwargs)
        except Exception:
            logger.exception("a module failed while handling %s", hook_name)

    transaction.on_commit(fire)
