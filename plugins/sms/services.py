"""SMS operations that the pages, the API and the tasks all call (SMS-01)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from plugins.sms import text
from plugins.sms.models import SmsSettings, SmsTemplate
from saas_core.org.access import require


def gateway_settings(*, lock: bool = False) -> SmsSettings:
    """The company's SMS settings (created with the defaults on first use)."""
    SmsSettings.objects.get_or_create(pk=1)
    qs = SmsSettings.objects.select_for_update() if lock else SmsSettings.objects
    return qs.get(pk=1)


@transaction.atomic
def save_template(template: SmsTemplate | None, *, by, **fields) -> SmsTemplate:
    require(by, "sms", "create" if template is None else "edit")
    template = template or SmsTemplate(created_by=by)
    for key in ("name", "body", "provider_code"):
        if key in fields:
            setattr(template, key, (fields[key] or "").strip())
    text.check_variables(template.body)
    template.full_clean(exclude=["created_by"], validate_unique=False)
    if SmsTemplate.objects.filter(name=template.name, is_active=True).exclude(pk=template.pk).exists():
        raise ValidationError({"name": [_("A template named “%(name)s” exists already.") % {"name": template.name}]})
    template.save()
    return template


def archive_template(template: SmsTemplate, *, by) -> None:
    """Templates are archived, not deleted: messages in the log keep their template."""
    require(by, "sms", "delete")
    SmsTemplate.objects.filter(pk=template.pk).update(is_active=False)
