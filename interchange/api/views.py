"""POST /api/v1/imports/: a record file checked (a dry run) or, with ?apply=true, written."""

import io
from typing import Any

import orjson
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import permissions, serializers
from rest_framework.parsers import JSONParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView
from rest_framework.viewsets import ViewSet

from accounts import policy
from accounts.api.permissions import token_scope_allows
from accounts.policy import Action, acting_user
from negotiations.models import Agreement
from raa_tracker.api.concurrency import ConcurrencyMixin
from raa_tracker.api.problems import PROBLEM_CONTENT_TYPE, problem
from raa_tracker.api.renderers import ORJSONRenderer
from raa_tracker.api.serializers import StrictTypesMixin

from ..format import BY_NAME
from ..importer import import_records
from ..reading import FileRefused, refuse_declared_size


class ImportPermission(permissions.BasePermission):
    """Those who record progress import (officials for their states' agreements, administrators); which rows
    each may write is the services' to say, row by row. A read-only token never writes."""

    message = "Sign in as an official or administrator to import records."

    def has_permission(self, request: Request, view: APIView) -> bool:
        if not request.user.is_authenticated:
            return False
        if not token_scope_allows(request):
            self.message = "This token is read-only; create a token with write scope to import."
            return False
        if not policy.can(request.user, Action.CREATE, Agreement):
            self.message = "Your account may not record progress, so it may not import records."
            return False
        return True


class ImportRequestSerializer(StrictTypesMixin, serializers.Serializer[Any]):
    file = serializers.FileField(help_text="XLSX, ODS, CSV, YAML or JSON in the format of docs/import-format.md")
    sheet = serializers.CharField(required=False, help_text="For a CSV file: the sheet it holds (e.g. events)")


class ImportViewSet(ConcurrencyMixin[Agreement], ViewSet):
    """Check a record file and answer row by row what would happen; with `?apply=true`, write it (everything or
    nothing). A file with refused rows is a 422 naming each error's sheet, row, column and rule.

    The file comes as the multipart field `file` (any encoding), or the body is the record itself in the JSON
    encoding (application/json: format, version and one list per sheet)."""

    parser_classes = [MultiPartParser, JSONParser]
    renderer_classes = [ORJSONRenderer]  # the report is JSON (?format=json); any other format is a 400
    permission_classes = [ImportPermission]

    @extend_schema(
        summary="Import a record file (dry run unless ?apply=true)",
        request=ImportRequestSerializer,
        parameters=[OpenApiParameter("apply", bool, description="write the file (default: a dry run)")],
        responses={
            200: OpenApiResponse(description="Dry run: what each row would do."),
            201: OpenApiResponse(description="Applied: what each row did."),
            413: OpenApiResponse(description="Larger than IMPORT_MAX_BYTES, or a workbook that unpacks too far."),
            415: OpenApiResponse(description="Not a kind of file the import reads."),
            422: OpenApiResponse(description="Refused rows; nothing was written."),
        },
    )
    def create(self, request: Request) -> Response:
        try:
            refuse_declared_size(request.META.get("CONTENT_LENGTH"))
        except FileRefused as refused:
            return self._problem(refused.status, refused.message, type_name="file-refused")
        unknown = sorted(set(request.query_params) - {"apply", "format"})
        apply = request.query_params.get("apply", "false").lower()
        if unknown or apply not in ("true", "false"):
            errors = {name: ["Unknown parameter."] for name in unknown}
            if apply not in ("true", "false"):
                errors["apply"] = ["Write true or false."]
            return self._problem(400, "Check the query parameters.", errors=errors)
        if request.content_type.startswith("application/json"):
            return self._json_record(request, apply == "true")
        form = ImportRequestSerializer(data=request.data)
        valid = form.is_valid()
        errors = {name: [str(message) for message in messages] for name, messages in form.errors.items()}
        errors |= {name: ["Unknown field."] for name in sorted(set(request.data) - set(form.fields))}
        if errors or not valid:
            return self._problem(400, "Send the file as the multipart field 'file'.", errors=errors)
        upload = form.validated_data["file"]
        return self._import(
            request, upload, upload.name or "upload", apply == "true", sheet=form.validated_data.get("sheet")
        )

    def _json_record(self, request: Request, apply: bool) -> Response:
        """The record as the request's JSON body: its members are the format's, each named when unknown."""
        data = request.data
        if not isinstance(data, dict):
            detail = "Send the record as a JSON object: format, version and one list per sheet."
            return self._problem(400, detail, errors={"non_field_errors": [detail]})
        unknown = sorted(set(data) - {"format", "version"} - set(BY_NAME))
        if unknown:
            return self._problem(400, "Unknown fields.", errors={name: ["Unknown field."] for name in unknown})
        try:
            body = orjson.dumps(data)  # the digest and the report read the record as the JSON file it is
        except orjson.JSONEncodeError:
            detail = "A number in the record is larger than 64 bits; no field of the format holds one."
            return self._problem(400, detail, errors={"non_field_errors": [detail]})
        return self._import(request, io.BytesIO(body), "request.json", apply)

    def _import(self, request: Request, stream: Any, name: str, apply: bool, sheet: str | None = None) -> Response:
        try:
            report = import_records(stream, name=name, actor=acting_user(request.user), dry_run=not apply, sheet=sheet)
        except FileRefused as refused:
            return self._problem(
                refused.status, refused.message, type_name="file-refused", errors={"file": [refused.message]}
            )
        body = report.as_dict() | {"summary": report.summary()}
        if not report.ok:
            detail = f"{len(report.problems)} errors; nothing was written. {report.summary()}"
            return self._problem(
                422, detail, type_name="import-refused", **{k: v for k, v in body.items() if k != "summary"}
            )
        return Response(body, status=201 if report.applied else 200)

    @staticmethod
    def _problem(status: int, detail: str, type_name: str | None = None, **extra: object) -> Response:
        body = problem(status, detail, type_name=type_name, **extra)
        if status == 422:
            body["title"] = "Unprocessable content"
        return Response(body, status=status, content_type=PROBLEM_CONTENT_TYPE)
