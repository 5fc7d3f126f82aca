"""The funnel and forecast figures as an xlsx workbook (OPP-02): one sheet each, amounts as numbers."""

from __future__ import annotations

import tempfile
from urllib.parse import quote

from django.http import FileResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from saas_core.imports.xlsx import Sheet, write_xlsx
from saas_core.opportunities.funnel import Figures

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _funnel_rows(figures: Figures):
    for f in figures.funnels:
        for r in f.rows:
            yield [f.type.label, r.stage.label, r.count, r.amount, r.count_share, r.amount_share, r.conversion]
        yield [f.type.label, _("Won"), f.won_count, f.won_amount, None, None, None]
        yield [f.type.label, _("Lost"), f.lost_count, f.lost_amount, None, None, None]


def _forecast_rows(figures: Figures, label: str):
    for r in figures.forecast:
        yield [label, r.month if r.month != "none" else _("No date"), r.count, r.amount, r.weighted]
    yield [label, _("Total"), sum(r.count for r in figures.forecast), figures.forecast_amount, figures.weighted]


def response(figures: Figures, whole: Figures) -> FileResponse:
    funnel_header = [_("Type"), _("Stage"), _("Opportunities"), _("Expected amount"), _("Share of count (%)"),
                     _("Share of amount (%)"), _("Conversion to next stage (%)")]
    forecast_header = [_("Scope"), _("Expected sign month"), _("Opportunities"), _("Expected amount"),
                       _("Weighted forecast")]
    forecast = list(_forecast_rows(figures, _("This page's filters")))
    if whole is not figures:
        forecast += list(_forecast_rows(whole, _("All")))
    tmp = tempfile.TemporaryFile()  # noqa: SIM115 - FileResponse closes it
    write_xlsx(tmp, [Sheet(_("Funnel"), funnel_header, _funnel_rows(figures)),
                     Sheet(_("Forecast"), forecast_header, forecast)])
    tmp.seek(0)
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    result = FileResponse(tmp, content_type=XLSX_TYPE)
    result["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(f'funnel-{stamp}.xlsx')}"
    return result
