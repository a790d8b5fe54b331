import datetime

import pytest
from django.test import Client

from accounts.models import TokenScope
from accounts.services import token_create, token_revoke


@pytest.fixture(autouse=True)
def _no_throttling(settings: object) -> None:
    settings.API_THROTTLE_RATES = {"anonymous": "100000/minute", "user": "100000/minute"}
    settings.WEBHOOK_ALLOW_LOOPBACK = True


class TokenClient(Client):
    """A test client that authenticates every request with `Authorization: Token <key>`."""

    def __init__(self, key: str) -> None:
        super().__init__(headers={"Authorization": f"Token {key}"})


def token_client(user: object, scope: TokenScope, *, expired: bool = False, revoked: bool = False) -> Client:
    token, key = token_create(
        user=user, scope=scope, expires_in=datetime.timedelta(seconds=-1) if expired else None, name="test"
    )
    if revoked:
        token_revoke(token=token)
    client = TokenClient(key)
    client.token = token
    return client


def session_client(user: object | None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


@pytest.fixture
def api_clients(analyst: object, official_jp: object, official_fr: object, administrator: object) -> dict[str, Client]:
    """The nine personas of the API's authorisation matrix."""
    return {
        "anonymous": session_client(None),
        "analyst": session_client(analyst),
        "official_jp": session_client(official_jp),
        "official_fr": session_client(official_fr),
        "administrator": session_client(administrator),
        "read_token": token_client(administrator, TokenScope.READ),
        "write_token": token_client(official_jp, TokenScope.WRITE),
        "expired_token": token_client(administrator, TokenScope.WRITE, expired=True),
        "revoked_token": token_client(administrator, TokenScope.WRITE, revoked=True),
    }


def assert_problem(response: object, status: int, *fields: str) -> dict:
    assert response.status_code == status, (response.status_code, response.content[:500])
    assert response["Content-Type"].startswith("application/problem+json")
    body = response.json()
    assert body["status"] == status and body["title"] and body["type"] and "detail" in body
    for field in fields:
        assert field in body["errors"], body
    return body
