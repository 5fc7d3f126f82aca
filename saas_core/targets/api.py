"""The sales-target API (TGT-01).

``GET /api/v1/targets/?measure=&year=`` is the grid the page shows (the subjects you see, their
monthly targets, derived quarters and year, actual and %), with the warnings; ``POST`` the same
path with ``{"measure", "year", "targets": [{"subject": "person-12", "month": 3, "amount": "5000"}]}``
stores them (a null amount removes one); 400 with a field map (``<subject>.<month>``) on bad input.
``GET /api/v1/targets/progress/`` is the workbench widget's figures for you and your team.
"""

from __future__ import annotations

from datetime import date

from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from saas_core.org.access import require
from saas_core.targets import measures, services
from saas_core.tenancy import company_today


def _money(value) -> str | None:
    return None if value is None else str(value)


class EntrySerializer(serializers.Serializer):
    subject = serializers.CharField(max_length=40)
    month = serializers.IntegerField(min_value=1, max_value=12)
    amount = serializers.CharField(allow_null=True, allow_blank=True, max_length=40)


class SaveSerializer(serializers.Serializer):
    measure = serializers.ChoiceField(choices=[])
    year = serializers.IntegerField(min_value=2000, max_value=2100)
    targets = EntrySerializer(many=True)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["measure"].choices = [m.key for m in measures.measures()]


def _grid(user, measure: str, year: int) -> dict:
    rows = services.grid(user, measure, year)
    actuals = services.actuals_by_subject(user, measure, date(year, 1, 1), date(year, 12, 31),
                                          [row.subject for row in rows])
    return {
        "measure": measure, "year": year,
        "rows": [{"subject": row.subject.key, "level": row.subject.level, "label": row.subject.label,
                  "parent": row.subject.parent_key, "editable": row.editable,
                  "months": [_money(m) for m in row.months], "quarters": [_money(q) for q in row.quarters],
                  "year": _money(row.year), "actual": _money(actuals.get(row.subject.key)),
                  "percent": _money(services.percent(actuals.get(row.subject.key, 0),
                                                     row.year if any(m is not None for m in row.months) else None))}
                 for row in rows],
        "warnings": [{"subject": w["subject"].key, "month": w["month"], "target": _money(w["target"]),
                      "children": _money(w["children"])} for w in services.over_parent(user, measure, year)],
    }


class TargetGridView(APIView):
    """The target grid of the subjects you see (TGT-01)."""

    permission_classes = [IsAuthenticated]

    @extend_schema(parameters=[OpenApiParameter("measure", str), OpenApiParameter("year", int)],
                   responses=OpenApiTypes.OBJECT)
    def get(self, request):
        keys = [m.key for m in measures.measures()]
        measure = request.query_params.get("measure") or (keys[0] if keys else "")
        if measure not in keys:
            raise serializers.ValidationError({"measure": [_("One of: %(choices)s.") % {"choices": ", ".join(keys)}]})
        raw = request.query_params.get("year") or str(company_today().year)
        if not raw.isdigit() or not 2000 <= int(raw) <= 2100:
            raise serializers.ValidationError({"year": [_("A year from 2000 to 2100.")]})
        return Response(_grid(request.user, measure, int(raw)))

    @extend_schema(request=SaveSerializer, responses=OpenApiTypes.OBJECT)
    def post(self, request):
        require(request.user, services.MODULE, "edit")
        data = SaveSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        services.save_targets(by=request.user, measure=v["measure"], year=v["year"],
                              entries={(e["subject"], e["month"]): e["amount"] for e in v["targets"]})
        return Response(_grid(request.user, v["measure"], v["year"]))


class ProgressView(APIView):
    """This month's and quarter's target, actual and % for you and your team (the workbench widget)."""

    permission_classes = [IsAuthenticated]

    @extend_schema(responses=OpenApiTypes.OBJECT)
    def get(self, request):
        require(request.user, services.MODULE, "view")
        user = request.user
        today = company_today()
        subjects = [services.Subject(services.L.PERSON, user.pk, str(user))]
        if (team := services.team_subject(user)) is not None:
            subjects.append(team)
        return Response({"subjects": [
            {"subject": s.key, "label": s.label, "progress": [
                {"measure": p.measure.key, "period": p.period, "target": _money(p.target), "actual": _money(p.actual),
                 "percent": _money(p.percent)} for p in services.progress(s, today)]}
            for s in subjects]})
