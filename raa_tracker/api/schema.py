"""OpenAPI post-processing: the schema says everything the app answers, so that clients and fuzzers can trust it.

drf-spectacular documents the success responses of the methods a view declares. These hooks add what the
rest of the stack does on every request: problem responses (RFC 9457) for every error the app can give, the
implicit HEAD and OPTIONS methods, the conditional headers (If-Match, If-None-Match) with their 304/412
outcomes, anonymous reading where PUBLIC_READ allows it, and strict request bodies (an unknown field is a
400, so every request object says `additionalProperties: false`).
"""

import copy
import re
from typing import Any

from django.conf import settings
from rest_framework.views import APIView

from .concurrency import CONDITION_PATTERN, ConcurrencyMixin
from .permissions import PublicReadPermission
from .problems import TITLES

PROBLEM_SCHEMA = {
    "type": "object",
    "description": "An RFC 9457 problem document.",
    "properties": {
        "type": {"type": "string"},
        "title": {"type": "string"},
        "status": {"type": "integer"},
        "detail": {"type": "string"},
        "errors": {
            "type": "object",
            "description": "Field name → messages (nested for lists of objects).",
            "additionalProperties": True,
        },
        "current_status": {"type": "string", "nullable": True},
        "attempted_status": {"type": "string"},
        "allowed_next": {"type": "array", "items": {"type": "string"}},
    },
    "required": ["type", "title", "status", "detail"],
}
# DRF's SimpleMetadata: what OPTIONS answers. `actions` describes the writable fields for users who may write.
OPTIONS_SCHEMA = {
    "type": "object",
    "description": "What the endpoint renders and parses, and (for users who may write) its writable fields.",
    "properties": {
        "name": {"type": "string"},
        "description": {"type": "string"},
        "renders": {"type": "array", "items": {"type": "string"}},
        "parses": {"type": "array", "items": {"type": "string"}},
        "actions": {"type": "object", "additionalProperties": {"type": "object"}},
    },
    "required": ["name", "description", "renders", "parses"],
}
READS = {"get", "head"}
WRITES = {"post", "put", "patch", "delete"}
METHODS = READS | WRITES | {"options"}
# 400: every request passes content negotiation, which refuses an empty or unknown `?format=` (export.py).
COMMON = [400, 401, 403, 404, 406, 429, 503]
DESCRIPTIONS = {
    304: "If-None-Match matches the current ETag (or is `*`): your copy is current; no body.",
    400: "Invalid input, parameters or conditional headers; `errors` names each field, parameter or header.",
    401: "Not signed in, or the token is invalid, expired or revoked.",
    403: "The policy does not allow this (e.g. an official on another state's agreement, or a read-only token).",
    404: "No such resource.",
    406: "The Accept header asks for a format this endpoint cannot give.",
    409: "The lifecycle refuses the status move, or the record is still in use.",
    412: "A precondition failed: If-Match does not match the current ETag (someone changed the resource since you "
    "read it), or If-None-Match matches on a write. Nothing was changed.",
    415: "Send JSON (Content-Type: application/json).",
    429: "Too many requests; see Retry-After.",
    503: "The database cannot be reached at the moment; see Retry-After.",
}
RETRY_AFTER = {
    "description": "Seconds to wait before retrying.",
    "schema": {"type": "string", "pattern": "^[0-9]+$"},
}
ETAG = {
    "description": "The version of the record; send it back as If-Match (writes) or If-None-Match (reads).",
    "schema": {"type": "string", "pattern": '^(W/)?"[\\x21\\x23-\\x7e]*"$'},
}
IF_MATCH = {
    "name": "If-Match",
    "in": "header",
    "required": False,
    "description": "`*` or the ETag(s) from your last read: the request goes ahead only if one matches "
    "(strongly); otherwise 412 and nothing changes. Empty or malformed: 400.",
    "schema": {"type": "string", "pattern": CONDITION_PATTERN},
}
IF_NONE_MATCH = {
    "name": "If-None-Match",
    "in": "header",
    "required": False,
    "description": "`*` or the ETag(s) you hold: on GET and HEAD a match answers 304 with no body; on a write a "
    "match answers 412. Empty or malformed: 400.",
    "schema": {"type": "string", "pattern": CONDITION_PATTERN},
}
IGNORED_CONDITION = {
    "in": "header",
    "required": False,
    "description": "Ignored: OPTIONS describes the endpoint, not a representation (RFC 9110 §13.2.1).",
    "schema": {"type": "string"},
}


def _problem(code: int) -> dict[str, Any]:
    response: dict[str, Any] = {
        "description": DESCRIPTIONS.get(code, TITLES.get(code, "Error")),
        "content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}},
    }
    if code in (429, 503):
        response["headers"] = {"Retry-After": RETRY_AFTER}
    return response


def _views_by_path(generator: object) -> dict[str, type[APIView]]:
    """The view class behind each documented path (drf-spectacular keeps the endpoints it walked)."""
    views: dict[str, type[APIView]] = {}
    for path, _regex, _method, callback in getattr(generator, "endpoints", None) or []:
        cls = getattr(callback, "cls", None)
        if cls is not None:
            views.setdefault(_shape(path), cls)
    return views


def _shape(path: str) -> str:
    """The path without its parameter names (the schema says {id} where the URL conf says {pk})."""
    return re.sub(r"\{[^}]*\}", "{}", path)


def _is_conditional(view: type[APIView] | None) -> bool:
    return view is not None and issubclass(view, ConcurrencyMixin)


def _reads_publicly(view: type[APIView] | None) -> bool:
    """A PublicReadPermission lets anonymous clients read when PUBLIC_READ is true; other permissions never do."""
    if view is None or not settings.PUBLIC_READ:
        return False
    # A composed permission (A | B) is an operand holder, not a class; the views here list classes only.
    return any(
        isinstance(permission, type) and issubclass(permission, PublicReadPermission)
        for permission in view.permission_classes
    )


def _path_parameters(operations: dict[str, Any]) -> list[dict[str, Any]]:
    for method in ("get", "post", "put", "patch", "delete"):
        if method in operations:
            return [p for p in operations[method].get("parameters", []) if p.get("in") == "path"]
    return []


def add_problem_responses(result: dict[str, Any], generator: object, request: object, public: bool) -> dict:
    """Every operation documents each error the app can give, HEAD and OPTIONS included (added here)."""
    result.setdefault("components", {}).setdefault("schemas", {})["Problem"] = PROBLEM_SCHEMA
    result["components"]["schemas"]["OptionsMetadata"] = OPTIONS_SCHEMA
    views = _views_by_path(generator)
    for path, operations in result.get("paths", {}).items():
        view = views.get(_shape(path))
        detail = "{" in path
        conditional = _is_conditional(view)
        for method, operation in list(operations.items()):
            if method not in METHODS - {"head", "options"}:
                continue
            codes = list(COMMON)  # 400 included: bodies, filters, pages, `format` and conditional headers
            if method in WRITES:
                codes += [409, 415]
            if conditional:
                codes += [412] + ([304] if method == "get" else [])
            _constrain_query(operation)
            responses = operation.setdefault("responses", {})
            for code in sorted(set(codes)):
                responses.setdefault(str(code), _problem(code) if code != 304 else {"description": DESCRIPTIONS[304]})
            if conditional:
                parameters = operation.setdefault("parameters", [])
                parameters[:] = [p for p in parameters if p.get("name") not in {"If-Match", "If-None-Match"}]
                parameters += [IF_MATCH, IF_NONE_MATCH]
                for status in ("200", "304") if detail else ():
                    if status in responses:
                        responses[status].setdefault("headers", {})["ETag"] = ETAG
            if method in READS and _reads_publicly(view):
                security = operation.setdefault("security", [])
                if {} not in security:
                    security.append({})
        if "get" in operations:
            operations["head"] = _head_of(operations["get"])
        operations["options"] = _options_of(path, operations, view)
    return result


# Free text in a query parameter: anything but empty (refused through the API, see StrictFilterSet) or a NUL
# character (PostgreSQL cannot hold one; refused with 400 before any query is built).
FREE_TEXT_PATTERN = "^[^\\x00]+$"


def _constrain_query(operation: dict[str, Any]) -> None:
    """What the API refuses in any query parameter: an empty value (so an empty list, which `?ordering=`
    would be) and free text that is empty or holds a NUL."""
    for parameter in operation.get("parameters", []):
        if parameter.get("in") != "query":
            continue
        schema = parameter.get("schema", {})
        if schema.get("type") == "array":
            schema.setdefault("minItems", 1)
        target = schema.get("items", {}) if schema.get("type") == "array" else schema
        if target.get("type") == "string" and not {"enum", "format", "pattern"} & set(target):
            target["pattern"] = FREE_TEXT_PATTERN


def _head_of(get: dict[str, Any]) -> dict[str, Any]:
    """HEAD answers as GET does, headers included, without a body (Django routes HEAD to the GET handler)."""
    head = copy.deepcopy(get)
    head["operationId"] = f"{get['operationId']}_head"
    head["summary"] = f"Headers of: {get.get('summary') or get['operationId']}"
    for response in head.get("responses", {}).values():
        response.pop("content", None)
    return head


def _options_of(path: str, operations: dict[str, Any], view: type[APIView] | None) -> dict[str, Any]:
    """OPTIONS answers DRF's metadata after authentication and the permission check (as every method)."""
    first = next(op for method, op in operations.items() if method in METHODS - {"head", "options"})
    parameters = copy.deepcopy(_path_parameters(operations))
    if _is_conditional(view):
        parameters += [{**IGNORED_CONDITION, "name": name} for name in ("If-Match", "If-None-Match")]
    security = copy.deepcopy(first.get("security", []))
    if _reads_publicly(view) and {} not in security:
        security.append({})
    return {
        "operationId": f"{first['operationId']}_options",
        "summary": "What this endpoint accepts (DRF metadata)",
        "tags": first.get("tags", []),
        "parameters": parameters,
        "security": security,
        "responses": {
            "200": {
                "description": "The endpoint's metadata.",
                "content": {"application/json": {"schema": {"$ref": "#/components/schemas/OptionsMetadata"}}},
            },
            **{str(code): _problem(code) for code in COMMON},
        },
    }


def forbid_additional_properties(result: dict[str, Any], generator: object, request: object, public: bool) -> dict:
    """Every object in every request body says `additionalProperties: false`: the app refuses unknown fields.

    Walks each body schema, following `$ref`s into components and into nested objects, arrays and
    combinations. A free-form map (no `properties`, `additionalProperties` a schema) stays a map."""
    schemas = result.get("components", {}).get("schemas", {})
    seen: set[int] = set()

    def walk(node: Any) -> None:
        if isinstance(node, list):
            for item in node:
                walk(item)
            return
        if not isinstance(node, dict) or id(node) in seen:
            return
        seen.add(id(node))
        ref = node.get("$ref")
        if isinstance(ref, str) and ref.startswith("#/components/schemas/"):
            walk(schemas.get(ref.rsplit("/", 1)[1]))
        is_object = node.get("type") == "object" or "properties" in node
        is_map = "properties" not in node and isinstance(node.get("additionalProperties"), dict)
        if is_object and not is_map:
            node["additionalProperties"] = False
        for key in ("properties", "patternProperties"):
            for child in (node.get(key) or {}).values():
                walk(child)
        for key in ("items", "additionalProperties", "not"):
            walk(node.get(key))
        for key in ("allOf", "oneOf", "anyOf"):
            walk(node.get(key))

    for operations in result.get("paths", {}).values():
        for operation in operations.values():
            if isinstance(operation, dict):
                for media in operation.get("requestBody", {}).get("content", {}).values():
                    walk(media.get("schema"))
    return result
