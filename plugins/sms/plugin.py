"""The SMS module's hook implementations (registered through the ``crm.modules`` entry point).

Nothing here imports Django models at import time: the settings read ``crm_django_apps``.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from plugins.hookspecs import hookimpl, package_hooks

KEY = "sms"

crm_django_apps, crm_urlpatterns, crm_api_urlpatterns, crm_celery_task_modules = package_hooks("plugins.sms")


@hookimpl
def crm_module_info() -> dict:
    return {
        "key": KEY,
        "name": _("SMS gateway"),
        "description": _(
            "Text customers and contacts through Aliyun, Tencent Cloud or Twilio: templates with "
            "variables, group sends by saved filters, scheduled sends, a monthly quota and a send log."
        ),
        "order": 40,
    }


@hookimpl
def crm_permission_modules() -> list[dict]:
    return [{
        "key": KEY, "label": _("SMS"), "noun": _("text messages"), "order": 150,
        "defaults": {
            "director": ["view", "create", "edit"], "manager": ["view", "create", "edit"],
            "director_assistant": ["view", "create"], "manager_assistant": ["view", "create"],
            "sales": ["view", "create"], "customer_service": ["view", "create"],
        },
    }]


@hookimpl
def crm_menu_entries() -> list[dict]:
    return [
        {"key": "sms_send", "label": _("Send SMS"), "url_name": "sms:send", "section": "marketing", "order": 10,
         "permission": (KEY, "create")},
        {"key": "sms_group", "label": _("Group SMS"), "url_name": "sms:group", "section": "marketing", "order": 11,
         "permission": (KEY, "create")},
        {"key": "sms_log", "label": _("SMS log"), "url_name": "sms:log", "section": "marketing", "order": 12,
         "permission": (KEY, "view")},
        {"key": "sms_settings", "label": _("SMS settings"), "url_name": "sms:settings", "section": "marketing",
         "order": 13, "permission": (KEY, "edit")},
    ]


@hookimpl
def crm_phone_actions(request, number: str, contact) -> list[dict]:
    from plugins.sms.access import may_send

    if request is None or not may_send(request.user):
        return []
    from urllib.parse import urlencode

    from django.urls import reverse

    query = {"to": number, **({"contact": contact.pk} if contact is not None else {})}
    return [{"key": "sms", "label": _("SMS"), "url": f"{reverse('sms:send')}?{urlencode(query)}"}]


@hookimpl
def crm_customer_panels() -> list[dict]:
    from plugins.sms.panels import may_see, recent_messages

    return [{"key": "sms", "label": _("Text messages"), "template": "sms/panel.html", "context": recent_messages,
             "order": 80, "section": "basic", "tab": "sms", "visible": may_see}]


@hookimpl
def crm_dictionary_types() -> list[dict]:
    return [{
        "key": "sms_opt_out_reason", "group": "marketing", "name_zh": "短信退订原因", "name_en": "SMS opt-out reason",
        "items": [
            {"key": "replied_td", "label_zh": "回复TD退订", "label_en": "Replied STOP"},
            {"key": "asked", "label_zh": "客户要求", "label_en": "Asked by the customer"},
            {"key": "complaint", "label_zh": "投诉", "label_en": "Complaint"},
        ],
    }]



@hookimpl
def crm_beat_schedule() -> dict:
    # Every minute: scheduled messages that are due, in every tenant where the module is on.
    return {"sms-dispatch-due": {"task": "plugins.sms.tasks.dispatch_due_all_tenants", "schedule": 60}}


@hookimpl
def crm_reminder_sms_on() -> bool:
    from plugins.sms.services import reminders_by_sms

    return reminders_by_sms()


@hookimpl
def crm_send_reminder_sms(user_id: int, number: str, title: str, remind_at) -> bool:
    from plugins.sms.services import send_reminder

    send_reminder(user_id=user_id, number=number, title=title, remind_at=remind_at)
    return True
