"""Writes for users, profiles and API tokens."""

import datetime
import secrets

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone

from raa_tracker.services import locked_for_write

from .models import ApiToken, Profile, TokenScope

TOKEN_PREFIX = "raa_"


def profile_for(user: User) -> Profile:
    profile, _ = Profile.objects.get_or_create(user=user)
    return profile


def token_create(
    *,
    user: User,
    scope: TokenScope = TokenScope.READ,
    name: str = "",
    expires_in: datetime.timedelta | None = None,
) -> tuple[ApiToken, str]:
    """Create a token and return it with its key; the key is not stored and cannot be shown again."""
    key = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(
        user=user,
        name=name,
        scope=TokenScope(scope),
        prefix=key[: len(TOKEN_PREFIX) + 6],
        digest=ApiToken.digest_of(key),
        expires_at=timezone.now() + expires_in if expires_in else None,
    )
    token.full_clean()
    token.save()
    return token, key


def profile_update(*, user: User, language: str, time_zone: str) -> Profile:
    """The language and time zone of the user's e-mails and calendar."""
    profile = profile_for(user)
    profile.language, profile.time_zone = language, time_zone
    profile.full_clean()
    profile.save()
    return profile


def token_update(*, token: ApiToken, name: str, expires_at: datetime.datetime | None) -> ApiToken:
    """Rename a token or change when it expires; its user, scope and key never change."""
    with transaction.atomic():
        locked = locked_for_write(token)
        locked.name, locked.expires_at = name, expires_at
        locked.full_clean()
        locked.save(update_fields=["name", "expires_at"])
    return locked


def token_revoke(*, token: ApiToken, expected_version: str | None = None) -> None:
    """Revoke the token (once: revoking again keeps the first time)."""
    with transaction.atomic():
        locked = locked_for_write(token, expected_version)
        if locked.revoked_at is None:
            ApiToken.objects.filter(pk=token.pk).update(revoked_at=timezone.now())
    token.refresh_from_db()


def token_authenticate(key: str) -> ApiToken | None:
    """The usable token with this key, or None. Records the time of use at most once a minute."""
    if not key.startswith(TOKEN_PREFIX):
        return None
    token = ApiToken.objects.usable().select_related("user").filter(digest=ApiToken.digest_of(key)).first()
    if token is None or not token.user.is_active:
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at > datetime.timedelta(minutes=1):
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
    return token
