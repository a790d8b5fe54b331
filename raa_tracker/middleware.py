import datetime
import logging
import threading
import time
from collections.abc import Callable

import psycopg2
import psycopg2.errorcodes
import psycopg2.errors
from django.conf import settings
from django.core.cache import cache
from django.db import InterfaceError, OperationalError, connection
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _

from raa_tracker.api.problems import json_problem

from . import provenance
from .celery import HEARTBEAT_KEY

log = logging.getLogger(__name__)

# Clients are told to come back after this many seconds; the first request after the database returns succeeds.
RETRY_AFTER_SECONDS = 30
# An outage is logged once per this many seconds (per process), not once per failed request.
OUTAGE_LOG_INTERVAL_SECONDS = 60
# PostgreSQL error classes that mean "the server is not there" rather than "this statement failed": connection
# exceptions (08…), the server shutting down or starting up (57P01-57P03), too many connections (53300). Other
# OperationalErrors (a deadlock, a lock or statement timeout) are failures of one request, not an outage.
_OUTAGE_SQLSTATES = ("08", "57P01", "57P02", "57P03", "53300")
# psycopg2 raises a class of its own for each SQLSTATE (psycopg2.errors), and its base OperationalError for the
# failures of libpq itself (could not connect, server closed the connection unexpectedly).
_OUTAGE_TYPES = tuple(
    {
        psycopg2.errors.lookup(code)
        for name, code in vars(psycopg2.errorcodes).items()
        if not name.startswith("CLASS_") and isinstance(code, str) and code.startswith(_OUTAGE_SQLSTATES)
    }
)


def _plain(text: str, status: int = 200) -> HttpResponse:
    return HttpResponse(text, status=status, content_type="text/plain")


def _mark_logged(response: HttpResponse) -> None:
    """Keep Django's request logging (django.utils.log.log_response) from logging `response` again."""
    response._has_been_logged = True  # type: ignore[attr-defined]  # Django's private flag, not in its stubs


class HealthCheckMiddleware:
    """Answers /healthz before host validation and HTTPS redirects, so that container health checks and
    load balancers (which call by IP, over plain HTTP) get a plain answer: the app runs and reaches its
    database. `/healthz?workers` also asks whether a Celery worker has run the heartbeat recently. A database
    that is down answers at once (connection refused) or within DATABASE_CONNECT_TIMEOUT (unreachable host)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path != "/healthz":
            return self.get_response(request)
        try:
            with connection.cursor() as cursor:
                cursor.execute("SELECT 1")
        except Exception as exc:  # noqa: BLE001 - any database failure means unhealthy
            outages.failed(exc)
            response = _plain("database unavailable", 503)
            _mark_logged(response)  # by outages.failed, once per interval, not once per probe
            return response
        outages.recovered()
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


def is_database_outage(exc: BaseException | None) -> bool:
    """Whether `exc`, or an error it was raised from, means that the database cannot be reached: the server is
    down, restarting or refusing connections, or a kept connection broke. Not every OperationalError is one (a
    deadlock or a statement timeout is not), and no IntegrityError or other DatabaseError ever is."""
    seen: set[int] = set()
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        if isinstance(exc, InterfaceError | psycopg2.InterfaceError):
            return True  # "connection already closed"
        if isinstance(exc, psycopg2.OperationalError):
            return type(exc) is psycopg2.OperationalError or isinstance(exc, _OUTAGE_TYPES)
        exc = exc.__cause__ or exc.__context__  # Django's OperationalError is raised from psycopg2's
    return False


class _OutageLog:
    """One log line per interval while the database is down, and one when it is back, however many requests
    fail in between: an outage must be visible in the log without burying it under a traceback per request."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._since: float | None = None
        self._logged_at = float("-inf")

    def failed(self, exc: BaseException) -> None:
        now = time.monotonic()
        with self._lock:
            if self._since is None:
                self._since = now
            if now - self._logged_at < OUTAGE_LOG_INTERVAL_SECONDS:
                return
            self._logged_at = now
            lasted = now - self._since
        reason = " ".join(str(exc).split()) or type(exc).__name__
        log.error("Database unavailable (for %.0f s so far), answering 503: %s", lasted, reason)

    def recovered(self) -> None:
        if self._since is None:
            return
        with self._lock:
            since, self._since, self._logged_at = self._since, None, float("-inf")
        if since is not None:
            log.warning("Database reachable again after %.0f s", time.monotonic() - since)


outages = _OutageLog()


def database_unavailable(request: HttpRequest, exc: BaseException) -> HttpResponse:
    """The answer while the database is down: a problem document under /api/, elsewhere a plain page that needs
    no database (no session, no user, no base template), in the language the browser asks for, since the
    session and the user's settings cannot be read. Both say when to come back (Retry-After)."""
    outages.failed(exc)
    language = translation.get_language_from_request(request)
    response: HttpResponse
    with translation.override(language):
        if request.path.startswith("/api/"):
            detail = _("The database cannot be reached at the moment. Retry after the seconds in Retry-After.")
            response = json_problem(request, 503, detail)
        else:
            page = render_to_string("503.html", {"path": request.get_full_path()})
            response = HttpResponse(page, status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    add_never_cache_headers(response)
    _mark_logged(response)  # by outages.failed, once per interval; Django would log each request
    return response


class DatabaseOutageMiddleware:
    """While the database cannot be reached, every page and endpoint answers 503 instead of 500; once it is
    back, the next request succeeds without a restart.

    Before the session, auth and axes middleware run, the request's connection is checked: Django's health
    check (CONN_HEALTH_CHECKS), which its first query would run anyway, drops a kept connection that a
    database restart broke, and a new one is opened (within DATABASE_CONNECT_TIMEOUT). A failure later in the
    request reaches process_exception (raised in a view) or raa_tracker.urls.handler500 (raised anywhere)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            connection.close_if_health_check_failed()
            connection.ensure_connection()
        except (OperationalError, InterfaceError) as exc:
            if not is_database_outage(exc):
                raise
            return database_unavailable(request, exc)
        outages.recovered()
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if is_database_outage(exception):
            return database_unavailable(request, exception)
        return None


class WriteContextMiddleware:
    """Tells the services which door a request's writes come through (dashboard, API or admin) and under which
    request id, for their change rows; the id is returned as X-Request-ID so that a client can quote it."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request_id = provenance.request_id_from(request.headers.get("X-Request-ID"))
        if request.path.startswith("/api/"):
            channel = provenance.Channel.API
        elif request.path.startswith("/admin/"):
            channel = provenance.Channel.ADMIN
        else:
            channel = provenance.Channel.DASHBOARD
        token = provenance.begin(channel=channel, request_id=request_id, token_name="", system="")
        try:
            response = self.get_response(request)
        finally:
            provenance.end(token)
        response["X-Request-ID"] = request_id
        return response
