"""Importing opportunities from xlsx/CSV (OPP-01) through saas_core.imports: template, mapping,
preview with per-cell problems, batches and an error report, like customers and products.

The headers are the export's (an exported list imports back). The customer is named by its number
or its full name among the customers the importing user may see; the type by its name (default:
the first type in use); the stage by its name within that type (default: the type's first stage),
a lost one with its reason. Each row goes through ``services.create_opportunity`` (the form's rules
and the first stage-history row), in a savepoint: a bad row never leaves half an opportunity.
Opportunities have no natural key, so every row is a new one (no duplicate check, no update).
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from saas_core import money
from saas_core.customers.importers import parse_customer
from saas_core.imports.registry import (
    Column,
    Importer,
    Row,
    as_text,
    dictionary_parser,
    header_key,
    parse_date,
    parse_int,
    parse_user,
    register_importer,
)
from saas_core.opportunities import services
from saas_core.opportunities.models import Opportunity, OpportunityType


def _max(name: str) -> int | None:
    return Opportunity._meta.get_field(name).max_length


def parse_type(value, ctx) -> OpportunityType:
    types = ctx.get("types")
    if types is None:
        types = ctx["types"] = {}
        for kind in OpportunityType.objects.filter(is_active=True).order_by("position", "id"):
            for name in (kind.name_zh, kind.name_en):
                if name:
                    types.setdefault(header_key(name), kind)
    found = types.get(header_key(as_text(value)))
    if found is None:
        names = ", ".join(k.label for k in OpportunityType.objects.filter(is_active=True).order_by("position", "id"))
        raise ValidationError(_("“%(value)s” is not an opportunity type in use (%(choices)s).")
                              % {"value": as_text(value), "choices": names})
    return found


def parse_amount(value, ctx):
    return money.as_decimal(as_text(value))


def parse_probability(value, ctx) -> int:
    number = parse_int(value, ctx)
    if not 0 <= number <= 100:
        raise ValidationError(_("Give a whole number from 0 to 100."))
    return number


COLUMNS = [
    Column("subject", "机会主题", "Subject", required=True, max_length=_max("subject"),
           aliases=("主题", "机会名称", "商机名称", "商机", "opportunity"), example="年度办公设备采购"),
    Column("customer", "客户名称", "Customer name", required=True, parse=parse_customer, repeats=True,
           aliases=("客户", "客户编号", "customer", "customer number"), example="KH00000001"),
    Column("type", "机会类型", "Type", parse=parse_type, repeats=True, aliases=("类型", "opportunity type"),
           example="新客户新业务"),
    Column("stage", "销售阶段", "Stage", repeats=True, aliases=("阶段",), example="需求分析"),
    Column("probability", "赢单率(%)", "Probability (%)", parse=parse_probability, repeats=True,
           aliases=("赢单率", "可能性", "probability")),
    Column("expected_amount", "预计金额", "Expected amount", parse=parse_amount, aliases=("金额", "amount"),
           example="50000.00"),
    Column("expected_sign_on", "预计签单日期", "Expected sign date", parse=parse_date,
           aliases=("预计签单", "签单日期", "expected sign on"), example="2027-03-31"),
    Column("found_on", "发现日期", "Found on", parse=parse_date, aliases=("发现时间",)),
    Column("source", "机会来源", "Source", parse=dictionary_parser("opportunity_source"), repeats=True,
           aliases=("来源",), example="转介绍"),
    Column("owner", "负责人", "Owner", parse=parse_user, repeats=True, aliases=("业务员", "销售", "归属人")),
    Column("stage_note", "阶段备注", "Stage note", max_length=_max("stage_note")),
    Column("lost_reason", "输单原因", "Lost reason", parse=dictionary_parser("lost_reason"), repeats=True),
    Column("requirements", "需求", "Requirements", aliases=("客户需求", "需求描述")),
    Column("competitors", "竞争对手", "Competitors", aliases=("竞品",)),
    Column("solutions", "解决方案", "Solutions", aliases=("方案",)),
]


class OpportunityImporter(Importer):
    key = "opportunities"
    label = gettext_lazy("Opportunities")
    module = "opportunities"
    template_name = "opportunities-template"
    columns = COLUMNS

    def clean(self, row: Row, ctx: dict) -> None:
        values = row.values
        kind = values.get("type") or self._default_type(ctx)
        if kind is None:
            row.reject(_("There is no opportunity type in use yet: the Boss adds one first."), "type")
            return
        values["type"] = kind
        if values.get("stage"):
            stages = {header_key(n): s for s in services.stages_of(kind) for n in (s.name_zh, s.name_en) if n}
            stage = stages.get(header_key(as_text(values["stage"])))
            if stage is None:
                row.reject(_("“%(stage)s” is not a stage of the type “%(type)s”.")
                           % {"stage": values["stage"], "type": kind.label}, "stage")
                return
            values["stage"] = stage

    @staticmethod
    def _default_type(ctx: dict) -> OpportunityType | None:
        if "default_type" not in ctx:
            ctx["default_type"] = OpportunityType.objects.filter(is_active=True).order_by("position", "id").first()
        return ctx["default_type"]

    def create_one(self, row: Row, ctx: dict) -> None:
        # The module's "import" action was checked when the job started; the service checks the
        # customer's scope, the stage's type, the lost reason and the amount's precision.
        fields = {k: v for k, v in row.values.items() if v not in (None, "")}
        services.create_opportunity(by=ctx["user"], check_permission=False, **fields)


register_importer(OpportunityImporter())
