from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EdmConfig(AppConfig):
    name = "plugins.edm"
    label = "edm"
    verbose_name = _("E-mail marketing")

    def ready(self) -> None:
        from plugins.edm.campaigns import count_unsubscribe
        from saas_core.sending import unsubscribe

        # Counted whether or not the module is on now: old campaigns' links keep unsubscribing.
        unsubscribe.register_listener(count_unsubscribe)
        from plugins.edm import bounces

        bounces.register_webhooks()
