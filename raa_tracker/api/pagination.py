from collections import OrderedDict

from rest_framework import pagination
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response


class PageNumberPagination(pagination.PageNumberPagination):
    """Numbered pages; `page_size` up to 200 (larger asks are capped, malformed ones refused)."""

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200

    def get_page_size(self, request: Request) -> int:
        raw = request.query_params.get(self.page_size_query_param)
        if raw is None:
            return self.page_size
        if not raw.isdigit() or int(raw) < 1:
            raise ValidationError({"page_size": ["Enter a whole number from 1 to 200."]})
        return min(int(raw), self.max_page_size)

    def paginate_queryset(self, queryset: object, request: Request, view: object = None) -> list | None:
        raw = request.query_params.get(self.page_query_param)
        if raw is not None and raw != "last" and not (raw.isdigit() and len(raw) < 10):
            raise ValidationError({"page": ["Enter a page number (1, 2, …) or 'last'."]})
        return super().paginate_queryset(queryset, request, view)

    def get_schema_operation_parameters(self, view: object) -> list[dict]:
        """What paginate_queryset and get_page_size accept, so that the schema promises no more."""
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if parameter["name"] == self.page_query_param:
                parameter["schema"] = {"type": "string", "pattern": "^([0-9]{1,9}|last)$"}
                parameter["description"] = "A page number (1, 2, …) or `last`."
        return _document_page_size(parameters, self.page_size_query_param, self.max_page_size)

    def get_paginated_response_schema(self, schema: dict) -> dict:
        response = super().get_paginated_response_schema(schema)
        response["required"] = ["count", "results"]
        return response

    def get_paginated_response(self, data: list) -> object:
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


class EventCursorPagination(pagination.CursorPagination):
    """The status history: newest first, stable under inserts, cheap however deep the page."""

    ordering = ("-recorded_at", "-id")
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200

    def get_page_size(self, request: Request) -> int:
        return PageNumberPagination.get_page_size(self, request)

    def get_schema_operation_parameters(self, view: object) -> list[dict]:
        """`page_size` as get_page_size parses it; `cursor` is opaque (the `next` and `previous` links)."""
        parameters = super().get_schema_operation_parameters(view)
        return _document_page_size(parameters, self.page_size_query_param, self.max_page_size)


def _document_page_size(parameters: list[dict], name: str, maximum: int) -> list[dict]:
    """`page_size` as get_page_size parses it, shared by both paginations."""
    for parameter in parameters:
        if parameter["name"] == name:
            parameter["schema"] = {"type": "integer", "minimum": 1}
            parameter["description"] = f"Results per page, 1 or more (more than {maximum} is capped)."
    return parameters
