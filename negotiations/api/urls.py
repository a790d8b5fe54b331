from rest_framework.routers import SimpleRouter

from .views import (
    AgreementTypeViewSet,
    AgreementViewSet,
    ChangeViewSet,
    EventViewSet,
    MilestoneViewSet,
    RoundViewSet,
    SourceViewSet,
)

router = SimpleRouter()
router.register("agreement-types", AgreementTypeViewSet, basename="agreementtype")
router.register("agreements", AgreementViewSet, basename="agreement")
router.register("rounds", RoundViewSet, basename="negotiationround")
router.register("milestones", MilestoneViewSet, basename="milestone")
router.register("events", EventViewSet, basename="statusevent")
router.register("sources", SourceViewSet, basename="source")
router.register("changes", ChangeViewSet, basename="change")
urlpatterns = router.urls
