"""API views: parse, call a service, render. Rules live in negotiations.services and accounts.policy."""

from collections.abc import Mapping
from typing import Any, TypeVar

from django.contrib.auth.models import User
from django.db.models import QuerySet
from django.utils import timezone
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.serializers import BaseSerializer

from accounts.api.permissions import ReportPermission
from accounts.api.throttling import AnonymousRateThrottle, AnonymousReportThrottle, UserOrTokenRateThrottle
from accounts.policy import Action, acting_user
from negotiations import selectors, services
from negotiations.filtersets import (
    AgreementFilterSet,
    AgreementTypeFilterSet,
    ChangeFilterSet,
    CitationFilterSet,
    ErrorReportFilterSet,
    EventFilterSet,
    MilestoneFilterSet,
    RoundFilterSet,
    SourceFilterSet,
)
from negotiations.models import (
    Agreement,
    AgreementType,
    Change,
    Citation,
    ErrorReport,
    Milestone,
    NegotiationRound,
    Source,
    StatusEvent,
)
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
    CitationSerializer,
    ConfirmCurrentSerializer,
    ErrorReportSerializer,
    EventSerializer,
    MilestoneSerializer,
    ReportCorrectionSerializer,
    ReportDismissalSerializer,
    ReportResolutionSerializer,
    RoundSerializer,
    SourceSerializer,
    StaleAgreementSerializer,
    TransitionSerializer,
)

ID = "[0-9]{1,18}"

_Deletable = TypeVar("_Deletable", bound=Agreement | NegotiationRound | Milestone | Source | Citation)


def _with_source(validated: Mapping[str, Any], actor: User) -> dict[str, Any]:
    """An action's input with a new source (given as an object, not an id) recorded, or the stored one found."""
    data = dict(validated)
    if isinstance(data.get("source"), dict):
        data["source"] = services.source_find_or_record(actor=actor, **data["source"])
    return data


def _validated(serializer_class: type[BaseSerializer], request: Request, actor: User) -> dict[str, Any]:
    serializer = serializer_class(data=request.data)
    serializer.is_valid(raise_exception=True)
    return _with_source(serializer.validated_data, actor)


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
    object_actions = {"transition": Action.TRANSITION, "confirm": Action.CHANGE}

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
        actor = acting_user(request.user)
        data = _validated(TransitionSerializer, request, actor)
        event = services.agreement_transition(
            actor=actor, agreement=agreement, expected_version=self.expected_version, **data
        )
        event = selectors.with_citations(selectors.events()).get(pk=event.pk)
        return Response(EventSerializer(event, context={"request": request}).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Confirm that the record is still accurate today",
        description="Citing the latest source; the agreement leaves the stale list for STALE_AFTER_DAYS.",
        request=ConfirmCurrentSerializer,
        responses={200: AgreementSerializer},
    )
    @action(detail=True, methods=["post"])
    def confirm(self, request: Request, slug: str) -> Response:
        agreement = self.get_object()
        actor = acting_user(request.user)
        data = _validated(ConfirmCurrentSerializer, request, actor)
        services.agreement_confirm_current(
            actor=actor, agreement=agreement, expected_version=self.expected_version, **data
        )
        fresh = selectors.agreements_with_parties().get(pk=agreement.pk)
        return Response(AgreementSerializer(fresh, context={"request": request}).data)


@extend_schema_view(
    list=extend_schema(
        summary="Agreements not checked for a while",
        description="Under way, with neither a change of status nor a confirmation for more than "
        "STALE_AFTER_DAYS (default 180); oldest first. Confirm one with POST /agreements/{slug}/confirm/.",
    )
)
class StaleAgreementViewSet(ConcurrencyMixin[Agreement], mixins.ListModelMixin, viewsets.GenericViewSet[Agreement]):
    """Agreements whose record may be out of date: under way, yet unchanged and unconfirmed for a while."""

    serializer_class = StaleAgreementSerializer
    filter_backends: list = []  # no filters: the list is the selector's, oldest first

    def get_queryset(self) -> QuerySet[Agreement]:
        return selectors.stale_agreements(timezone.localdate())


class RoundViewSet(
    CachedListMixin, CSVExportMixin, _ServiceDeletesMixin[NegotiationRound], viewsets.ModelViewSet[NegotiationRound]
):
    """Negotiation rounds, numbered per agreement."""

    serializer_class = RoundSerializer
    filterset_class = RoundFilterSet
    lookup_value_regex = ID

    def get_queryset(self) -> QuerySet[NegotiationRound]:
        return selectors.with_citations(NegotiationRound.objects.select_related("agreement", "host")).order_by(
            "agreement__title", "number"
        )

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
        return selectors.with_citations(
            Milestone.objects.select_related("agreement", "owner", "responsible_party")
        ).order_by("due_on", "id")

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
        return selectors.with_citations(selectors.events())


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


@extend_schema_view(
    list=extend_schema(summary="List citations", description="Further sources of the record's facts."),
    create=extend_schema(summary="Cite a further source for a fact (it states or contradicts the fact)"),
    destroy=extend_schema(summary="Withdraw a citation"),
)
class CitationViewSet(
    _ServiceDeletesMixin[Citation],
    mixins.CreateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.ReadOnlyModelViewSet[Citation],
):
    """Citations: a fact's further sources, each confirming it (`states`) or reporting something else
    (`contradicts`), with the sentence it rests on. A citation is added or withdrawn, never changed."""

    serializer_class = CitationSerializer
    filterset_class = CitationFilterSet
    lookup_value_regex = ID

    def get_queryset(self) -> QuerySet[Citation]:
        return Citation.objects.select_related("agreement", "source").order_by("id")

    def perform_create(self, serializer: BaseSerializer[Citation]) -> None:
        actor = acting_user(self.request.user)
        serializer.instance = services.citation_add(actor=actor, **_with_source(serializer.validated_data, actor))


@extend_schema_view(
    list=extend_schema(summary="List error reports you may see (officials: their agreements'; your own)"),
    create=extend_schema(summary="Report an error in the record"),
    dismiss=extend_schema(summary="Dismiss a report, saying why", request=ReportDismissalSerializer),
    resolve=extend_schema(
        summary="Mark a report on a round, milestone or party's steps as corrected", request=ReportResolutionSerializer
    ),
    correct=extend_schema(
        summary="Resolve a report on a status change by recording its correction",
        request=ReportCorrectionSerializer,
        responses={201: EventSerializer},
    ),
)
class ErrorReportViewSet(
    ConcurrencyMixin[ErrorReport], mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet[ErrorReport]
):
    """Error reports: anyone signed in says a fact is wrong; officials of the parties and administrators
    resolve them by correcting the fact or dismissing the report; the reporter is told by e-mail, once."""

    serializer_class = ErrorReportSerializer
    filterset_class = ErrorReportFilterSet
    permission_classes = [ReportPermission]
    throttle_classes = [AnonymousRateThrottle, UserOrTokenRateThrottle, AnonymousReportThrottle]
    lookup_value_regex = ID

    def get_queryset(self) -> QuerySet[ErrorReport]:
        return selectors.reports_visible_to(self.request.user).order_by("-created_at", "-id")

    def get_throttles(self) -> list:
        throttles = super().get_throttles()
        if self.action != "create":
            throttles = [t for t in throttles if not isinstance(t, AnonymousReportThrottle)]
        return throttles

    def perform_create(self, serializer: BaseSerializer[ErrorReport]) -> None:
        user = self.request.user
        serializer.instance = services.report_file(
            reporter=user if user.is_authenticated else None, **serializer.validated_data
        )

    def _answer(self, report: ErrorReport) -> Response:
        report = selectors.reports_visible_to(self.request.user).get(pk=report.pk)
        return Response(ErrorReportSerializer(report, context={"request": self.request}).data)

    @action(detail=True, methods=["post"])
    def dismiss(self, request: Request, pk: str) -> Response:
        serializer = ReportDismissalSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        report = services.report_dismiss(
            actor=acting_user(request.user), report=self.get_object(), reason=serializer.validated_data["reason"]
        )
        return self._answer(report)

    @action(detail=True, methods=["post"])
    def resolve(self, request: Request, pk: str) -> Response:
        serializer = ReportResolutionSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        report = services.report_mark_corrected(
            actor=acting_user(request.user), report=self.get_object(), **serializer.validated_data
        )
        return self._answer(report)

    @action(detail=True, methods=["post"])
    def correct(self, request: Request, pk: str) -> Response:
        actor = acting_user(request.user)
        data = _validated(ReportCorrectionSerializer, request, actor)
        event = services.report_correct_event(actor=actor, report=self.get_object(), **data)
        event = selectors.with_citations(selectors.events()).get(pk=event.pk)
        return Response(EventSerializer(event, context={"request": request}).data, status=status.HTTP_201_CREATED)
