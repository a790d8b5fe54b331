import logging
from typing import TYPE_CHECKING

from django.conf import settings
from django.http import HttpRequest
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
    """Error reports from visitors who are not signed in, per address (API_THROTTLE_REPORTS): the API's and,
    through anonymous_report_allowed(), the dashboard's report form's, on one counter."""

    scope = "reports"

    def get_cache_key(self, request: Request, view: "APIView") -> str | None:
        if request.user.is_authenticated:
            return None
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


def anonymous_report_allowed(request: HttpRequest) -> bool:
    """Whether the dashboard's report form may take one more report on this request: AnonymousReportThrottle
    asked for it as for a request to the API, so the form and the API share one limit per address and one
    counter (API_THROTTLE_REPORTS). Signed-in users are not limited; without a cache the form stays open."""
    from rest_framework.views import APIView  # not at the top: rest_framework.views imports this module

    api_request = Request(request)
    api_request.user = request.user  # as the session signed in; the bare wrapper would authenticate nobody
    return AnonymousReportThrottle().allow_request(api_request, APIView())
