"""API tokens (accounts.services): only a usable key of an active user authenticates, and its use is recorded."""

import datetime

import pytest

from accounts.services import token_authenticate, token_create, token_revoke

pytestmark = pytest.mark.django_db


def test_authenticate_accepts_a_usable_key_and_records_use(analyst: object) -> None:
    token, key = token_create(user=analyst)
    found = token_authenticate(key)
    assert found == token and found.last_used_at is not None
    assert token_authenticate(key + "x") is None
    assert token_authenticate("not-a-token") is None


def test_expired_and_revoked_tokens_are_refused(analyst: object) -> None:
    expired, expired_key = token_create(user=analyst, expires_in=datetime.timedelta(seconds=-1))
    revoked, revoked_key = token_create(user=analyst)
    token_revoke(token=revoked)
    assert token_authenticate(expired_key) is None
    assert token_authenticate(revoked_key) is None
    assert revoked.revoked_at is not None


def test_token_of_deactivated_user_is_refused(analyst: object) -> None:
    _, key = token_create(user=analyst)
    analyst.is_active = False
    analyst.save()
    assert token_authenticate(key) is None
