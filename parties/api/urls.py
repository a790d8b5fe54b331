from rest_framework.routers import SimpleRouter

from .views import GroupingViewSet, StateViewSet

router = SimpleRouter()
router.register("states", StateViewSet, basename="state")
router.register("groupings", GroupingViewSet, basename="grouping")
urlpatterns = router.urls
