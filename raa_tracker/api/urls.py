"""/api/v1/: the resources, the OpenAPI schema and its documentation (assets served locally)."""

from csp.decorators import csp_update
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerSplitView
from rest_framework.routers import DefaultRouter

from accounts.api.views import ApiTokenViewSet
from analysis.api import StatusCountsView
from negotiations.api.views import (
    AgreementTypeViewSet,
    AgreementViewSet,
    EventViewSet,
    MilestoneViewSet,
    RoundViewSet,
    SourceViewSet,
)
from notifications.api.views import WatchViewSet, WebhookEndpointViewSet
from parties.api.views import GroupingViewSet, StateViewSet

router = DefaultRouter()
router.include_format_suffixes = False
router.register("states", StateViewSet, basename="state")
router.register("groupings", GroupingViewSet, basename="grouping")
router.register("agreement-types", AgreementTypeViewSet, basename="agreementtype")
router.register("agreements", AgreementViewSet, basename="agreement")
router.register("rounds", RoundViewSet, basename="negotiationround")
router.register("milestones", MilestoneViewSet, basename="milestone")
router.register("events", EventViewSet, basename="statusevent")
router.register("sources", SourceViewSet, basename="source")
router.register("tokens", ApiTokenViewSet, basename="token")
router.register("watches", WatchViewSet, basename="watch")
router.register("webhooks", WebhookEndpointViewSet, basename="webhook")

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
    path("analysis/status-counts/", StatusCountsView.as_view(), name="analysis-status-counts"),
    path("", include(router.urls)),
]
