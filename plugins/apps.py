from django.apps import AppConfig, apps
from django.db.models.signals import post_migrate


class PluginsConfig(AppConfig):
    name = "plugins"
    verbose_name = "Modules"

    def ready(self) -> None:
        from plugins import catalogue, gate, manager
        from saas_core.org.permissions import register_module, set_module_visibility

        # The core's registries sit below this app: it feeds them, they never call up into it.
        set_module_visibility(gate.permission_module_visible)
        if apps.is_installed("saas_core.customers"):
            from saas_core.customers.panels import register_panel_source

            register_panel_source(gate.customer_panels)
        if apps.is_installed("web"):
            from web.menu import register_entry_source

            register_entry_source(gate.menu_entries)

        from saas_core.realtime.services import register_pending_source

        register_pending_source(gate.realtime_pending)
        for key, specs in manager.per_module("crm_permission_modules").items():
            for spec in specs or ():
                register_module(spec["key"], spec["label"], defaults=spec.get("defaults"), noun=spec.get("noun"),
                                order=spec.get("order", 300), plugin=key)
        # Sent once per app with models and migrate run (per schema); this app has no models.
        post_migrate.connect(catalogue.after_migrate, sender=apps.get_app_config("billing"),
                             dispatch_uid="plugins_after_migrate")
