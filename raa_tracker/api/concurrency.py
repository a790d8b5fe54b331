"""Optimistic concurrency for the API: ETags on detail responses, If-Match on writes.

Writes lock the row (SELECT … FOR UPDATE) before comparing If-Match, so of two
clients holding the same ETag exactly one succeeds and the other gets 412;
writes without If-Match are serialised by the same lock.
"""

from django.db import transaction
from django.db.models import Model
from django.shortcuts import get_object_or_404
from rest_framework.request import Request
from rest_framework.response import Response

from raa_tracker.versions import version_of

from .problems import PreconditionFailed

UNSAFE = {"PUT", "PATCH", "DELETE", "POST"}


def etag_for(obj: Model) -> str:
    return f'"{version_of(obj)}"'


def if_match_allows(request: Request, obj: Model) -> bool:
    header = request.headers.get("If-Match")
    if header is None:
        return True
    tags = {tag.strip().removeprefix("W/") for tag in header.split(",")}
    return "*" in tags or etag_for(obj) in tags


class ConcurrencyMixin:
    """For viewsets: lock the object on writes, honour If-Match, and send the ETag with every detail."""

    def dispatch(self, request: Request, *args: object, **kwargs: object) -> Response:
        if request.method not in UNSAFE:
            return super().dispatch(request, *args, **kwargs)
        with transaction.atomic():
            response = super().dispatch(request, *args, **kwargs)
            if response.status_code >= 400:
                # The error was turned into a response inside this block: nothing of the request may stay.
                transaction.set_rollback(True)
            return response

    def get_object(self) -> Model:
        if self.request.method not in UNSAFE:
            obj = super().get_object()
        else:
            queryset = self.get_queryset().select_for_update(of=("self",))
            lookup_url_kwarg = self.lookup_url_kwarg or self.lookup_field
            obj = self._get_locked(queryset, {self.lookup_field: self.kwargs[lookup_url_kwarg]})
            self.check_object_permissions(self.request, obj)
            if not if_match_allows(self.request, obj):
                raise PreconditionFailed()
        self.etag_object = obj
        return obj

    def _get_locked(self, queryset: object, lookup: dict) -> Model:
        return get_object_or_404(queryset, **lookup)

    def finalize_response(self, request: Request, response: Response, *args: object, **kwargs: object) -> Response:
        response = super().finalize_response(request, response, *args, **kwargs)
        obj = getattr(self, "etag_object", None)
        if obj is not None and 200 <= response.status_code < 300 and response.status_code != 204:
            if request.method in UNSAFE and hasattr(obj, "updated_at"):
                obj.refresh_from_db(fields=["updated_at"])
            response["ETag"] = etag_for(obj)
        return response
