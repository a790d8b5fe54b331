from django.contrib import admin
from django.http import HttpRequest, HttpResponse
from django.urls import include, path, re_path
from django.views import defaults

from negotiations import views
from raa_tracker.api.problems import json_problem

urlpatterns = [
    path("", views.overview, name="overview"),
    path("admin/", admin.site.urls),
    path("api/v1/", include("raa_tracker.api.urls")),
    re_path(r"^api/", lambda request: json_problem(request, 404, "No such resource."), name="api-not-found"),
]


def handler404(request: HttpRequest, exception: Exception) -> HttpResponse:
    if request.path.startswith("/api/"):
        return json_problem(request, 404, "No such resource.")
    return defaults.page_not_found(request, exception)


def handler500(request: HttpRequest) -> HttpResponse:
    if request.path.startswith("/api/"):
        return json_problem(request, 500, "The server failed; the error has been logged.")
    return defaults.server_error(request)
