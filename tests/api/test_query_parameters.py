"""Query parameters: the schema documents each one as the app parses it, and no value is silently ignored.

Schemathesis (test_schemathesis.py) sends what the schema allows and expects it accepted, and what it forbids
and expects it refused; these tests pin the cases it found where the two disagreed.
"""

from typing import Any

import pytest
from django.test import Client

from accounts.models import TokenScope
from accounts.services import token_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def api(analyst: object) -> Client:
    _, key = token_create(user=analyst, scope=TokenScope.READ, name="parameters")
    return Client(HTTP_AUTHORIZATION=f"Token {key}")


@pytest.fixture(scope="module")
def schema(django_db_blocker: object) -> dict[str, Any]:
    with django_db_blocker.unblock():
        return Client().get("/api/v1/schema/?format=json").json()


def _parameter(schema: dict[str, Any], path: str, name: str) -> dict[str, Any]:
    return next(p for p in schema["paths"][path]["get"]["parameters"] if p["name"] == name)["schema"]


def _errors(response: object) -> dict[str, list[str]]:
    assert response.status_code == 400, response.content
    assert response["Content-Type"].startswith("application/problem+json")
    return response.json()["errors"]


def test_filters_document_their_shapes(schema: dict[str, Any]) -> None:
    """Method filters are documented by their value's type hint; codes by their pattern."""
    for path, name in [("/api/v1/agreements/", "in_force_after"), ("/api/v1/agreements/", "signed_before")]:
        assert _parameter(schema, path, name) == {"type": "string", "format": "date"}
    assert _parameter(schema, "/api/v1/milestones/", "overdue") == {"type": "boolean"}
    assert _parameter(schema, "/api/v1/events/", "party")["items"]["pattern"] == r"^\s*[A-Za-z]{3}\s*$"
    assert _parameter(schema, "/api/v1/events/", "page_size") == {"type": "integer", "minimum": 1}
    assert _parameter(schema, "/api/v1/agreements/", "q")["pattern"] == "^[^\\x00]+$"


@pytest.mark.parametrize(
    ("url", "name"),
    [
        ("/api/v1/agreements/?party=", "party"),
        ("/api/v1/agreements/?in_force_after=", "in_force_after"),
        ("/api/v1/agreements/?q=", "q"),
        ("/api/v1/events/?party=JPN&party=", "party"),
        ("/api/v1/analysis/status-counts/?to=", "to"),
        ("/api/v1/analysis/status-counts/?interval=", "interval"),
    ],
)
def test_an_empty_value_is_refused_by_the_api(api: Client, url: str, name: str) -> None:
    assert _errors(api.get(url)) == {name: ["Enter a value, or leave the parameter out."]}


def test_the_dashboard_still_reads_empty_form_fields_as_any(api: Client) -> None:
    """The same FilterSet and form serve the dashboard, whose GET forms send every field, empty or not."""
    assert Client().get("/agreements/?party=&in_force_after=&q=").status_code == 200
    assert Client().get("/trends/?from=&to=").status_code == 200


@pytest.mark.parametrize("query", ["format=", "format=xml", "format=csv&format=json"])
def test_format_names_one_known_format(api: Client, query: str) -> None:
    for url, formats in (
        ("/api/v1/agreements/", "json, csv, xlsx, ods"),  # the list also as a workbook (interchange format)
        ("/api/v1/agreements/japan-australia-raa/", "json, csv"),
    ):
        assert _errors(api.get(f"{url}?{query}")) == {"format": [f"Choose one of: {formats}."]}
    assert api.get("/api/v1/agreements/?format=csv")["Content-Type"].startswith("text/csv")


@pytest.mark.parametrize(("value", "ok"), [("true", True), ("0", True), ("maybe", False), ("unknown", False)])
def test_overdue_is_true_or_false(api: Client, value: str, ok: bool) -> None:
    response = api.get(f"/api/v1/milestones/?overdue={value}")
    if ok:
        assert response.status_code == 200
    else:
        assert _errors(response) == {"overdue": ["Enter true or false."]}


def test_a_well_formed_unknown_code_is_named(api: Client) -> None:
    assert _errors(api.get("/api/v1/events/?party=ZZZ&party=jpn")) == {"party": ["Unknown code: ZZZ."]}


def test_an_empty_list_is_not_documented(api: Client, schema: dict[str, Any]) -> None:
    """`?ordering=` is the empty list of a comma-separated parameter: refused, so lists have at least one item."""
    assert _parameter(schema, "/api/v1/sources/", "ordering")["minItems"] == 1
    expected = {"ordering": ["Enter a value, or leave the parameter out."]}
    assert _errors(api.get("/api/v1/sources/?ordering=")) == expected


@pytest.mark.parametrize("moment", ["2024-01-01T00:00:00+23:55", "0001-01-01T00:30:00+01:00"])
def test_any_rfc3339_offset_is_read_in_utc(api: Client, moment: str) -> None:
    """PostgreSQL refuses offsets beyond ±15:59 (a 500 once); the filter reads the moment in UTC first."""
    from urllib.parse import quote

    response = api.get(f"/api/v1/events/?recorded_since={quote(moment)}")
    if moment.startswith("0001"):
        assert _errors(response) == {"recorded_since": ["Enter a moment between the years 1 and 9999 (UTC)."]}
    else:
        assert response.status_code == 200
