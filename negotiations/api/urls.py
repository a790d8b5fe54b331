from rest_framework.routers import SimpleRouter

from .views import (
    AgreementTypeViewSet,
    AgreementViewSet,
    ChangeViewSet,
    CitationViewSet,
    ErrorReportViewSet,
    EventViewSet,
    MilestoneViewSet,
    RoundViewSet,
    SourceViewSet,
    StaleAgreementViewSet,
)

router = SimpleRouter()
router.register("agreement-types", AgreementTypeViewSet, basename="agreementtype")
router.register("agreements", AgreementViewSet, basename="agreement")
router.register("rounds", RoundViewSet, basename="negotiationround")
router.register("milestones", MilestoneViewSet, basename="milestone")
router.register("events", EventViewSet, basename="statusevent")
router.register("sources", SourceViewSet, basename="source")
router.register("stale-agreements", StaleAgreementViewSet, basename="stale-agreement")
router.register("citations", CitationViewSet, basename="citation")
router.register("changes", ChangeViewSet, basename="change")
router.register("reports", ErrorReportViewSet, basename="report")
urlpatterns = router.urls
