from django.db.models import Prefetch, QuerySet
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.serializers import BaseSerializer

from accounts.api.views import OwnRecordsViewSet
from accounts.policy import acting_user
from notifications import services
from notifications.models import DeliveryAttempt, Notification, Watch, WebhookEndpoint

from .serializers import (
    DeliverySerializer,
    WatchSerializer,
    WebhookEndpointCreatedSerializer,
    WebhookEndpointSerializer,
)


@extend_schema_view(
    list=extend_schema(summary="List your watches"),
    create=extend_schema(summary="Watch an agreement, a state or everything (updates an existing watch)"),
    retrieve=extend_schema(summary="One of your watches"),
    destroy=extend_schema(summary="Stop watching"),
)
class WatchViewSet(OwnRecordsViewSet):
    """What you follow (an agreement, a state or everything), and how you hear of it."""

    serializer_class = WatchSerializer

    def get_queryset(self) -> QuerySet[Watch]:
        if getattr(self, "swagger_fake_view", False):
            return Watch.objects.none()
        return (
            Watch.objects.filter(user=acting_user(self.request.user))
            .select_related("agreement", "state")
            .prefetch_related("webhooks")
            .order_by("-created_at", "-id")
        )

    def perform_create(self, serializer: BaseSerializer[Watch]) -> None:
        data = dict(serializer.validated_data)
        serializer.instance = services.watch_set(user=acting_user(self.request.user), **data)

    def perform_destroy(self, instance: Watch) -> None:
        services.watch_delete(
            user=acting_user(self.request.user), watch=instance, expected_version=self.expected_version
        )


@extend_schema_view(
    list=extend_schema(summary="List your webhook endpoints"),
    create=extend_schema(
        summary="Register a webhook endpoint (its secret is shown once)",
        responses={201: WebhookEndpointCreatedSerializer},
    ),
    retrieve=extend_schema(summary="One of your webhook endpoints"),
    destroy=extend_schema(summary="Remove a webhook endpoint"),
)
class WebhookEndpointViewSet(OwnRecordsViewSet):
    """Your webhook endpoints: each notice is POSTed to them signed with the endpoint's secret."""

    serializer_class = WebhookEndpointSerializer

    def get_queryset(self) -> QuerySet[WebhookEndpoint]:
        if getattr(self, "swagger_fake_view", False):
            return WebhookEndpoint.objects.none()
        return WebhookEndpoint.objects.filter(user=acting_user(self.request.user)).order_by("-created_at", "-id")

    def create(self, request: Request, *args: object, **kwargs: object) -> Response:
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        endpoint = services.webhook_create(user=acting_user(request.user), **serializer.validated_data)
        data = WebhookEndpointCreatedSerializer(endpoint, context=self.get_serializer_context()).data
        return Response(data, status=status.HTTP_201_CREATED)

    def perform_destroy(self, instance: WebhookEndpoint) -> None:
        services.webhook_delete(
            user=acting_user(self.request.user), endpoint=instance, expected_version=self.expected_version
        )

    @extend_schema(summary="The delivery log of one endpoint", responses={200: DeliverySerializer(many=True)})
    @action(detail=True, methods=["get"])
    def deliveries(self, request: Request, pk: str) -> Response:
        endpoint = self.get_object()
        assert isinstance(endpoint, WebhookEndpoint)  # get_queryset()'s; its type leaves the model open
        notices = (
            Notification.objects.filter(endpoint=endpoint)
            .prefetch_related(Prefetch("delivery_attempts", DeliveryAttempt.objects.order_by("started_at", "id")))
            .order_by("-created_at")[:100]
        )
        return Response(DeliverySerializer(notices, many=True).data)
