"""Conditional requests (RFC 9110 §13) on every route of every viewset, every method, OPTIONS and HEAD included.

If-Match compares strongly (a weak tag never matches), If-None-Match weakly; `*` matches any current
representation; a matching If-None-Match is a 304 on GET/HEAD and a 412 otherwise; an empty or malformed
header is a 400 naming it; OPTIONS ignores both. Run on SQLite and on PostgreSQL (the OPTIONS 500 was
PostgreSQL's: DRF's metadata called get_object() as a PUT, which locked a row outside a transaction).
"""

import json
from collections.abc import Callable
from importlib import import_module

import pytest
from django.db import transaction
from django.test import Client

from accounts.models import TokenScope
from raa_tracker.api.urls import APPS_WITH_AN_API

from .conftest import assert_problem, session_client, token_client
from .test_authorisation_matrix import BODIES, EXPECTED, PERSONAS, _target

pytestmark = pytest.mark.django_db

ADMIN = PERSONAS.index("administrator")
STALE = '"0123456789abcdef0123456789abcdef"'


def _routes(detail: bool) -> list[tuple[str, str]]:
    """(route name, method) for every viewset route of the API, HEAD and OPTIONS included."""
    found = []
    routers = [import_module(f"{app}.api.urls").router for app in APPS_WITH_AN_API]
    for router, (_prefix, viewset, basename) in ((r, entry) for r in routers for entry in r.registry):
        for route in router.get_routes(viewset):
            if route.detail != detail:
                continue
            name = route.name.format(basename=basename)
            methods = {method.upper() for method in route.mapping if hasattr(viewset, route.mapping[method])}
            if not methods:
                continue  # the router makes no URL of a route without a method (a list-only viewset's detail)
            if "GET" in methods:
                methods.add("HEAD")
            found += [(name, method) for method in sorted(methods | {"OPTIONS"})]
    return sorted(found)


DETAIL = _routes(detail=True)
LISTS = _routes(detail=False)
HEADERS = ("If-Match", "If-None-Match")


def _conditions(etag: str) -> dict[str, str]:
    return {
        "empty": "",
        "malformed": etag.strip('"'),
        "*": "*",
        "weak": f"W/{etag}",
        "list": f'{STALE}, W/"other", {etag}',
        "stale": STALE,
        "current": etag,
    }


def _expected(header: str, condition: str, method: str, proceed: int) -> int:
    if method == "OPTIONS":
        return 200  # no selected representation: the conditions do not apply (RFC 9110 §13.2.1)
    if condition in ("empty", "malformed"):
        return 400
    if header == "If-Match":
        return proceed if condition in ("*", "list", "current") else 412  # strong comparison
    if condition == "stale":
        return proceed
    return 304 if method in ("GET", "HEAD") else 412  # weak comparison: W/"x" matches "x"


def _proceed(route: str, method: str) -> int:
    """What the administrator gets without conditions (the authorisation matrix's column)."""
    return 200 if method == "OPTIONS" else EXPECTED[(route, "GET" if method == "HEAD" else method)][ADMIN]


def _send(client: Client, route: str, method: str, url: str, headers: dict[str, str]) -> object:
    body = BODIES.get((route, method))
    return client.generic(
        method, url, data="" if body is None else json.dumps(body), content_type="application/json", headers=headers
    )


def _undone(request: Callable[[], object]) -> object:
    """The response to `request`, with whatever it changed rolled back (each case starts from the same row)."""
    with transaction.atomic():
        response = request()
        transaction.set_rollback(True)
    return response


def _check(response: object, expected: int, header: str, etag: str | None, case: str) -> None:
    assert response.status_code == expected, (case, response.status_code, response.content[:300])
    if response.request["REQUEST_METHOD"] == "HEAD":
        assert response.content == b"", case  # a HEAD answer is a GET's without the body
        if expected >= 400:
            assert response["Content-Type"].startswith("application/problem+json"), case
            return
    if expected == 304:
        assert response.content == b"", case
        assert response.get("ETag") == etag, case  # a collection has none
    elif expected == 400:
        assert_problem(response, 400, header)
    elif expected == 412:
        assert_problem(response, 412)
    elif expected == 200 and response.request["REQUEST_METHOD"] in ("GET", "HEAD") and etag:
        assert response["ETag"] == etag, case


def _etag_of(route: str, url: str, client: Client) -> str:
    """The ETag of the record a detail route acts on (an action's record is its parent's: the agreement's)."""
    if (route, "GET") not in EXPECTED:
        url = url.rsplit("/", 2)[0] + "/"
    etag = client.get(url)["ETag"]
    assert etag.startswith('"') and etag.endswith('"'), etag
    return etag


@pytest.fixture
def api_clients(administrator: object) -> dict[str, Client]:
    """The administrator, who may do everything the matrix allows; `_target` finds their read token's records."""
    return {"administrator": session_client(administrator), "read_token": token_client(administrator, TokenScope.READ)}


def test_the_matrix_covers_every_detail_route_and_method() -> None:
    methods = {method for _, method in DETAIL}
    assert methods == {"GET", "HEAD", "OPTIONS", "PUT", "PATCH", "DELETE", "POST"}, methods
    assert ("agreement-transition", "POST") in DETAIL and ("agreement-detail", "OPTIONS") in DETAIL
    assert {route for route, _ in DETAIL} >= {"agreement-detail", "negotiationround-detail", "milestone-detail"}


@pytest.mark.parametrize(("route", "method"), DETAIL, ids=[f"{method} {route}" for route, method in DETAIL])
def test_conditions_on_a_detail_route(route: str, method: str, api_clients: dict[str, Client]) -> None:
    client = api_clients["administrator"]
    url, _ = _target(route, api_clients)
    etag = _etag_of(route, url, client)
    proceed = _proceed(route, method)
    for header in HEADERS:
        for condition, value in _conditions(etag).items():
            response = _undone(lambda h=header, v=value: _send(client, route, method, url, {h: v}))
            case = f"{method} {route} {header}: {condition} ({value!r})"
            _check(response, _expected(header, condition, method, proceed), header, etag, case)


@pytest.mark.parametrize(("route", "method"), LISTS, ids=[f"{method} {route}" for route, method in LISTS])
def test_conditions_on_a_list_route(route: str, method: str, api_clients: dict[str, Client]) -> None:
    """A collection has no ETag but always exists: `*` matches it, a listed tag never does."""
    client = api_clients["administrator"]
    url, _ = _target(route, api_clients)
    proceed = _proceed(route, method)
    for header in HEADERS:
        for condition, value in _conditions('"listed"').items():
            response = _undone(lambda h=header, v=value: _send(client, route, method, url, {h: v}))
            if method == "OPTIONS":
                expected = 200
            elif condition in ("empty", "malformed"):
                expected = 400
            elif header == "If-Match":
                expected = proceed if condition == "*" else 412
            else:
                expected = (304 if method in ("GET", "HEAD") else 412) if condition == "*" else proceed
            _check(response, expected, header, None, f"{method} {route} {header}: {condition}")


def test_head_is_get_without_a_body(api_clients: dict[str, Client]) -> None:
    client = api_clients["administrator"]
    url = "/api/v1/agreements/japan-australia-raa/"
    get, head = client.get(url), client.head(url)
    assert head.status_code == get.status_code == 200
    assert head.content == b"" and get.content
    assert head["ETag"] == get["ETag"] and head["Content-Type"] == get["Content-Type"]
    not_modified = client.head(url, headers={"If-None-Match": get["ETag"]})
    assert not_modified.status_code == 304 and not_modified["ETag"] == get["ETag"]


@pytest.mark.parametrize(
    "value",
    ["abc", '"abc', "W/abc", '"a" "b"', '*, "a"', 'W/ "a"', '"a"x', ",", " , ", 'w/"a"', '"a\\"b"', '"é"\u20ac'],
)
def test_a_malformed_condition_is_a_400_naming_the_header(value: str, api_clients: dict[str, Client]) -> None:
    client = api_clients["administrator"]
    for header in HEADERS:
        response = client.get("/api/v1/agreements/japan-australia-raa/", headers={header: value})
        assert assert_problem(response, 400, header)["errors"].keys() == {header}, value


def test_both_malformed_headers_are_named(api_clients: dict[str, Client]) -> None:
    response = api_clients["administrator"].patch(
        "/api/v1/agreements/japan-australia-raa/",
        json.dumps({"summary": "Changed."}),
        content_type="application/json",
        headers={"If-Match": "", "If-None-Match": "nope"},
    )
    assert assert_problem(response, 400)["errors"].keys() == {"If-Match", "If-None-Match"}


@pytest.mark.parametrize("shape", ['{etag},,"x"', ' {etag} , W/"x" ', ", {etag}", '"x",{etag}'])
def test_lists_with_empty_elements_and_spaces_are_understood(shape: str, api_clients: dict[str, Client]) -> None:
    client = api_clients["administrator"]
    url = "/api/v1/agreements/japan-australia-raa/"
    etag = client.get(url)["ETag"]
    response = client.patch(
        url,
        json.dumps({"summary": "Changed."}),
        content_type="application/json",
        headers={"If-Match": shape.format(etag=etag)},
    )
    assert response.status_code == 200, response.content[:300]
    etag = response["ETag"]
    assert client.get(url, headers={"If-None-Match": shape.format(etag=etag)}).status_code == 304


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_options_on_every_detail_route_outside_a_test_transaction(api_clients: dict[str, Client]) -> None:
    """As in production (autocommit): OPTIONS describes the PUT it would accept without locking any row."""
    client = api_clients["administrator"]
    for route in sorted({route for route, method in DETAIL if method == "PUT"}):
        url, _ = _target(route, api_clients)
        etag = _etag_of(route, url, client)
        for value in ("", "nope", "*", etag):
            response = client.options(url, headers={"If-Match": value, "If-None-Match": value})
            assert response.status_code == 200, (route, value, response.content[:300])
            assert "PUT" in response.json()["actions"], route
    # Writes in autocommit still lock inside their own transaction and honour If-Match.
    url = "/api/v1/agreements/japan-australia-raa/"
    etag = client.get(url)["ETag"]
    body = json.dumps({"summary": "Changed."})
    assert client.patch(url, body, content_type="application/json", headers={"If-Match": etag}).status_code == 200
    stale = client.patch(url, body, content_type="application/json", headers={"If-Match": etag})
    assert_problem(stale, 412)
