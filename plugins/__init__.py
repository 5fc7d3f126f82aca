"""Optional modules (PLT-06): pluggy hook specifications, the plugin manager, per-tenant enablement.

- ``plugins.hookspecs``: what a module can implement (README "Writing a module").
- ``plugins.manager``: the one plugin manager; every installed module is registered once at
  start-up through the entry-point group ``crm.modules``.
- ``plugins.enablement``: which modules a tenant has (billing's answer, cached per process and
  invalidated across processes), and ``hooks_for(tenant)``: the hook relay that reaches only those.
- ``plugins.gate``: the request-level gate (URLs, API, menus, panels, dictionaries).
- ``plugins.tasks``: ``module_task``, the Celery task guard.
"""

from plugins.hookspecs import hookimpl  # noqa: F401  (the marker modules use)
