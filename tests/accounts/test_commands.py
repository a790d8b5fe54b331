"""`manage.py create_api_token`: the key printed once, only its digest stored, read-only by default."""

import datetime
import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from accounts.models import ApiToken, TokenScope
from tests.conftest import database_text

pytestmark = pytest.mark.django_db


def _create(*args: str) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("create_api_token", *args, stdout=out, stderr=err)
    return out.getvalue().strip(), err.getvalue()


def test_command_prints_key_once_and_stores_only_a_digest(official_jp: object) -> None:
    key, notice = _create("official-jp", "--write", "--expires-days", "30")
    assert key.startswith("raa_") and len(key) > 40
    assert "Shown once" in notice and "scope write" in notice
    token = ApiToken.objects.get(user=official_jp)
    assert token.scope == TokenScope.WRITE
    assert token.digest == ApiToken.digest_of(key) and key not in token.digest
    assert abs(token.expires_at - (timezone.now() + datetime.timedelta(days=30))) < datetime.timedelta(minutes=1)
    assert key not in database_text()
    assert key[len("raa_") + 6 :] not in database_text()


def test_read_only_by_default(analyst: object) -> None:
    _create("analyst")
    assert ApiToken.objects.get(user=analyst).scope == TokenScope.READ


def test_unknown_user_and_bad_expiry_are_refused(analyst: object) -> None:
    with pytest.raises(CommandError, match="No user named 'nobody'"):
        _create("nobody")
    with pytest.raises(CommandError, match="at least 1"):
        _create("analyst", "--expires-days", "0")
    assert not ApiToken.objects.exists()
