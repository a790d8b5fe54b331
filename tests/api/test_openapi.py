"""The OpenAPI document as served: strict request bodies, every method the app answers, every error it gives.

Schemathesis trusts this document; these tests hold the promises it cannot check by fuzzing alone.
"""

from collections.abc import Iterator
from typing import Any

import pytest
from django.test import Client

METHODS = {"get", "head", "options", "post", "put", "patch", "delete"}


@pytest.fixture(scope="module")
def schema(django_db_blocker: object) -> dict[str, Any]:
    with django_db_blocker.unblock():
        response = Client().get("/api/v1/schema/?format=json")
    assert response.status_code == 200
    return response.json()


def _resolve(schema: dict[str, Any], node: dict[str, Any]) -> dict[str, Any]:
    ref = node.get("$ref")
    return schema["components"]["schemas"][ref.rsplit("/", 1)[1]] if ref else node


def _objects(schema: dict[str, Any], node: Any, where: str, seen: set[str]) -> Iterator[tuple[str, dict]]:
    """Every object schema reachable from `node`, with a path that names it, following $refs once each."""
    if isinstance(node, list):
        for index, item in enumerate(node):
            yield from _objects(schema, item, f"{where}[{index}]", seen)
        return
    if not isinstance(node, dict):
        return
    if "$ref" in node:
        if node["$ref"] in seen:
            return
        seen.add(node["$ref"])
        yield from _objects(schema, _resolve(schema, node), node["$ref"], seen)
        return
    if node.get("type") == "object" or "properties" in node:
        yield where, node
    for name, child in (node.get("properties") or {}).items():
        yield from _objects(schema, child, f"{where}.{name}", seen)
    for key in ("items", "additionalProperties", "not", "allOf", "oneOf", "anyOf"):
        if isinstance(node.get(key), dict | list):
            yield from _objects(schema, node[key], f"{where}.{key}", seen)


def _operations(schema: dict[str, Any]) -> Iterator[tuple[str, str, dict]]:
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            if method in METHODS:
                yield path, method, operation


def test_every_request_body_forbids_additional_properties(schema: dict[str, Any]) -> None:
    bodies = [
        (f"{method.upper()} {path} {media}", content["schema"])
        for path, method, operation in _operations(schema)
        for media, content in operation.get("requestBody", {}).get("content", {}).items()
    ]
    assert len(bodies) >= 16, "every write takes a body"
    loose = []
    objects = 0
    for label, body in bodies:
        for where, node in _objects(schema, body, label, set()):
            objects += 1
            is_map = "properties" not in node and isinstance(node.get("additionalProperties"), dict)
            if not is_map and node.get("additionalProperties") is not False:
                loose.append(where)
    assert objects > len(bodies), "nested objects (participations, an inline source) are walked too"
    assert loose == [], "request objects that allow unknown fields"


def test_the_walker_finds_a_loose_nested_object(schema: dict[str, Any]) -> None:
    """The check above would notice an object that still accepted unknown fields, however deep."""
    body = {"type": "object", "properties": {"x": {"type": "array", "items": {"type": "object", "properties": {}}}}}
    found = [node.get("additionalProperties") for _, node in _objects(schema, body, "body", set())]
    assert found == [None, None]


def test_every_read_has_head_and_every_path_options(schema: dict[str, Any]) -> None:
    for path, operations in schema["paths"].items():
        assert "options" in operations, path
        assert "200" in operations["options"]["responses"], path
        if "get" in operations:
            head = operations["head"]
            assert set(head["responses"]) == set(operations["get"]["responses"]), path
            assert all("content" not in response for response in head["responses"].values()), path


def test_every_operation_documents_throttling_and_outages(schema: dict[str, Any]) -> None:
    for path, method, operation in _operations(schema):
        for code in ("401", "403", "404", "406", "429", "503"):
            assert code in operation["responses"], (method, path, code)
        for code in ("429", "503"):
            assert "Retry-After" in operation["responses"][code]["headers"], (method, path, code)
            if method != "head":  # HEAD answers without a body
                assert "application/problem+json" in operation["responses"][code]["content"], (method, path, code)


def test_conditional_headers_are_declared_with_their_outcomes(schema: dict[str, Any]) -> None:
    detail = schema["paths"]["/api/v1/agreements/{slug}/"]
    for method in ("get", "head", "put", "patch", "delete"):
        headers = {p["name"] for p in detail[method]["parameters"] if p["in"] == "header"}
        assert {"If-Match", "If-None-Match"} <= headers, method
        assert {"400", "412"} <= set(detail[method]["responses"]), method
    for method in ("get", "head"):
        assert "304" in detail[method]["responses"]
        assert "ETag" in detail[method]["responses"]["304"]["headers"]
    transition = schema["paths"]["/api/v1/agreements/{slug}/transition/"]["post"]
    assert "If-Match" in {p["name"] for p in transition["parameters"]}


def test_public_reads_say_that_authentication_is_optional(schema: dict[str, Any]) -> None:
    """With PUBLIC_READ (the default) anonymous clients read the record, but never their tokens or watches."""
    assert {} in schema["paths"]["/api/v1/agreements/"]["get"]["security"]
    assert {} not in schema["paths"]["/api/v1/agreements/"]["post"]["security"]
    assert {} not in schema["paths"]["/api/v1/tokens/"]["get"]["security"]


@pytest.mark.django_db
def test_schema_and_documentation_are_served_locally(client: Client) -> None:
    schema = client.get("/api/v1/schema/?format=json")
    assert schema.status_code == 200
    document = schema.json()
    assert document["openapi"].startswith("3.")
    assert "/api/v1/agreements/{slug}/transition/" in document["paths"]
    yaml = client.get("/api/v1/schema/")
    assert yaml.status_code == 200 and b"openapi:" in yaml.content
    for page in ("/api/v1/docs/", "/api/v1/redoc/"):
        html = client.get(page).content.decode()
        assert "cdn" not in html.lower() and "/static/drf_spectacular_sidecar/" in html
    operations = [op for path in document["paths"].values() for op in path.values() if isinstance(op, dict)]
    assert all("400" in op["responses"] and "401" in op["responses"] for op in operations)
    assert all(op.get("summary") or op.get("description") for op in operations)
