"""The call log's xlsx export (imports app's exporter registry): the list as filtered."""

from __future__ import annotations

from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from saas_core.imports.registry import ExportColumn, Exporter, register_exporter


def _time(value) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M:%S") if value else ""


class CallExporter(Exporter):
    key = "calls"
    label = _("Calls")
    module = "call_center"
    filename = "calls"
    columns = (
        ExportColumn("方向", "Direction", lambda c: c.get_direction_display()),
        ExportColumn("主叫", "Caller", lambda c: c.caller),
        ExportColumn("被叫", "Callee", lambda c: c.callee),
        ExportColumn("坐席", "Agent", lambda c: c.agent.name if c.agent_id else ""),
        ExportColumn("客户", "Customer", lambda c: c.customer.name if c.customer_id else ""),
        ExportColumn("联系人", "Contact", lambda c: c.contact.name if c.contact_id else ""),
        ExportColumn("开始", "Start", lambda c: _time(c.started_at)),
        ExportColumn("接听", "Answered", lambda c: _time(c.answered_at)),
        ExportColumn("结束", "End", lambda c: _time(c.ended_at)),
        ExportColumn("时长(秒)", "Duration (s)", lambda c: c.duration),
        ExportColumn("结果", "Result", lambda c: c.get_result_display()),
        ExportColumn("录音", "Recording", lambda c: c.recording_url),
    )

    def queryset(self, request):
        from plugins import enablement
        from plugins.call_center import services
        from plugins.call_center.forms import LogFilterForm

        if not enablement.is_enabled("call_center", getattr(request, "tenant", None)):
            raise Http404
        form = LogFilterForm(request.GET or None, user=request.user)
        form.is_valid()
        return services.log_filter(services.calls_for(request.user), **form.filters())


register_exporter(CallExporter())
