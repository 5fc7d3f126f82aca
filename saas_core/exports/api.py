"""REST API of the whole-company export (Boss only): /api/v1/company/export/…"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.decorators import api_view, permission_classes
from rest_framework.request import Request
from rest_framework.response import Response

from saas_core.accounts.permissions import IsBoss
from saas_core.exports import services
from saas_core.exports.models import CompanyExport


class CompanyExportSerializer(serializers.ModelSerializer):
    download_url = serializers.SerializerMethodField()

    class Meta:
        model = CompanyExport
        fields = ["token", "status", "progress", "step", "size", "counts", "error", "created_at", "finished_at",
                  "expires_at", "download_url"]

    def get_download_url(self, export: CompanyExport) -> str | None:
        if not export.downloadable:
            return None
        return reverse("api-company-export-download", kwargs={"token": export.token})


@extend_schema(methods=["GET"], responses=CompanyExportSerializer(many=True))
@extend_schema(methods=["POST"], request=None, responses={202: CompanyExportSerializer})
@api_view(["GET", "POST"])
@permission_classes([IsBoss])
def exports(request: Request) -> Response:
    """GET: the latest exports; POST: start one (202 Accepted; poll its URL for the progress)."""
    if request.method == "POST":
        try:
            export = services.start(request.user, language=getattr(request, "LANGUAGE_CODE", ""))
        except ValidationError as exc:
            return Response({"detail": " ".join(exc.messages), "errors": {}}, status=status.HTTP_409_CONFLICT)
        return Response(CompanyExportSerializer(export).data, status=status.HTTP_202_ACCEPTED)
    return Response(CompanyExportSerializer(services.visible_to(request.user)[:20], many=True).data)


def _one(request: Request, token) -> CompanyExport:
    export = services.visible_to(request.user).filter(token=token).first()
    if export is None:
        raise Http404
    return export


@extend_schema(responses=CompanyExportSerializer)
@api_view(["GET"])
@permission_classes([IsBoss])
def export_detail(request: Request, token) -> Response:
    return Response(CompanyExportSerializer(_one(request, token)).data)


@extend_schema(responses={(200, "application/zip"): OpenApiResponse(OpenApiTypes.BINARY, description="The archive.")})
@api_view(["GET"])
@permission_classes([IsBoss])
def export_download(request: Request, token):
    try:
        export, handle = services.download(request.user, token)
    except CompanyExport.DoesNotExist:
        raise Http404 from None
    return FileResponse(handle, as_attachment=True, filename=export.file.rsplit("/", 1)[-1],
                        content_type="application/zip")
