"""Hook specifications every module implements (project name ``crm``)."""

from __future__ import annotations

import pluggy

hookspec = pluggy.HookspecMarker("crm")
hookimpl = pluggy.HookimplMarker("crm")


class ModuleSpec:
    @hookspec
    def crm_module_info(self) -> dict:
        """Return the module's key, name and description."""
