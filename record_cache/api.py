"""API lists served from the record cache (record_cache): the same URL, time zone and day over the same
record give the same page, so a page is built once per change of the record, not once per request.

Authentication, permissions and throttling still run on every request; only the page's data is cached.
Nothing in a list depends on who asks (reads are public), which is what makes one entry per URL correct.
"""

from collections.abc import Callable
from typing import Any

from django.http import StreamingHttpResponse
from django.utils import timezone
from rest_framework.request import Request
from rest_framework.response import Response

from raa_tracker.api.bases import ListViewSetBase
from record_cache.cache import cached


def cached_page(name: str, request: Request, build: Callable[[], dict]) -> Response:
    """`build()` (a list page's data) keyed by the absolute URL (host, scheme, query), zone and day
    (milestones' `overdue` depends on the day)."""
    parts = [request.build_absolute_uri(), timezone.get_current_timezone_name(), timezone.localdate().isoformat()]
    return Response(cached(f"api:{name}", parts, build))


class CachedListMixin(ListViewSetBase):
    """`list` through the record cache; CSV exports stream uncached. A view with a faster way to build a
    page overrides `list_data`."""

    def list(  # type: ignore[override]  # a CSV export (CSVExportMixin, next in line) streams
        self, request: Request, *args: Any, **kwargs: Any
    ) -> Response | StreamingHttpResponse:
        if getattr(request.accepted_renderer, "format", None) != "json":  # a file export (CSV, XLSX, ...)
            return super().list(request, *args, **kwargs)
        return cached_page(self.basename, request, lambda: self.list_data(request, *args, **kwargs))

    def list_data(self, request: Request, *args: Any, **kwargs: Any) -> dict:
        return super().list(request, *args, **kwargs).data
