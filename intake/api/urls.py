from rest_framework.routers import SimpleRouter

from .views import ArticleViewSet, CandidateViewSet, FeedViewSet

router = SimpleRouter()
router.register("intake/articles", ArticleViewSet, basename="intake-article")
router.register("intake/candidates", CandidateViewSet, basename="intake-candidate")
router.register("intake/feeds", FeedViewSet, basename="intake-feed")
urlpatterns = router.urls
