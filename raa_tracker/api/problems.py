"""Every API error as an RFC 9457 problem document (application/problem+json).

    {"type": "…/problems/validation-error", "title": "Invalid input", "status": 400,
     "detail": "…", "errors": {"field": ["message"]}}

Django's ValidationError from a model or service becomes a 400 with field errors; a change refused by the
record's state (raa_tracker.errors.ConflictError, such as a refused status move) a 409 whose members the
error itself names (for a status move: the current status and the allowed next ones); PermissionDenied a 403.
"""

from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError
from django.db.models import ProtectedError, RestrictedError
from django.http import Http404, HttpRequest, JsonResponse
from django.utils.translation import gettext as _
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import set_rollback

from raa_tracker.api.renderers import ORJSONRenderer
from raa_tracker.errors import ConflictError
from raa_tracker.versions import StaleVersion

PROBLEM_CONTENT_TYPE = "application/problem+json"
PROBLEM_BASE = "/api/v1/problems/"

TITLES = {
    400: "Invalid input",
    401: "Not authenticated",
    403: "Forbidden",
    404: "Not found",
    405: "Method not allowed",
    406: "Not acceptable",
    409: "Conflict",
    412: "Precondition failed",
    415: "Unsupported media type",
    429: "Too many requests",
    500: "Server error",
    503: "Service unavailable",
}
TYPES = {
    400: "validation-error",
    401: "not-authenticated",
    403: "forbidden",
    404: "not-found",
    405: "method-not-allowed",
    406: "not-acceptable",
    409: "conflict",
    412: "precondition-failed",
    415: "unsupported-media-type",
    429: "throttled",
    500: "server-error",
    503: "service-unavailable",
}


class PreconditionFailed(exceptions.APIException):
    status_code = status.HTTP_412_PRECONDITION_FAILED
    default_detail = "The resource has changed since you read it; fetch it again and retry with its new ETag."
    default_code = "precondition_failed"


def problem(status_code: int, detail: str, *, type_name: str | None = None, **extra: Any) -> dict[str, Any]:
    return {
        "type": PROBLEM_BASE + (type_name or TYPES.get(status_code, "error")),
        "title": TITLES.get(status_code, "Error"),
        "status": status_code,
        "detail": detail,
        **extra,
    }


def _flatten(errors: Any) -> Any:
    """DRF's ErrorDetail objects as plain strings, keeping the field structure."""
    if isinstance(errors, dict):
        return {str(key): _flatten(value) for key, value in errors.items()}
    if isinstance(errors, list):
        return [_flatten(item) for item in errors]
    return str(errors)


def _field_errors(errors: Any) -> dict[str, Any]:
    if isinstance(errors, dict):
        return {("non_field_errors" if key == "__all__" else key): value for key, value in _flatten(errors).items()}
    return {"non_field_errors": _flatten(errors if isinstance(errors, list) else [errors])}


def exception_handler(exc: Exception, context: dict) -> Response | None:
    """DRF's EXCEPTION_HANDLER: map every exception we expect to a problem document."""
    request = context.get("request")
    if request is not None:
        # Errors are JSON problem documents whatever format the client asked for (?format=csv included).
        request.accepted_renderer = ORJSONRenderer()
        request.accepted_media_type = PROBLEM_CONTENT_TYPE
    if isinstance(exc, ConflictError):
        set_rollback()
        body = problem(409, exc.detail, type_name=exc.problem_type, **exc.problem_members())
        return Response(body, status=409, content_type=PROBLEM_CONTENT_TYPE)
    if isinstance(exc, ProtectedError | RestrictedError):
        set_rollback()
        cited_by = sorted(
            {str(obj) for obj in exc.protected_objects if obj is not None}
            if isinstance(exc, ProtectedError)
            else {str(obj) for obj in exc.restricted_objects}
        )
        body = problem(
            409,
            _("This record is still in use and cannot be deleted: %(users)s") % {"users": "; ".join(cited_by[:10])},
            type_name="in-use",
            errors={},
        )
        return Response(body, status=409, content_type=PROBLEM_CONTENT_TYPE)
    if isinstance(exc, IntegrityError):
        set_rollback()
        body = problem(409, _("The change conflicts with a stored record; reload and retry."), errors={})
        return Response(body, status=409, content_type=PROBLEM_CONTENT_TYPE)
    if isinstance(exc, StaleVersion):
        exc = PreconditionFailed()  # the service found the row changed since the version If-Match matched
    elif isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(
            exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
        )
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied(str(exc) or None)
    if not isinstance(exc, exceptions.APIException):
        # A real server error: Django's handler500 answers (problem document for /api/); a database outage
        # becomes a 503 in raa_tracker.middleware.DatabaseOutageMiddleware.process_exception.
        return None

    headers = {}
    # Set by APIView.handle_exception on authentication failures, and by Throttled: not every APIException has them.
    auth_header, wait = getattr(exc, "auth_header", None), getattr(exc, "wait", None)
    if auth_header:
        headers["WWW-Authenticate"] = auth_header
    if wait:
        headers["Retry-After"] = str(int(wait))
    code = exc.status_code
    if isinstance(exc, exceptions.ValidationError):
        errors = _field_errors(exc.detail)
        first = next(iter(errors.items()), None)
        detail = _("Invalid input: %(field)s") % {"field": ", ".join(errors)} if first else _("Invalid input.")
        body = problem(code, detail, errors=errors)
    else:
        detail = exc.detail if isinstance(exc.detail, str) else _flatten(exc.detail)
        body = problem(code, str(detail) if not isinstance(detail, dict | list) else TITLES.get(code, "Error"))
        body["errors"] = {}
    set_rollback()
    return Response(body, status=code, headers=headers, content_type=PROBLEM_CONTENT_TYPE)


def json_problem(request: HttpRequest, status_code: int, detail: str) -> JsonResponse:
    return JsonResponse(problem(status_code, detail, errors={}), status=status_code, content_type=PROBLEM_CONTENT_TYPE)
