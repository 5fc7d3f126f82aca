"""What approvals register on start-up: the scope extension (approvers see what they must approve),
the menu entries, the workbench panel."""

from saas_core.approvals import services
from saas_core.org.scope import register_extension

register_extension(services.approver_object_ids)
