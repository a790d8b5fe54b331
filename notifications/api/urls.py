from rest_framework.routers import SimpleRouter

from .views import WatchViewSet, WebhookEndpointViewSet

router = SimpleRouter()
router.register("watches", WatchViewSet, basename="watch")
router.register("webhooks", WebhookEndpointViewSet, basename="webhook")
urlpatterns = router.urls
