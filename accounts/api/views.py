from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.api.permissions import OwnRecordsOnly
from accounts.models import ApiToken, TokenScope
from accounts.policy import acting_user
from accounts.services import token_create, token_revoke
from raa_tracker.api.concurrency import ConcurrencyMixin

from .serializers import ApiTokenCreatedSerializer, ApiTokenSerializer


# A user's own records (tokens, watches, webhooks): listed, created, read and deleted, never another's; a
# read-only token may read them but not change them. (A comment, not a docstring: drf-spectacular would show
# a docstring as the description of every operation of the viewsets below.)
class OwnRecordsViewSet(
    ConcurrencyMixin,
    mixins.ListModelMixin,
    mixins.CreateModelMixin,
    mixins.RetrieveModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    permission_classes = [OwnRecordsOnly]
    filter_backends: list = []
    lookup_value_regex = "[0-9]{1,18}"


@extend_schema_view(
    list=extend_schema(summary="List your API tokens"),
    create=extend_schema(
        summary="Create an API token (its key is shown once)", responses={201: ApiTokenCreatedSerializer}
    ),
    retrieve=extend_schema(summary="One of your API tokens"),
    destroy=extend_schema(summary="Revoke one of your API tokens"),
)
class ApiTokenViewSet(OwnRecordsViewSet):
    """Your API tokens: only a digest of each key is stored, so a key is shown once, when it is created."""

    serializer_class = ApiTokenSerializer

    def get_queryset(self) -> QuerySet[ApiToken]:
        if getattr(self, "swagger_fake_view", False):
            return ApiToken.objects.none()
        return ApiToken.objects.filter(user=acting_user(self.request.user))

    def create(self, request: Request, *args: object, **kwargs: object) -> Response:
        serializer = self.get_serializer(data=request.data)
        assert isinstance(serializer, ApiTokenSerializer)  # serializer_class; the type of get_serializer() is generic
        serializer.is_valid(raise_exception=True)
        scope = serializer.validated_data.get("scope", TokenScope.READ)
        if scope == TokenScope.WRITE and isinstance(request.auth, ApiToken) and request.auth.scope != TokenScope.WRITE:
            raise serializers.ValidationError({"scope": ["A read-only token cannot create a write token."]})
        token, key = token_create(
            user=acting_user(request.user),
            scope=scope,
            name=serializer.validated_data.get("name", ""),
            expires_in=serializer.expires_in(),
        )
        context = {**self.get_serializer_context(), "key": key}
        return Response(ApiTokenCreatedSerializer(token, context=context).data, status=status.HTTP_201_CREATED)

    def perform_destroy(self, instance: ApiToken) -> None:
        token_revoke(token=instance, expected_version=self.expected_version)
