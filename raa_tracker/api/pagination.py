from collections import OrderedDict
from collections.abc import Sequence
from typing import Any

from django.db.models import QuerySet
from rest_framework import pagination
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView


class PageNumberPagination(pagination.PageNumberPagination):
    """Numbered pages; `page_size` up to 200 (larger asks are capped, malformed ones refused)."""

    page_size: int = 50
    page_size_query_param: str = "page_size"
    max_page_size: int = 200

    def get_page_size(self, request: Request) -> int:
        return _page_size(request, self.page_size_query_param, self.page_size, self.max_page_size)

    def paginate_queryset(
        self, queryset: QuerySet[Any] | Sequence[Any], request: Request, view: APIView | None = None
    ) -> list[Any] | None:
        raw = request.query_params.get(self.page_query_param)
        if raw is not None and raw != "last" and not (raw.isdigit() and len(raw) < 10):
            raise ValidationError({"page": ["Enter a page number (1, 2, …) or 'last'."]})
        return super().paginate_queryset(queryset, request, view)

    def get_schema_operation_parameters(self, view: APIView) -> list[dict[str, Any]]:
        """What paginate_queryset and get_page_size accept, so that the schema promises no more."""
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if parameter["name"] == self.page_query_param:
                parameter["schema"] = {"type": "string", "pattern": "^([0-9]{1,9}|last)$"}
                parameter["description"] = "A page number (1, 2, …) or `last`."
        return _document_page_size(parameters, self.page_size_query_param, self.max_page_size)

    def get_paginated_response_schema(self, schema: dict[str, Any]) -> dict[str, Any]:
        response = super().get_paginated_response_schema(schema)
        response["required"] = ["count", "results"]
        return response

    def get_paginated_response(self, data: list[Any]) -> Response:
        assert self.page is not None  # paginate_queryset has cut the page
        return Response(
            OrderedDict(
                [
                    ("count", self.page.paginator.count),
                    ("next", self.get_next_link()),
                    ("previous", self.get_previous_link()),
                    ("results", data),
                ]
            )
        )


class CursorPagination(pagination.CursorPagination):
    """Pages of a log, newest first: stable under inserts, cheap however deep the page (no count)."""

    page_size: int = 50
    page_size_query_param: str = "page_size"
    max_page_size: int = 200

    def get_page_size(self, request: Request) -> int:
        return _page_size(request, self.page_size_query_param, self.page_size, self.max_page_size)

    def get_schema_operation_parameters(self, view: APIView) -> list[dict[str, Any]]:
        """`page_size` as get_page_size parses it; `cursor` is opaque (the `next` and `previous` links)."""
        parameters = super().get_schema_operation_parameters(view)
        return _document_page_size(parameters, self.page_size_query_param, self.max_page_size)


class EventCursorPagination(CursorPagination):
    """The status history, by when each change was recorded."""

    ordering = ("-recorded_at", "-id")


class ChangeCursorPagination(CursorPagination):
    """The change log, by id: unique and in the order the changes were written, so a cursor never skips or
    repeats a row, however many changes share a moment."""

    ordering = ("-id",)


def _page_size(request: Request, name: str, default: int, maximum: int) -> int:
    """The page size asked for in `name`, capped at `maximum`, `default` if not asked; malformed is a 400."""
    raw = request.query_params.get(name)
    if raw is None:
        return default
    if not raw.isdigit() or int(raw) < 1:
        raise ValidationError({"page_size": ["Enter a whole number from 1 to 200."]})
    return min(int(raw), maximum)


def _document_page_size(parameters: list[dict[str, Any]], name: str, maximum: int) -> list[dict[str, Any]]:
    """`page_size` as get_page_size parses it, shared by both paginations."""
    for parameter in parameters:
        if parameter["name"] == name:
            parameter["schema"] = {"type": "integer", "minimum": 1}
            parameter["description"] = f"Results per page, 1 or more (more than {maximum} is capped)."
    return parameters
