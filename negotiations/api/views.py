"""API views: parse, call a service, render. Rules live in negotiations.services and accounts.policy."""

from typing import Any, TypeVar

from django.db.models import QuerySet
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.serializers import BaseSerializer

from accounts.policy import Action, acting_user
from negotiations import selectors, services
from negotiations.filtersets import (
    AgreementFilterSet,
    AgreementTypeFilterSet,
    ChangeFilterSet,
    EventFilterSet,
    MilestoneFilterSet,
    RoundFilterSet,
    SourceFilterSet,
)
from negotiations.models import Agreement, AgreementType, Change, Milestone, NegotiationRound, Source, StatusEvent
from raa_tracker.api.concurrency import ConcurrencyMixin
from raa_tracker.api.export import CSVExportMixin
from raa_tracker.api.lookups import CodeLookupMixin
from raa_tracker.api.pagination import ChangeCursorPagination, EventCursorPagination
from record_cache.api import CachedListMixin

from . import listing
from .serializers import (
    AgreementSerializer,
    AgreementTypeSerializer,
    ChangeSerializer,
    EventSerializer,
    MilestoneSerializer,
    RoundSerializer,
    SourceSerializer,
    TransitionSerializer,
)

ID = "[0-9]{1,18}"

_Deletable = TypeVar("_Deletable", bound=Agreement | NegotiationRound | Milestone | Source)


class _ServiceDeletesMixin(ConcurrencyMixin[_Deletable]):
    """Deletes through the service, which locks the row and checks the version If-Match matched."""

    def perform_destroy(self, instance: _Deletable) -> None:
        services.record_delete(
            actor=acting_user(self.request.user), obj=instance, expected_version=self.expected_version
        )


class AgreementTypeViewSet(CodeLookupMixin, CSVExportMixin, ConcurrencyMixin, viewsets.ReadOnlyModelViewSet):
    """Kinds of agreement (RAA, SOFA, ACSA, …), looked up by code."""

    queryset = AgreementType.objects.order_by("code")
    serializer_class = AgreementTypeSerializer
    filterset_class = AgreementTypeFilterSet
    lookup_field = "code"
    lookup_value_regex = "[A-Za-z0-9-]{1,20}"


@extend_schema_view(
    list=extend_schema(summary="List agreements", description="Filter by party, type, status, grouping, dates."),
    create=extend_schema(summary="Create an agreement with its parties"),
    partial_update=extend_schema(summary="Change an agreement (send If-Match with its ETag)"),
    update=extend_schema(summary="Replace an agreement (send If-Match with its ETag)"),
    destroy=extend_schema(summary="Delete an agreement (administrators)"),
)
class AgreementViewSet(
    CachedListMixin, CSVExportMixin, _ServiceDeletesMixin[Agreement], viewsets.ModelViewSet[Agreement]
):
    """Agreements, looked up by slug; `participations` lists the parties and their own steps."""

    serializer_class = AgreementSerializer
    filterset_class = AgreementFilterSet
    lookup_field = "slug"
    lookup_value_regex = "[-a-zA-Z0-9_]{1,120}"
    object_actions = {"transition": Action.TRANSITION}

    def get_queryset(self) -> QuerySet[Agreement]:
        return selectors.agreements_with_parties().order_by("title", "id")

    def list_data(self, request: Request, *args: Any, **kwargs: Any) -> dict[str, Any]:
        """Pages are built from plain rows (negotiations.api.listing); CSV exports stream through the serializer."""
        rows = self.filter_queryset(Agreement.objects.order_by("title", "id"))
        page = self.paginate_queryset(listing.agreement_rows(rows))
        assert page is not None  # the API always pages (REST_FRAMEWORK's DEFAULT_PAGINATION_CLASS)
        return self.get_paginated_response(listing.represent_agreements(page, request)).data

    def perform_create(self, serializer: BaseSerializer[Agreement]) -> None:
        agreement = services.agreement_create(actor=acting_user(self.request.user), **serializer.validated_data)
        serializer.instance = selectors.agreements_with_parties().get(pk=agreement.pk)

    def perform_update(self, serializer: BaseSerializer[Agreement]) -> None:
        assert serializer.instance is not None  # UpdateModelMixin.update() passes the object it changes
        agreement = services.agreement_update(
            actor=acting_user(self.request.user),
            agreement=serializer.instance,
            expected_version=self.expected_version,
            **serializer.validated_data,
        )
        serializer.instance = selectors.agreements_with_parties().get(pk=agreement.pk)

    @extend_schema(
        summary="Record a status change",
        request=TransitionSerializer,
        responses={201: EventSerializer, 409: OpenApiResponse(description="The lifecycle refuses the move.")},
    )
    @action(detail=True, methods=["post"])
    def transition(self, request: Request, slug: str) -> Response:
        agreement = self.get_object()
        serializer = TransitionSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        actor = acting_user(request.user)
        if isinstance(data.get("source"), dict):
            data["source"] = services.source_find_or_record(actor=actor, **data["source"])
        event = services.agreement_transition(
            actor=actor, agreement=agreement, expected_version=self.expected_version, **data
        )
        event = selectors.events().get(pk=event.pk)
        return Response(EventSerializer(event, context={"request": request}).data, status=status.HTTP_201_CREATED)


class RoundViewSet(
    CachedListMixin, CSVExportMixin, _ServiceDeletesMixin[NegotiationRound], viewsets.ModelViewSet[NegotiationRound]
):
    """Negotiation rounds, numbered per agreement."""

    serializer_class = RoundSerializer
    filterset_class = RoundFilterSet
    lookup_value_regex = ID

    def get_queryset(self) -> QuerySet[NegotiationRound]:
        return NegotiationRound.objects.select_related("agreement", "host").order_by("agreement__title", "number")

    def perform_create(self, serializer: BaseSerializer[NegotiationRound]) -> None:
        serializer.instance = services.round_record(actor=acting_user(self.request.user), **serializer.validated_data)

    def perform_update(self, serializer: BaseSerializer[NegotiationRound]) -> None:
        assert serializer.instance is not None  # UpdateModelMixin.update() passes the object it changes
        serializer.instance = services.round_update(
            actor=acting_user(self.request.user),
            round=serializer.instance,
            expected_version=self.expected_version,
            **serializer.validated_data,
        )


class MilestoneViewSet(
    CachedListMixin, CSVExportMixin, _ServiceDeletesMixin[Milestone], viewsets.ModelViewSet[Milestone]
):
    """Milestones: what is expected on a date; `overdue` is derived."""

    serializer_class = MilestoneSerializer
    filterset_class = MilestoneFilterSet
    lookup_value_regex = ID

    def get_queryset(self) -> QuerySet[Milestone]:
        return Milestone.objects.select_related("agreement", "owner", "responsible_party").order_by("due_on", "id")

    def perform_create(self, serializer: BaseSerializer[Milestone]) -> None:
        serializer.instance = services.milestone_record(
            actor=acting_user(self.request.user), **serializer.validated_data
        )

    def perform_update(self, serializer: BaseSerializer[Milestone]) -> None:
        assert serializer.instance is not None  # UpdateModelMixin.update() passes the object it changes
        serializer.instance = services.milestone_update(
            actor=acting_user(self.request.user),
            milestone=serializer.instance,
            expected_version=self.expected_version,
            **serializer.validated_data,
        )


class EventViewSet(
    CachedListMixin, CSVExportMixin, ConcurrencyMixin[StatusEvent], viewsets.ReadOnlyModelViewSet[StatusEvent]
):
    """The status history, newest first (cursor pagination). Recorded through /agreements/{slug}/transition/."""

    serializer_class = EventSerializer
    filterset_class = EventFilterSet
    pagination_class = EventCursorPagination
    lookup_value_regex = ID

    def get_queryset(self) -> QuerySet[StatusEvent]:
        return selectors.events()


class SourceViewSet(CachedListMixin, CSVExportMixin, _ServiceDeletesMixin[Source], viewsets.ModelViewSet[Source]):
    """Sources cited by events, rounds, milestones and participations."""

    serializer_class = SourceSerializer
    filterset_class = SourceFilterSet
    lookup_value_regex = ID

    def get_queryset(self) -> QuerySet[Source]:
        return Source.objects.order_by("publisher", "title", "id")

    def perform_create(self, serializer: BaseSerializer[Source]) -> None:
        serializer.instance = services.source_record(actor=acting_user(self.request.user), **serializer.validated_data)

    def perform_update(self, serializer: BaseSerializer[Source]) -> None:
        assert serializer.instance is not None  # UpdateModelMixin.update() passes the object it changes
        serializer.instance = services.source_update(
            actor=acting_user(self.request.user),
            source=serializer.instance,
            expected_version=self.expected_version,
            **serializer.validated_data,
        )


@extend_schema_view(
    list=extend_schema(
        summary="List changes to the record",
        description="Every write, newest first, with cursor pagination; filter by agreement, party, actor, "
        "channel and time (`since`).",
    ),
    retrieve=extend_schema(summary="One change"),
)
class ChangeViewSet(CSVExportMixin, ConcurrencyMixin[Change], viewsets.ReadOnlyModelViewSet[Change]):
    """The change log: who changed what in the record, from what to what, through which channel, citing what.
    Written by the services with every change; nobody changes or deletes it."""

    serializer_class = ChangeSerializer
    filterset_class = ChangeFilterSet
    pagination_class = ChangeCursorPagination
    lookup_value_regex = ID

    def get_queryset(self) -> QuerySet[Change]:
        return selectors.changes()
