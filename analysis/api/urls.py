from django.urls import path
from rest_framework.routers import SimpleRouter

from .views import AgreementAnalysisViewSet, StatusCountsView

router = SimpleRouter()
# Under the agreement's own URL (negotiations serves /agreements/<slug>/): only the two detail actions.
router.register("agreements", AgreementAnalysisViewSet, basename="agreement")
urlpatterns = [
    path("analysis/status-counts/", StatusCountsView.as_view(), name="analysis-status-counts"),
    *router.urls,
]
