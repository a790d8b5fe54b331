"""Strict write bodies: a typo or a read-only field is refused by name, never silently ignored.

Every POST/PUT/PATCH route is read from the URL configuration, so a new write route is covered (or fails
for want of a body in the authorisation matrix's BODIES) without being listed here.
"""

import json

import pytest
from django.test import Client
from drf_spectacular.generators import SchemaGenerator
from rest_framework import serializers

from negotiations.models import Agreement
from raa_tracker.api.serializers import StrictTypesMixin
from tests.conftest import database_text

from .conftest import assert_problem
from .test_authorisation_matrix import BODIES, _api_routes, _target

pytestmark = pytest.mark.django_db

WRITES = sorted((route, method) for route, method in _api_routes() if method in {"POST", "PUT", "PATCH"})
AGREEMENT = "/api/v1/agreements/japan-australia-raa/"


def _send(client: Client, method: str, url: str, body: object) -> object:
    return client.generic(method, url, data=json.dumps(body), content_type="application/json")


@pytest.fixture
def admin(api_clients: dict[str, Client]) -> Client:
    return api_clients["administrator"]


def test_patch_with_a_typo_is_refused_by_name_and_changes_nothing(admin: Client) -> None:
    before = Agreement.objects.filter(slug="japan-australia-raa").values().get()
    everything = database_text()
    response = _send(admin, "PATCH", AGREEMENT, {"summary": "Changed.", "sumary": "A typo."})
    body = assert_problem(response, 400, "sumary")
    assert body["errors"] == {"sumary": ["Unknown field."]}
    assert Agreement.objects.filter(slug="japan-australia-raa").values().get() == before
    assert database_text() == everything


def test_a_typo_is_named_with_the_other_errors(admin: Client) -> None:
    response = _send(admin, "POST", "/api/v1/agreements/", {"titel": "Germany–Japan RAA", "slug": "g-j"})
    errors = assert_problem(response, 400, "titel", "title", "type", "participations")["errors"]
    assert errors["titel"] == ["Unknown field."]


def test_every_write_route_is_tested() -> None:
    assert len(WRITES) >= 16, WRITES
    assert {("agreement-detail", "PATCH"), ("agreement-transition", "POST"), ("token-list", "POST")} <= set(WRITES)
    assert set(WRITES) <= BODIES.keys(), "a write route without a body in test_authorisation_matrix.BODIES"


@pytest.mark.parametrize(("route", "method"), WRITES, ids=[f"{method} {route}" for route, method in WRITES])
def test_every_write_route_refuses_an_unknown_field(route: str, method: str, api_clients: dict[str, Client]) -> None:
    url, _ = _target(route, api_clients)
    client = api_clients["administrator"]
    body = BODIES[(route, method)]
    everything = database_text()
    refused = _send(client, method, url, {**body, "sumary": "A typo."})
    assert assert_problem(refused, 400, "sumary")["errors"] == {"sumary": ["Unknown field."]}
    assert database_text() == everything
    accepted = _send(client, method, url, body)  # the same body without the typo is good
    assert accepted.status_code in (200, 201), accepted.content[:300]


@pytest.mark.parametrize(("route", "method"), WRITES, ids=[f"{method} {route}" for route, method in WRITES])
@pytest.mark.parametrize("body", [[{"summary": "x"}], "summary", 12, None], ids=["array", "string", "number", "null"])
def test_every_write_route_refuses_a_body_that_is_not_an_object(
    route: str, method: str, body: object, api_clients: dict[str, Client]
) -> None:
    url, _ = _target(route, api_clients)
    everything = database_text()
    response = _send(api_clients["administrator"], method, url, body)
    assert_problem(response, 400, "non_field_errors")
    assert database_text() == everything


def test_an_unknown_field_inside_a_party_is_named_at_its_place(admin: Client) -> None:
    body = dict(BODIES[("agreement-detail", "PUT")])
    body["participations"] = [{"state": "JPN"}, {"state": "AUS", "aproval_status": "approved"}]
    everything = database_text()
    response = _send(admin, "PUT", AGREEMENT, body)
    errors = assert_problem(response, 400, "participations")["errors"]
    assert errors == {"participations": {"1": {"aproval_status": ["Unknown field."]}}}  # DRF's way: by index
    assert database_text() == everything


def test_an_unknown_field_inside_a_new_source_is_named_at_its_place(admin: Client) -> None:
    move = {"status": "suspended", "effective_on": "2025-01-01", "source": {"title": "T", "publisher": "P", "x": 1}}
    everything = database_text()
    response = _send(admin, "POST", f"{AGREEMENT}transition/", move)
    assert assert_problem(response, 400, "source")["errors"] == {"source": {"x": ["Unknown field."]}}
    assert database_text() == everything


def test_what_was_read_can_be_sent_back_whole(admin: Client) -> None:
    """Read-only fields (url, status, links, created_at, the parties' timestamps …) repeat the current values."""
    read = admin.get(AGREEMENT).json()
    read["summary"] = "Sent back with every read-only field."
    response = _send(admin, "PUT", AGREEMENT, read)
    assert response.status_code == 200, response.content[:500]
    assert Agreement.objects.get(slug="japan-australia-raa").summary == read["summary"]


@pytest.mark.parametrize(
    ("field", "value"),
    [("status", "abandoned"), ("status_since", "1999-01-01"), ("updated_at", "2000-01-01T00:00:00Z"), ("url", "x")],
)
def test_a_read_only_field_that_differs_is_refused_and_changes_nothing(admin: Client, field: str, value: str) -> None:
    current = admin.get(AGREEMENT).json()
    assert current[field] != value
    everything = database_text()
    response = _send(admin, "PATCH", AGREEMENT, {"summary": "Changed.", field: value})
    assert assert_problem(response, 400, field)["errors"] == {field: ["Read-only field; it cannot be changed."]}
    assert database_text() == everything


def test_a_read_only_field_equal_to_the_current_value_is_accepted(admin: Client) -> None:
    current = admin.get(AGREEMENT).json()
    body = {"summary": "Changed.", "status": current["status"], "created_at": current["created_at"]}
    response = _send(admin, "PATCH", AGREEMENT, body)
    assert response.status_code == 200, response.content[:300]
    assert Agreement.objects.get(slug="japan-australia-raa").summary == "Changed."


def test_a_read_only_field_of_a_party_must_repeat_that_partys_value(admin: Client) -> None:
    read = admin.get(AGREEMENT).json()
    parties = {p["state"]: p for p in read["participations"]}
    body = {"participations": [parties["JPN"], {**parties["AUS"], "created_at": parties["JPN"]["created_at"]}]}
    if parties["AUS"]["created_at"] == parties["JPN"]["created_at"]:
        body["participations"][1]["created_at"] = "2000-01-01T00:00:00Z"
    everything = database_text()
    refused = _send(admin, "PATCH", AGREEMENT, body)
    errors = assert_problem(refused, 400, "participations")["errors"]
    assert errors == {"participations": {"1": {"created_at": ["Read-only field; it cannot be changed."]}}}
    assert database_text() == everything
    assert _send(admin, "PATCH", AGREEMENT, {"participations": [parties["JPN"], parties["AUS"]]}).status_code == 200


def test_a_read_only_field_is_refused_on_create(admin: Client) -> None:
    body = {**BODIES[("agreement-list", "POST")], "status": "negotiating"}
    everything = database_text()
    response = _send(admin, "POST", "/api/v1/agreements/", body)
    assert assert_problem(response, 400, "status")["errors"] == {"status": ["Read-only field; it cannot be changed."]}
    assert database_text() == everything


def test_a_read_only_field_of_a_webhook_is_refused(admin: Client) -> None:
    response = _send(admin, "POST", "/api/v1/webhooks/", {"url": "http://127.0.0.1:9/hook", "active": False})
    assert assert_problem(response, 400, "active")["errors"] == {"active": ["Read-only field; it cannot be changed."]}


def test_delete_refuses_a_body_and_keeps_the_record(admin: Client) -> None:
    everything = database_text()
    response = _send(admin, "DELETE", AGREEMENT, {"reason": "gone"})
    assert_problem(response, 400, "non_field_errors")
    assert database_text() == everything
    assert admin.delete(AGREEMENT).status_code == 204


def _request_serializers() -> list[tuple[str, str, type]]:
    """(method, path, serializer class) for each operation that takes a body, as the API documents it."""
    generator = SchemaGenerator()
    generator._initialise_endpoints()
    found = []
    for path, path_regex, method, view in generator._get_paths_and_endpoints():
        if method not in {"POST", "PUT", "PATCH"}:
            continue
        view.schema.method, view.schema.path, view.schema.path_regex = method, path, path_regex
        serializer = view.schema.get_request_serializer()
        found.append((method, path, serializer if isinstance(serializer, type) else type(serializer)))
    return found


def _nested_writable(serializer: serializers.Serializer) -> list[serializers.Serializer]:
    nested = []
    for field in serializer.fields.values():
        field = getattr(field, "child", field)
        if isinstance(field, serializers.Serializer) and not field.read_only:
            nested += [field, *_nested_writable(field)]
    return nested


def test_every_writing_serializer_is_strict() -> None:
    operations = _request_serializers()
    assert len(operations) == len(WRITES), (operations, WRITES)
    for method, path, serializer_class in operations:
        assert issubclass(serializer_class, StrictTypesMixin), (method, path, serializer_class)
        for nested in _nested_writable(serializer_class()):
            assert isinstance(nested, StrictTypesMixin), (method, path, type(nested))
