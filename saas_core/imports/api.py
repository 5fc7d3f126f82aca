"""Import jobs over the API: the same services, permissions and files as the web pages.

    POST /api/v1/imports/                 multipart: file, kind (default "customers"), duplicate_mode
                                          (skip | update | create), mapping (JSON {column: header
                                          index or text}, optional: proposed from the headers),
                                          start (default true: queue at once when the mapping is complete)
    GET  /api/v1/imports/                 your jobs (the Boss: everyone's)
    GET  /api/v1/imports/{id}/            status and counts (poll it)
    GET  /api/v1/imports/{id}/preview/    the first rows with per-cell problems
    POST /api/v1/imports/{id}/start/      confirm (optionally with mapping / duplicate_mode)
    GET  /api/v1/imports/{id}/issues/     rejected and skipped rows with reasons (JSON, paginated)
    GET  /api/v1/imports/{id}/report/     the report (xlsx); creator and Boss only
"""

from __future__ import annotations

import json

from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from saas_core.api_parsers import JSONObjectParser
from saas_core.imports import services
from saas_core.imports.models import ImportIssue, ImportJob
from saas_core.imports.registry import get_importer
from saas_core.org.permissions import is_visible


class ImportJobSerializer(serializers.ModelSerializer):
    created_by = serializers.StringRelatedField()
    has_report = serializers.SerializerMethodField()

    class Meta:
        model = ImportJob
        fields = [
            "id", "kind", "original_name", "file_format", "encoding", "headers", "mapping", "duplicate_mode",
            "status", "total_rows", "processed_rows", "imported", "updated", "skipped", "rejected", "progress",
            "error", "has_report", "created_by", "created_at", "started_at", "finished_at",
        ]
        read_only_fields = fields

    def get_has_report(self, job) -> bool:
        return bool(job.report)


class UploadSerializer(serializers.Serializer):
    file = serializers.FileField()
    kind = serializers.CharField(default="customers")
    duplicate_mode = serializers.ChoiceField(choices=ImportJob.DuplicateMode.choices, default="skip")
    mapping = serializers.CharField(required=False, allow_blank=True)
    start = serializers.BooleanField(default=True)


class StartSerializer(serializers.Serializer):
    mapping = serializers.JSONField(required=False)
    duplicate_mode = serializers.ChoiceField(choices=ImportJob.DuplicateMode.choices, required=False)


class IssueSerializer(serializers.ModelSerializer):
    class Meta:
        model = ImportIssue
        fields = ["row_number", "outcome", "reasons", "values"]


def _mapping(raw) -> dict | None:
    if raw in (None, ""):
        return None
    if isinstance(raw, dict):
        return raw
    try:
        value = json.loads(raw)
    except ValueError:
        raise ValidationError({"mapping": ["Send the mapping as a JSON object."]}) from None
    if not isinstance(value, dict):
        raise ValidationError({"mapping": ["Send the mapping as a JSON object."]})
    return value


class ImportJobViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = ImportJobSerializer
    queryset = ImportJob.objects.none()  # for the schema only (typed ids); get_queryset() scopes
    permission_classes = [IsAuthenticated]
    parser_classes = [MultiPartParser, FormParser, JSONObjectParser]
    search_fields = ["original_name"]
    ordering_fields = ["created_at"]

    def get_queryset(self):
        return services.jobs_for(self.request.user)

    @extend_schema(request=UploadSerializer, responses={201: ImportJobSerializer})
    def create(self, request):
        data = UploadSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        try:
            importer = get_importer(values["kind"])
        except LookupError:
            raise ValidationError({"kind": [f"No import of “{values['kind']}”."]}) from None
        if not is_visible(importer.module):  # an optional module that is off here
            raise ValidationError({"kind": [f"No import of “{values['kind']}”."]})
        # The worker reads the file (status "reading"), then queues it when ``start`` and the
        # mapping (given or proposed) is whole; otherwise it waits as "pending" for ``start/``.
        job = services.create_job(
            by=request.user, kind=values["kind"], upload=values["file"], duplicate_mode=values["duplicate_mode"],
            mapping=_mapping(values.get("mapping")), start=values["start"],
        )
        return Response(ImportJobSerializer(job).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=StartSerializer, responses=ImportJobSerializer)
    @action(detail=True, methods=["post"])
    def start(self, request, pk=None):
        job = self.get_object()
        data = StartSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        if "mapping" in values or "duplicate_mode" in values:
            services.set_mapping(job, by=request.user, mapping=_mapping(values.get("mapping")) or job.mapping,
                                 duplicate_mode=values.get("duplicate_mode"))
        job = services.start(job, by=request.user)
        return Response(ImportJobSerializer(job).data)

    @action(detail=True, methods=["get"])
    def preview(self, request, pk=None):
        job = self.get_object()
        if job.status == ImportJob.Status.READING:
            return Response({"detail": _("The file is still being read; try again in a moment.")},
                            status=status.HTTP_409_CONFLICT)
        columns, rows = services.preview(job)
        return Response({
            "columns": [{"key": c.key, "label": c.label} for c in columns],
            "rows": [
                {"row": r.number, "cells": [{"value": v, "problem": p} for v, p in r.cells], "problems": r.problems,
                 "duplicate": r.duplicate}
                for r in rows
            ],
        })

    @extend_schema(responses=IssueSerializer(many=True))
    @action(detail=True, methods=["get"])
    def issues(self, request, pk=None):
        job = self.get_object()
        if not services.can_download(request.user, job):
            raise Http404
        page = self.paginate_queryset(job.issues.order_by("row_number"))
        return self.get_paginated_response(IssueSerializer(page, many=True).data)

    @extend_schema(responses={(200, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"): bytes})
    @action(detail=True, methods=["get"])
    def report(self, request, pk=None):
        from saas_core.imports.views import report

        job = self.get_object()
        return report(request._request, job.pk)
