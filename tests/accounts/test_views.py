"""Signing in and out (accounts.urls: Django's views with django-axes): a lock-out after repeated failures."""

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


def test_repeated_failed_sign_ins_lock_the_account_out(client: Client, official_jp: object, settings: object) -> None:
    statuses = [
        client.post("/accounts/login/", {"username": "official-jp", "password": "wrong"}).status_code
        for _ in range(settings.AXES_FAILURE_LIMIT)
    ]
    assert statuses == [200] * (settings.AXES_FAILURE_LIMIT - 1) + [429]
    locked = client.post("/accounts/login/", {"username": "official-jp", "password": "pw"})
    assert locked.status_code == 429
    assert "Too many failed attempts" in locked.content.decode()
    assert "_auth_user_id" not in client.session


def test_sign_in_and_out(client: Client, official_jp: object) -> None:
    response = client.post("/accounts/login/", {"username": "official-jp", "password": "pw", "next": "/upcoming/"})
    assert response.status_code == 302 and response.url == "/upcoming/"
    assert "official-jp" in client.get("/").content.decode()
    assert client.post("/accounts/logout/").status_code == 302
    assert "Sign in" in client.get("/").content.decode()
