"""The suppression list's xlsx export, as filtered on its page."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from saas_core.imports.registry import ExportColumn, Exporter, register_exporter


class SuppressionExporter(Exporter):
    key = "suppression"
    label = _("Suppression list")
    module = "suppression"
    filename = "suppression-list"
    columns = (
        ExportColumn("地址", "Address", lambda s: s.address),
        ExportColumn("渠道", "Channel", lambda s: s.get_channel_display()),
        ExportColumn("原因", "Reason", lambda s: s.get_reason_display()),
        ExportColumn("说明", "Reason given", lambda s: s.detail.label if s.detail_id else ""),
        ExportColumn("备注", "Note", lambda s: s.note),
        ExportColumn("来源", "Source", lambda s: s.source),
        ExportColumn("添加时间", "Added", lambda s: timezone.localtime(s.created_at).strftime("%Y-%m-%d %H:%M:%S")),
    )

    def queryset(self, request):
        from saas_core.sending import suppression
        from saas_core.sending.forms import SuppressionFilterForm

        return suppression.entries(**SuppressionFilterForm(request.GET or None).filters())


register_exporter(SuppressionExporter())
