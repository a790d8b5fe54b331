import logging
from typing import TYPE_CHECKING

from django.conf import settings
from rest_framework.request import Request
from rest_framework.throttling import SimpleRateThrottle

from accounts.models import ApiToken
from raa_tracker.cache import CacheUnavailable, warn_once_per_interval

if TYPE_CHECKING:  # rest_framework.views imports this module through its settings
    from rest_framework.views import APIView

log = logging.getLogger(__name__)


class _SettingsRateThrottle(SimpleRateThrottle):
    """Reads its rate from settings.API_THROTTLE_RATES on each request, so deployments and tests can change it."""

    def get_rate(self) -> str | None:
        if self.scope is None:
            return None
        return settings.API_THROTTLE_RATES.get(self.scope)

    def allow_request(self, request: Request, view: "APIView") -> bool:
        """The request history lives in the cache. Without a cache the request goes through (fails open):
        an outage of Redis must not take the API down with it, and the limit only guards against floods."""
        try:
            return super().allow_request(request, view)
        except CacheUnavailable as error:
            warn_once_per_interval(log, "throttle", "API throttling is off while the cache is unavailable: %s", error)
            return True


class AnonymousRateThrottle(_SettingsRateThrottle):
    scope = "anonymous"

    def get_cache_key(self, request: Request, view: "APIView") -> str | None:
        if request.user.is_authenticated:
            return None
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


class UserOrTokenRateThrottle(_SettingsRateThrottle):
    """One budget per token, or per user for session clients."""

    scope = "user"

    def get_cache_key(self, request: Request, view: "APIView") -> str | None:
        if not request.user.is_authenticated:
            return None
        ident = f"token-{request.auth.pk}" if isinstance(request.auth, ApiToken) else f"user-{request.user.pk}"
        return self.cache_format % {"scope": self.scope, "ident": ident}


class AnonymousReportThrottle(_SettingsRateThrottle):
    """Error reports from visitors who are not signed in, per address (API_THROTTLE_REPORTS)."""

    scope = "reports"

    def get_cache_key(self, request: Request, view: "APIView") -> str | None:
        if request.user.is_authenticated:
            return None
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}
