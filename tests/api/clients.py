"""Clients of the API as the tests' personas hold them, a JSON request helper and the problem-document check."""

import datetime
import json

from django.test import Client

from accounts.models import TokenScope
from accounts.services import token_create, token_revoke


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


def send_json(client: Client, method: str, url: str, body: object = None, **headers: str) -> object:
    """A request with a JSON body (none when `body` is None)."""
    return client.generic(
        method, url, data=json.dumps(body) if body is not None else "", content_type="application/json", headers=headers
    )


def assert_problem(response: object, status: int, *fields: str) -> dict:
    assert response.status_code == status, (response.status_code, response.content[:500])
    assert response["Content-Type"].startswith("application/problem+json")
    body = response.json()
    assert body["status"] == status and body["title"] and body["type"] and "detail" in body
    for field in fields:
        assert field in body["errors"], body
    return body
