"""Who the API lets in (accounts.api): tokens managed by their users, token and session authentication,
the read-only scope, sign-in on a private deployment, and throttling."""

import pytest
from django.test import Client

from accounts.models import TokenScope
from tests.api.clients import assert_problem, send_json, session_client, token_client
from tests.conftest import database_text

pytestmark = pytest.mark.django_db


def test_tokens_self_service(analyst: object) -> None:
    client = session_client(analyst)
    created = send_json(client, "POST", "/api/v1/tokens/", {"name": "pipeline", "scope": "read", "expires_in_days": 30})
    assert created.status_code == 201
    key = created.json()["key"]
    assert key not in database_text(), "the key is stored only as a digest"
    listed = client.get("/api/v1/tokens/").json()["results"]
    assert [t["name"] for t in listed] == ["pipeline"] and "key" not in listed[0]
    token_user = Client(headers={"Authorization": f"Token {key}"})
    assert token_user.get("/api/v1/agreements/").status_code == 200
    assert send_json(client, "DELETE", f"/api/v1/tokens/{created.json()['id']}/").status_code == 204
    revoked = token_user.get("/api/v1/agreements/")
    assert_problem(revoked, 401)
    assert "revoked" in revoked.json()["detail"]


def test_read_only_token_cannot_write_even_for_an_administrator(administrator: object) -> None:
    client = token_client(administrator, TokenScope.READ)
    response = send_json(client, "PATCH", "/api/v1/agreements/france-japan-raa/", {"summary": "x"})
    assert "read-only" in assert_problem(response, 403)["detail"]


def test_expired_token_says_so(administrator: object) -> None:
    client = token_client(administrator, TokenScope.WRITE, expired=True)
    assert "expired" in assert_problem(client.get("/api/v1/agreements/"), 401)["detail"]


def test_malformed_authorization_header(client: Client) -> None:
    assert_problem(client.get("/api/v1/agreements/", headers={"authorization": "Token a b"}), 401)
    assert_problem(client.get("/api/v1/agreements/", headers={"authorization": "Token raa_nope"}), 401)


def test_private_deployment_needs_a_login(client: Client, settings: object, analyst: object) -> None:
    settings.PUBLIC_READ = False
    assert_problem(client.get("/api/v1/agreements/"), 401)
    assert session_client(analyst).get("/api/v1/agreements/").status_code == 200


def test_throttling_answers_429_with_retry_after(client: Client, settings: object) -> None:
    from django.core.cache import cache

    cache.clear()
    settings.API_THROTTLE_RATES = {"anonymous": "3/minute", "user": "1000/minute"}
    statuses = [client.get("/api/v1/agreement-types/").status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    limited = client.get("/api/v1/agreement-types/")
    assert_problem(limited, 429)
    assert int(limited["Retry-After"]) > 0
    cache.clear()
