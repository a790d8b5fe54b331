"""Conditional requests (RFC 9110 §13) and optimistic concurrency for the API.

Detail responses carry the record's ETag. `If-Match` and `If-None-Match` are honoured on every method but
OPTIONS (which has no selected representation, §13.2.1): If-Match compares strongly (a weak tag never
matches), If-None-Match weakly; a matching If-None-Match answers 304 on GET/HEAD and 412 otherwise; a
failed If-Match answers 412. An empty or malformed header is a 400 that names it, never silently ignored.

If-Match is compared here with the row as read, which answers most stale writes at once; the version it
matched is then handed to the service (`expected_version`), which compares it again under the row lock it
takes (raa_tracker.services.locked_for_write), so of two clients holding the same ETag exactly one succeeds
and the other gets 412 (StaleVersion). Writes without If-Match are serialised by the same lock. A write runs
in one transaction that is rolled back whenever the response is an error.
"""

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar

from django.db import transaction
from django.db.models import Model
from django.http import HttpRequest, HttpResponseNotModified
from django.http.response import HttpResponseBase
from django.utils.translation import gettext as _
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from raa_tracker.versions import version_of

from .problems import PreconditionFailed

if TYPE_CHECKING:
    # The mixin extends the DRF view it is mixed into, of the model that view serves.
    from rest_framework.generics import GenericAPIView as _ViewOf
else:
    from typing import Generic as _ViewOf  # at run time a plain mixin, subscriptable by its model

_M = TypeVar("_M", bound=Model)

UNSAFE = {"PUT", "PATCH", "DELETE", "POST"}
CONDITIONAL_HEADERS = ("If-Match", "If-None-Match")

# entity-tag = [ "W/" ] DQUOTE *etagc DQUOTE; etagc = %x21 / %x23-7E / obs-text (RFC 9110 §8.8.3).
_OPAQUE = r'"[\x21\x23-\x7e\x80-\xff]*"'
_TAG = rf"(?:W/)?{_OPAQUE}"
_TAG_PARTS = re.compile(rf"(W/)?({_OPAQUE})")
_WS = r"[ \t]*"
# 1#entity-tag: at least one tag; empty list elements between commas are allowed (§5.6.1.2).
_TAGS = rf"{_WS}(?:,{_WS})*{_TAG}(?:{_WS},(?:{_WS},)*{_WS}{_TAG})*(?:{_WS},)*{_WS}"
_TAG_LIST = re.compile(_TAGS)
# What either header may hold, `*` or the list; the OpenAPI document declares it (raa_tracker.api.schema).
CONDITION_PATTERN = rf"^(?:{_WS}\*{_WS}|{_TAGS})$"


@dataclass(frozen=True)
class EntityTag:
    opaque: str  # with its quotes
    weak: bool


@dataclass(frozen=True)
class Condition:
    """A parsed If-Match or If-None-Match: `*` (any current representation) or a list of entity tags."""

    any: bool
    tags: tuple[EntityTag, ...] = ()

    def matches(self, etag: str | None, *, exists: bool, strong: bool) -> bool:
        if self.any:
            return exists
        if etag is None:
            return False
        current = parse_tag(etag)
        if strong:
            return not current.weak and any(not tag.weak and tag.opaque == current.opaque for tag in self.tags)
        return any(tag.opaque == current.opaque for tag in self.tags)


def parse_tag(etag: str) -> EntityTag:
    parts = _TAG_PARTS.fullmatch(etag)
    assert parts is not None, etag  # the tags compared with a request's are etag_for()'s own
    weak, opaque = parts.groups()
    return EntityTag(opaque, bool(weak))


def parse_condition(name: str, value: str) -> Condition:
    """The header's value as a Condition; ValidationError (a 400 naming the header) when empty or malformed."""
    if value.strip() == "*":
        return Condition(any=True)
    if not value.strip():
        message = _('The %(header)s header is empty; send * or entity tags such as "abc".') % {"header": name}
        raise serializers.ValidationError({name: [message]})
    if not _TAG_LIST.fullmatch(value):
        message = _('Send * or a comma-separated list of quoted entity tags such as "abc" or W/"abc".')
        raise serializers.ValidationError({name: [message]})
    return Condition(any=False, tags=tuple(EntityTag(opaque, bool(weak)) for weak, opaque in _TAG_PARTS.findall(value)))


def read_conditions(request: Request) -> dict[str, Condition]:
    """The conditional headers the request carries, parsed (all of them, so every malformed one is named)."""
    conditions: dict[str, Condition] = {}
    errors: dict[str, Any] = {}
    for name in CONDITIONAL_HEADERS:
        value = request.headers.get(name)
        if value is None:
            continue
        try:
            conditions[name] = parse_condition(name, value)
        except serializers.ValidationError as refusal:
            assert isinstance(refusal.detail, dict)  # parse_condition() names the header
            errors.update(refusal.detail)
    if errors:
        raise serializers.ValidationError(errors)
    return conditions


class NotModified(Exception):
    """A GET or HEAD whose If-None-Match matched: answered 304 with the ETag and no body."""

    def __init__(self, etag: str | None) -> None:
        super().__init__(etag)
        self.etag = etag


def evaluate_preconditions(
    conditions: dict[str, Condition], method: str, *, etag: str | None, exists: bool = True
) -> None:
    """RFC 9110 §13.2.2, steps 1 and 3 (there is no Last-Modified, so the date conditions do not apply)."""
    if_match = conditions.get("If-Match")
    if if_match is not None and not if_match.matches(etag, exists=exists, strong=True):
        raise PreconditionFailed()
    if_none_match = conditions.get("If-None-Match")
    if if_none_match is not None and if_none_match.matches(etag, exists=exists, strong=False):
        if method in ("GET", "HEAD"):
            raise NotModified(etag)
        raise PreconditionFailed()


def _has_body(request: Request) -> bool:
    """Whether the client sent content (a DELETE takes none; ignoring it would hide the client's mistake)."""
    if request.headers.get("Transfer-Encoding"):
        return True
    length = request.headers.get("Content-Length") or "0"
    return not length.isdigit() or int(length) > 0


def etag_for(obj: Model) -> str:
    return f'"{version_of(obj)}"'


def _method(request: HttpRequest) -> str:
    """The request's method, which Django's handlers set on every request they pass to a view."""
    assert request.method is not None
    return request.method


class ConcurrencyMixin(_ViewOf[_M]):
    """For viewsets: conditional requests on every method, row locks on writes, the ETag with every detail.

    Collections (list routes) have no ETag: `*` matches them (they always exist), a listed tag never does.
    Subscripted with the view's model (`ConcurrencyMixin[Agreement]`), `get_object()` returns that model.
    """

    conditions: dict[str, Condition] | None = None
    expected_version: str | None = None  # the version If-Match matched, for the service to check under its lock
    etag_object: _M | None = None  # the record this response represents, whose ETag it carries

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if request.method not in UNSAFE:
            return super().dispatch(request, *args, **kwargs)
        with transaction.atomic():
            response = super().dispatch(request, *args, **kwargs)
            if response.status_code >= 400:
                # The error was turned into a response inside this block: nothing of the request may stay.
                transaction.set_rollback(True)
            return response

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        super().initial(request, *args, **kwargs)
        method = _method(request)
        if method == "OPTIONS":
            return  # no selected representation: the conditional headers do not apply (RFC 9110 §13.2.1)
        if not hasattr(self, method.lower()):
            return  # 405 follows
        self.conditions = read_conditions(request)
        if self.conditions and not getattr(self, "detail", False):
            evaluate_preconditions(self.conditions, method, etag=None)

    # DRF's dispatch passes what handle_exception returns to finalize_response, which takes any HttpResponseBase
    # (it renders only a Response); the stubs narrow it to Response, which a 304 without a body is not.
    def handle_exception(self, exc: Exception) -> HttpResponseBase:  # type: ignore[override]
        if isinstance(exc, NotModified):
            response = HttpResponseNotModified()
            if exc.etag:
                response["ETag"] = exc.etag
            return response
        return super().handle_exception(exc)

    def get_object(self) -> _M:
        obj = super().get_object()
        method = _method(self.request)
        if method == "DELETE" and _has_body(self.request):
            raise serializers.ValidationError({"non_field_errors": [_("This request takes no body.")]})
        if self.conditions:
            evaluate_preconditions(self.conditions, method, etag=etag_for(obj))
            if_match = self.conditions.get("If-Match")
            if if_match is not None and not if_match.any and method in UNSAFE:
                self.expected_version = version_of(obj)
        self.etag_object = obj
        return obj

    def finalize_response(self, request: Request, response: Response, *args: Any, **kwargs: Any) -> Response:
        response = super().finalize_response(request, response, *args, **kwargs)
        obj = self.etag_object
        if obj is None or request.method == "OPTIONS":
            return response  # OPTIONS describes the endpoint, not the record's representation
        if 200 <= response.status_code < 300 and response.status_code != 204:
            if request.method in UNSAFE and hasattr(obj, "updated_at"):
                obj.refresh_from_db(fields=["updated_at"])
            response["ETag"] = etag_for(obj)
        return response
