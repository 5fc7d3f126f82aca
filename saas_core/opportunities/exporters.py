"""Exporting the opportunity list to xlsx, registered with saas_core.imports (the list's own filters
and sort, limited to the user's data scope; module "export" action and the export_excel right)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy

from saas_core.imports.registry import ExportColumn, Exporter, register_exporter
from saas_core.imports.registry import label_of as _label


class OpportunityExporter(Exporter):
    key = "opportunities"
    label = gettext_lazy("Opportunities")
    module = "opportunities"
    filename = "opportunities"
    columns = [
        ExportColumn("机会主题", "Subject", lambda o: o.subject),
        ExportColumn("客户名称", "Customer name", lambda o: o.customer.name),
        ExportColumn("机会类型", "Type", lambda o: _label(o.type)),
        ExportColumn("销售阶段", "Stage", lambda o: _label(o.stage)),
        ExportColumn("赢单率(%)", "Probability (%)", lambda o: o.probability),
        ExportColumn("预计金额", "Expected amount", lambda o: o.expected_amount),
        ExportColumn("预计签单日期", "Expected sign date", lambda o: o.expected_sign_on),
        ExportColumn("发现日期", "Found on", lambda o: o.found_on),
        ExportColumn("机会来源", "Source", lambda o: _label(o.source)),
        ExportColumn("负责人", "Owner", lambda o: str(o.owner)),
        ExportColumn("阶段备注", "Stage note", lambda o: o.stage_note),
        ExportColumn("输单原因", "Lost reason", lambda o: _label(o.lost_reason)),
        ExportColumn("需求", "Requirements", lambda o: o.requirements),
        ExportColumn("竞争对手", "Competitors", lambda o: o.competitors),
        ExportColumn("解决方案", "Solutions", lambda o: o.solutions),
        ExportColumn("创建时间", "Created", lambda o: o.created_at),
    ]

    def queryset(self, request):
        from saas_core.opportunities import queries

        return self.listed(request, queries.read_filters, queries.opportunity_list,
                           "customer", "type", "stage", "source", "owner", "lost_reason")


register_exporter(OpportunityExporter())
