from django.conf import settings
from rest_framework.request import Request
from rest_framework.throttling import SimpleRateThrottle

from accounts.models import ApiToken


class _SettingsRateThrottle(SimpleRateThrottle):
    """Reads its rate from settings.API_THROTTLE_RATES on each request, so deployments and tests can change it."""

    def get_rate(self) -> str | None:
        return settings.API_THROTTLE_RATES.get(self.scope)


class AnonymousRateThrottle(_SettingsRateThrottle):
    scope = "anonymous"

    def get_cache_key(self, request: Request, view: object) -> str | None:
        if request.user.is_authenticated:
            return None
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


class UserOrTokenRateThrottle(_SettingsRateThrottle):
    """One budget per token, or per user for session clients."""

    scope = "user"

    def get_cache_key(self, request: Request, view: object) -> str | None:
        if not request.user.is_authenticated:
            return None
        ident = f"token-{request.auth.pk}" if isinstance(request.auth, ApiToken) else f"user-{request.user.pk}"
        return self.cache_format % {"scope": self.scope, "ident": ident}
