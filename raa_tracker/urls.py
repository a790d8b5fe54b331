import sys

from django.conf import settings
from django.contrib import admin
from django.http import HttpRequest, HttpResponse
from django.urls import include, path, re_path
from django.views import csrf, defaults
from django.views.decorators.csrf import csrf_exempt

from raa_tracker.api.problems import json_problem
from raa_tracker.middleware import database_unavailable, is_database_outage

urlpatterns = [
    *([path("bench/", include("bench.baselines"))] if settings.BENCH_BASELINES else []),
    path("", include("negotiations.urls")),
    path("", include("notifications.urls")),
    path("", include("analysis.urls")),
    path("", include("interchange.urls")),
    path("", include("intake.urls")),
    path("accounts/", include("accounts.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("api/v1/", include("raa_tracker.api.urls")),
    re_path(
        r"^api/", csrf_exempt(lambda request: json_problem(request, 404, "No such resource.")), name="api-not-found"
    ),
]


def handler404(request: HttpRequest, exception: Exception) -> HttpResponse:
    if request.path.startswith("/api/"):
        return json_problem(request, 404, "No such resource.")
    return defaults.page_not_found(request, exception)


def handler500(request: HttpRequest) -> HttpResponse:
    """Django calls this for an exception raised in a view or in any middleware (with DEBUG false), while it is
    being handled: a database outage becomes the 503 of DatabaseOutageMiddleware, never a 500."""
    exc = sys.exception()
    if exc is not None and is_database_outage(exc):
        return database_unavailable(request, exc)
    if request.path.startswith("/api/"):
        return json_problem(request, 500, "The server failed; the error has been logged.")
    return defaults.server_error(request)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """Session clients of the API that forget the CSRF token get a problem document, not an HTML page."""
    if request.path.startswith("/api/"):
        return json_problem(request, 403, f"CSRF check failed: {reason}. Send the X-CSRFToken header or use a token.")
    return csrf.csrf_failure(request, reason)
