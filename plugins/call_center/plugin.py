"""The call-center module's hook implementations (registered through the ``crm.modules`` entry point).

Nothing here imports Django models at import time: the settings read ``crm_django_apps``.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from plugins.hookspecs import hookimpl, package_hooks

KEY = "call_center"

crm_django_apps, crm_urlpatterns, crm_api_urlpatterns, crm_celery_task_modules = package_hooks("plugins.call_center")


@hookimpl
def crm_module_info() -> dict:
    return {
        "key": KEY,
        "name": _("Call center"),
        "description": _(
            "Incoming calls pop up the caller's customer card in the agent's browser; click-to-dial beside every "
            "number; a call log with recordings. Works with an Asterisk PBX (AMI) or a cloud call center."
        ),
        "order": 50,
    }


@hookimpl
def crm_permission_modules() -> list[dict]:
    return [{
        "key": KEY, "label": _("Call center"), "noun": _("calls"), "order": 160,
        "defaults": {
            "director": ["view", "create", "export"], "manager": ["view", "create", "export"],
            "director_assistant": ["view", "create"], "manager_assistant": ["view", "create"],
            "sales": ["view", "create"], "customer_service": ["view", "create"],
        },
    }]


@hookimpl
def crm_menu_entries() -> list[dict]:
    return [
        {"key": "call_log", "label": _("Call log"), "url_name": "call_center:log", "group": "modules", "order": 20,
         "permission": (KEY, "view")},
        {"key": "call_settings", "label": _("Telephony settings"), "url_name": "call_center:settings",
         "group": "modules", "order": 21, "permission": (KEY, "edit")},
    ]


@hookimpl
def crm_phone_actions(request, number: str, contact) -> list[dict]:
    from plugins.call_center.access import may_dial

    if request is None or not may_dial(request.user):
        return []
    from urllib.parse import urlencode

    from django.urls import reverse

    query = {"number": number, **({"contact": contact.pk} if contact is not None else {})}
    return [{"key": "dial", "label": _("Dial"), "url": f"{reverse('call_center:dial')}?{urlencode(query)}"}]


@hookimpl
def crm_customer_panels() -> list[dict]:
    from plugins.call_center.panels import may_see, recent_calls

    return [{"key": "calls", "label": _("Calls"), "template": "call_center/panel.html", "context": recent_calls,
             "order": 85, "section": "basic", "tab": "calls", "visible": may_see}]


@hookimpl
def crm_page_scripts() -> list[str]:
    return ["call_center/popup.js"]


@hookimpl
def crm_realtime_pending(user) -> list[dict]:
    from plugins.call_center.services import ringing_for

    return ringing_for(user)



@hookimpl
def crm_beat_schedule() -> dict:
    # Every minute: events a lost task left, calls whose "ended" never came.
    return {"call-center-sweep": {"task": "plugins.call_center.tasks.sweep_all_tenants", "schedule": 60}}
