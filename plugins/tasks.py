"""The Celery task guard: a module's task refuses to run for a tenant where the module is off.

    from plugins.tasks import module_task

    @module_task("sms", bind=True, max_retries=5)
    def send_message(self, message_id): ...

The task keeps the tenant in its message headers (tenant_schemas_celery) like every task; when
it starts, it checks the module for that tenant and, if off, does nothing and returns
``{"refused": "module_off", "module": key}`` (logged), so a message queued before the vendor
switched the module off cannot act after it.
"""

from __future__ import annotations

import logging

from celery import shared_task
from tenant_schemas_celery.task import TenantTask

from plugins import enablement

logger = logging.getLogger(__name__)


class ModuleTask(TenantTask):
    abstract = True
    module_key: str = ""

    def __call__(self, *args, **kwargs):
        if self.module_key and not enablement.is_enabled(self.module_key):
            logger.warning("task %s refused: module %s is off for this tenant", self.name, self.module_key)
            return {"refused": "module_off", "module": self.module_key}
        return super().__call__(*args, **kwargs)


def module_task(key: str, **options):
    """``shared_task`` for a module's task, guarded by the module's enablement."""
    return shared_task(base=ModuleTask, module_key=key, **options)


def fan_out_module(task) -> int:
    """Enqueue a module's periodic ``task`` once per live tenant that has the module on.

    The other tenants' copies would only refuse and log a warning, every minute for every
    company without the module (most of them).
    """
    from saas_core.tenancy import fan_out_to, live_tenants

    schemas = [schema for pk, schema in live_tenants().values_list("pk", "schema_name").iterator()
               if enablement.is_enabled(task.module_key, pk)]
    return fan_out_to(schemas, task)
