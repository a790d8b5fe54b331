"""OpenAPI post-processing: every operation documents its problem responses and the ETag/If-Match contract."""

from typing import Any

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
COMMON = [400, 401, 403, 404, 406, 429]
WRITES = [409, 412, 415]
DESCRIPTIONS = {
    400: "Invalid input or parameters; `errors` names each field or parameter.",
    401: "Not signed in, or the token is invalid, expired or revoked.",
    403: "The policy does not allow this (e.g. an official on another state's agreement, or a read-only token).",
    404: "No such resource.",
    406: "The Accept header asks for a format this endpoint cannot give.",
    409: "The lifecycle refuses the status move, or the record is still in use.",
    412: "If-Match does not match the current ETag: someone changed the resource since you read it.",
    415: "Send JSON (Content-Type: application/json).",
    429: "Too many requests; see Retry-After.",
}
IF_MATCH = {
    "name": "If-Match",
    "in": "header",
    "required": False,
    "description": "The ETag from your last read; a stale one gives 412 and changes nothing.",
    "schema": {"type": "string"},
}


def add_problem_responses(result: dict[str, Any], generator: object, request: object, public: bool) -> dict:
    result.setdefault("components", {}).setdefault("schemas", {})["Problem"] = PROBLEM_SCHEMA
    for path, operations in result.get("paths", {}).items():
        for method, operation in operations.items():
            if method not in {"get", "post", "put", "patch", "delete"}:
                continue
            codes = COMMON + (WRITES if method != "get" else [])
            if "{" not in path and method == "get":
                codes = [c for c in codes if c != 404] + [404]  # pages out of range
            responses = operation.setdefault("responses", {})
            for code in codes:
                responses.setdefault(
                    str(code),
                    {
                        "description": DESCRIPTIONS.get(code, TITLES.get(code, "Error")),
                        "content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}},
                    },
                )
            if method in {"put", "patch", "delete"} or path.endswith("/transition/"):
                operation.setdefault("parameters", []).append(IF_MATCH)
    return result
