import datetime
from collections.abc import Callable

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from .celery import HEARTBEAT_KEY


def _plain(text: str, status: int = 200) -> HttpResponse:
    return HttpResponse(text, status=status, content_type="text/plain")


class HealthCheckMiddleware:
    """Answers /healthz before host validation and HTTPS redirects, so that container health checks and
    load balancers (which call by IP, over plain HTTP) get a plain answer: the app runs and reaches its
    database. `/healthz?workers` also asks whether a Celery worker has run the heartbeat recently."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path != "/healthz":
            return self.get_response(request)
        try:
            with connection.cursor() as cursor:
                cursor.execute("SELECT 1")
        except Exception:  # noqa: BLE001 - any database failure means unhealthy
            return _plain("database unavailable", 503)
        if "workers" in request.GET:
            return self._workers()
        return _plain("ok")

    def _workers(self) -> HttpResponse:
        try:
            seen = cache.get(HEARTBEAT_KEY)
        except Exception:  # noqa: BLE001 - an unreachable cache means we cannot tell
            return _plain("cache unavailable", 503)
        if seen is None:
            return _plain("no worker heartbeat yet", 503)
        age = (timezone.now() - datetime.datetime.fromisoformat(seen)).total_seconds()
        if age > settings.WORKER_HEARTBEAT_MAX_AGE:
            return _plain(f"last worker heartbeat {age:.0f} s ago", 503)
        return _plain(f"ok: worker heartbeat {age:.0f} s ago")
