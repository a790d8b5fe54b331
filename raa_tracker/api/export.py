"""CSV export of any list with the same filters: `?format=csv`, streamed row by row; and the file exports
that a higher app registers for a model's list (`register_list_export`: the interchange format's XLSX and
ODS for agreements), which this package offers without importing that app."""

from __future__ import annotations

import csv
import tempfile
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import IO, Any

from django.db.models import Model, QuerySet
from django.http import FileResponse, StreamingHttpResponse
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


@dataclass(frozen=True)
class ListExport:
    """A file a model's list can be downloaded as: `write(queryset, out)` writes the filtered rows into `out`."""

    format: str
    media_type: str
    write: Callable[[QuerySet[Any], IO[bytes]], None]


_LIST_EXPORTS: dict[str, dict[str, ListExport]] = {}


def register_list_export(model: type[Model], export: ListExport) -> None:
    """Offer `?format=<export.format>` on the lists of `model` (called by the app that writes the file, when
    it is ready)."""
    _LIST_EXPORTS.setdefault(model._meta.label_lower, {})[export.format] = export


def list_exports(model: type[Model]) -> dict[str, ListExport]:
    return _LIST_EXPORTS.get(model._meta.label_lower, {})


class _FileRenderer(BaseRenderer):
    """Declares an export's media type for content negotiation; the list writes the file itself (this renders
    only what an error or a non-list response would, as CSV's renderer does)."""

    charset = None

    def __init__(self, export: ListExport) -> None:
        self.media_type, self.format = export.media_type, export.format

    def render(
        self, data: Any, accepted_media_type: str | None = None, renderer_context: Mapping[str, Any] | None = None
    ) -> bytes:
        return CSVRenderer().render(data, accepted_media_type, renderer_context)


def _file_renderer(export: ListExport) -> BaseRenderer:
    return _FileRenderer(export)


class CSVExportMixin(ListViewSetBase):
    """For list views: with ?format=csv, stream every row that the filters select (no pagination); with the
    format of a registered file export (?format=xlsx), the file of every row the filters select."""

    csv_chunk_size = 500

    def get_renderers(self) -> list[BaseRenderer]:
        renderers = list(super().get_renderers())
        if getattr(self, "action", None) != "list":
            return renderers  # a file export is of a list (a record's detail is JSON or CSV)
        return renderers + [_file_renderer(export) for export in list_exports(self.get_queryset().model).values()]

    def list(  # type: ignore[override]  # a CSV export streams, which DRF's list (a Response) does not
        self, request: Request, *args: Any, **kwargs: Any
    ) -> Response | StreamingHttpResponse | FileResponse:
        chosen = getattr(request.accepted_renderer, "format", None)
        model = self.get_queryset().model
        export = list_exports(model).get(chosen or "")
        if export is not None:
            out = tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024)  # noqa: SIM115 - FileResponse closes it
            export.write(self.filter_queryset(model._default_manager.all()), out)
            out.seek(0)
            name = str(model._meta.verbose_name_plural).replace(" ", "-")
            return FileResponse(
                out, as_attachment=True, filename=f"{name}.{export.format}", content_type=export.media_type
            )
        if chosen != "csv":
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
