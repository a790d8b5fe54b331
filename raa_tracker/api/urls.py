"""/api/v1/: the resources, the OpenAPI schema and its documentation (assets served locally)."""

from csp.decorators import csp_update
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerSplitView
from rest_framework.routers import APIRootView

# The API root lists each app's resources by URL name (the apps' api/urls.py, included below by module path,
# so that this package imports no app).
RESOURCES = {
    "states": "state-list",
    "groupings": "grouping-list",
    "agreement-types": "agreementtype-list",
    "agreements": "agreement-list",
    "rounds": "negotiationround-list",
    "milestones": "milestone-list",
    "events": "statusevent-list",
    "sources": "source-list",
    "stale-agreements": "stale-agreement-list",
    "citations": "citation-list",
    "changes": "change-list",
    "reports": "report-list",
    "imports": "import-list",
    "tokens": "token-list",
    "watches": "watch-list",
    "webhooks": "webhook-list",
    "intake/articles": "intake-article-list",
    "intake/candidates": "intake-candidate-list",
    "intake/feeds": "intake-feed-list",
}
APPS_WITH_AN_API = ["parties", "negotiations", "analysis", "accounts", "notifications", "interchange", "intake"]

app_name = "api"
urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api:schema"), name="docs"),
    # Redoc styles itself inline and searches in a blob: worker; the relaxation is for this page only.
    path(
        "redoc/",
        csp_update({"style-src": ["'self'", "'unsafe-inline'"], "worker-src": ["'self'", "blob:"]})(
            SpectacularRedocView.as_view(url_name="api:schema")
        ),
        name="redoc",
    ),
    *[path("", include(f"{app}.api.urls")) for app in APPS_WITH_AN_API],
    path("", APIRootView.as_view(api_root_dict=RESOURCES), name="api-root"),
]
