from typing import Any

from django.db.models import Prefetch, QuerySet
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, permissions, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.serializers import BaseSerializer

from accounts.api.permissions import PolicyPermission, token_scope_allows
from accounts.policy import Action, Role, acting_user, role_of
from intake import selectors, services
from intake.filtersets import CandidateFilterSet
from intake.models import Article, Candidate, Feed
from raa_tracker.api.concurrency import ConcurrencyMixin

from .serializers import (
    ArticleSerializer,
    ArticleSubmitSerializer,
    CandidateAcceptSerializer,
    CandidateRejectSerializer,
    CandidateSerializer,
    FeedSerializer,
)

ID = "[0-9]{1,18}"


class SubmitArticles(PolicyPermission):
    """Reading follows the policy; any signed-in user submits an article (with a token that may write)."""

    def has_permission(self, request: Request, view: Any) -> bool:
        if request.method in permissions.SAFE_METHODS:
            return super().has_permission(request, view)
        if not request.user.is_authenticated:
            return False
        if not token_scope_allows(request):
            self.message = "This token is read-only; create a token with write scope to submit articles."
            return False
        return True


class AdministratorsOnly(permissions.BasePermission):
    message = "Feeds are for administrators."

    def has_permission(self, request: Request, view: Any) -> bool:
        if role_of(request.user) != Role.ADMINISTRATOR:
            return False
        return request.method in permissions.SAFE_METHODS or token_scope_allows(request)


@extend_schema_view(
    list=extend_schema(summary="List articles, newest first, each with its candidate facts"),
    retrieve=extend_schema(summary="One article with its candidate facts"),
    create=extend_schema(
        summary="Submit an article: its text (read at once) or its address alone (fetched by a worker)",
        request=ArticleSubmitSerializer,
        responses={
            201: ArticleSerializer,
            200: OpenApiResponse(ArticleSerializer, description="The same text (or address) was submitted before."),
        },
    ),
)
class ArticleViewSet(ConcurrencyMixin[Article], mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet[Article]):
    """Articles pasted, fetched or read from feeds, each with the facts found in it."""

    serializer_class = ArticleSerializer
    permission_classes = [SubmitArticles]
    filter_backends: list = []
    lookup_value_regex = ID

    def get_queryset(self) -> QuerySet[Article]:
        return Article.objects.prefetch_related(Prefetch("candidates", queryset=selectors.candidates())).order_by(
            "-created_at", "-id"
        )

    def create(self, request: Request, *args: object, **kwargs: object) -> Response:
        serializer = ArticleSubmitSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        article, created = services.article_submit(actor=acting_user(request.user), **serializer.validated_data)
        shown = self.get_queryset().get(pk=article.pk)
        data = ArticleSerializer(shown, context=self.get_serializer_context()).data
        return Response(data, status=status.HTTP_201_CREATED if created else status.HTTP_200_OK)


@extend_schema_view(
    list=extend_schema(summary="List candidate facts (by article, agreement, state, review, relation, kind)"),
    retrieve=extend_schema(summary="One candidate fact"),
    accept=extend_schema(
        summary="Accept a candidate, with optional corrections: the fact is written through the record's rules",
        request=CandidateAcceptSerializer,
    ),
    reject=extend_schema(summary="Reject a candidate, saying why", request=CandidateRejectSerializer),
)
class CandidateViewSet(ConcurrencyMixin[Candidate], viewsets.ReadOnlyModelViewSet[Candidate]):
    """Facts the intake found in articles, for officials of the parties (administrators: all) to review."""

    serializer_class = CandidateSerializer
    filterset_class = CandidateFilterSet
    lookup_value_regex = ID
    object_actions = {"accept": Action.CHANGE, "reject": Action.CHANGE}

    def get_queryset(self) -> QuerySet[Candidate]:
        return selectors.candidates().order_by("-created_at", "-id")

    def _answer(self, candidate: Candidate) -> Response:
        return Response(CandidateSerializer(self.get_queryset().get(pk=candidate.pk)).data)

    @action(detail=True, methods=["post"])
    def accept(self, request: Request, pk: str) -> Response:
        serializer = CandidateAcceptSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        candidate = services.candidate_accept(
            actor=acting_user(request.user), candidate=self.get_object(), **serializer.validated_data
        )
        return self._answer(candidate)

    @action(detail=True, methods=["post"])
    def reject(self, request: Request, pk: str) -> Response:
        serializer = CandidateRejectSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        candidate = services.candidate_reject(
            actor=acting_user(request.user), candidate=self.get_object(), reason=serializer.validated_data["reason"]
        )
        return self._answer(candidate)


@extend_schema_view(
    list=extend_schema(summary="List the feeds polled for articles (administrators)"),
    create=extend_schema(summary="Register an RSS or Atom feed (administrators)"),
    retrieve=extend_schema(summary="One feed, with how its last polls went"),
)
class FeedViewSet(ConcurrencyMixin[Feed], mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet[Feed]):
    """RSS and Atom feeds of ministries and newspapers, polled by the workers."""

    serializer_class = FeedSerializer
    permission_classes = [AdministratorsOnly]
    filter_backends: list = []
    lookup_value_regex = ID

    def get_queryset(self) -> QuerySet[Feed]:
        return Feed.objects.order_by("publisher", "id")

    def perform_create(self, serializer: BaseSerializer[Feed]) -> None:
        serializer.instance = services.feed_create(actor=acting_user(self.request.user), **serializer.validated_data)
