"""CSV export of any list with the same filters: `?format=csv`, streamed row by row."""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any

from django.db.models import Model, QuerySet
from django.http import StreamingHttpResponse
from rest_framework import serializers
from rest_framework.exceptions import ValidationError
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.renderers import BaseRenderer
from rest_framework.request import Request
from rest_framework.response import Response

from .bases import ListViewSetBase


class FormatNegotiation(DefaultContentNegotiation):
    """`?format=` names one of the endpoint's formats (json, csv); empty or unknown is a 400 that names it.

    DRF reads an empty value as "not given" (a client expecting CSV would silently get JSON) and an unknown one
    as a 404 (the resource exists). The 400 comes with content negotiation, before authentication, as a 406
    for an unusable Accept header does."""

    def select_renderer(
        self, request: Request, renderers: Iterable[BaseRenderer], format_suffix: str | None = None
    ) -> tuple[BaseRenderer, str]:
        name = self.settings.URL_FORMAT_OVERRIDE
        if not format_suffix and name and name in request.query_params:
            known = [renderer.format for renderer in renderers]
            values = request.query_params.getlist(name)
            if len(values) != 1 or values[0] not in known:
                raise ValidationError({name: [f"Choose one of: {', '.join(known)}."]})
        return super().select_renderer(request, renderers, format_suffix)


class CSVRenderer(BaseRenderer):
    """Declares text/csv for content negotiation; lists stream their rows themselves (CSVExportMixin)."""

    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"

    def render(
        self, data: Any, accepted_media_type: str | None = None, renderer_context: Mapping[str, Any] | None = None
    ) -> bytes:
        # Reached only for errors and non-list responses: one row per top-level field.
        if isinstance(data, dict):
            return _csv_text([list(data), [_cell(v) for v in data.values()]]).encode()
        return b""


class _Echo:
    def write(self, value: str) -> str:
        return value


def _csv_text(rows: list[list[str]]) -> str:
    writer = csv.writer(_Echo())
    return "".join(writer.writerow(row) for row in rows)


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        return "; ".join(_cell(item) for item in value)
    if isinstance(value, dict):
        for key in ("alpha3", "state", "code", "slug", "title", "id"):
            if key in value:
                return _cell(value[key])
        return "; ".join(f"{k}={_cell(v)}" for k, v in value.items())
    return str(value)


class CSVExportMixin(ListViewSetBase):
    """For list views: with ?format=csv, stream every row that the filters select (no pagination)."""

    csv_chunk_size = 500

    def list(  # type: ignore[override]  # a CSV export streams, which DRF's list (a Response) does not
        self, request: Request, *args: Any, **kwargs: Any
    ) -> Response | StreamingHttpResponse:
        if getattr(request.accepted_renderer, "format", None) != "csv":
            return super().list(request, *args, **kwargs)
        queryset = self.filter_queryset(self.get_queryset())
        serializer = self.get_serializer()
        assert isinstance(serializer, serializers.Serializer)  # the lists' serializers have named fields
        fields = [name for name, field in serializer.fields.items() if not field.write_only]
        response = StreamingHttpResponse(self._csv_rows(queryset, fields), content_type="text/csv; charset=utf-8")
        name = str(self.get_queryset().model._meta.verbose_name_plural).replace(" ", "-")
        response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
        return response

    def _csv_rows(self, queryset: QuerySet[Model], fields: Sequence[str]) -> Iterator[str]:
        writer = csv.writer(_Echo())
        yield writer.writerow(fields)
        for obj in queryset.iterator(chunk_size=self.csv_chunk_size):
            data = self.get_serializer(obj).data
            # DRF keeps ?format=csv on the links it builds; the links in a CSV point at the JSON resources.
            row = [_cell(data.get(name)).replace("?format=csv", "") for name in fields]
            yield writer.writerow(row)
