"""The EDM module's hook implementations (registered through the ``crm.modules`` entry point).

Nothing here imports Django models at import time: the settings read ``crm_django_apps``.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from plugins.hookspecs import hookimpl, package_hooks

KEY = "edm"

crm_django_apps, crm_urlpatterns, crm_api_urlpatterns, crm_celery_task_modules = package_hooks("plugins.edm")


@hookimpl
def crm_module_info() -> dict:
    return {
        "key": KEY,
        "name": _("E-mail marketing"),
        "description": _(
            "E-mail campaigns from your own domain: DKIM, SPF and DMARC set up and checked, your SMTP "
            "server, and the shared suppression list."
        ),
        "order": 45,
    }


@hookimpl
def crm_permission_modules() -> list[dict]:
    return [{
        "key": KEY, "label": _("E-mail marketing"), "noun": _("e-mail campaigns"), "order": 155,
        "defaults": {
            "director": ["view", "create", "edit"], "manager": ["view", "create", "edit"],
            "director_assistant": ["view", "create"], "manager_assistant": ["view", "create"],
            "sales": ["view", "create"], "customer_service": ["view"],
        },
    }]


@hookimpl
def crm_menu_entries() -> list[dict]:
    return [
        {"key": "edm_campaigns", "label": _("E-mail campaigns"), "url_name": "edm:campaigns", "section": "marketing",
         "order": 20, "permission": (KEY, "view")},
        {"key": "edm_templates", "label": _("E-mail templates"), "url_name": "edm:templates", "section": "marketing",
         "order": 21, "permission": (KEY, "view")},
        {"key": "edm_setup", "label": _("E-mail sending setup"), "url_name": "edm:setup", "section": "marketing",
         "order": 25, "permission": (KEY, "view")},
    ]


@hookimpl
def crm_customer_panels() -> list[dict]:
    from plugins.edm.panels import may_see, recent_mail

    return [{"key": "edm", "label": _("E-mail campaigns"), "template": "edm/panel.html", "context": recent_mail,
             "order": 81, "section": "basic", "tab": "edm", "visible": may_see}]


@hookimpl
def crm_beat_schedule() -> dict:
    # Every 10 minutes: sending domains due for a DNS re-check, in every tenant where the module is on.
    return {"edm-check-domains": {"task": "plugins.edm.tasks.check_domains_all_tenants", "schedule": 600},
            # every minute: scheduled campaigns that are due, and runs to restart after a worker died
            "edm-campaign-tick": {"task": "plugins.edm.tasks.campaign_tick_all_tenants", "schedule": 60},
            # every 5 minutes: the bounce mailboxes (only our own reports are touched)
            "edm-bounce-mailbox": {"task": "plugins.edm.tasks.read_bounce_mailboxes_all_tenants", "schedule": 300}}
