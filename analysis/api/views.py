"""Analysis endpoints of the API: thin views over analysis.counts and analysis.durations."""

import datetime

from django.db.models import QuerySet
from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import generics, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from negotiations import selectors
from negotiations.models import Agreement
from raa_tracker.api.concurrency import ConcurrencyMixin
from raa_tracker.api.filters import EMPTY_VALUE, parameters_sent_empty
from record_cache.api import cached_page

from ..counts import INTERVALS, status_counts_over_time
from ..durations import compare, durations
from ..forms import StatusCountsForm
from .representation import represent_comparison, represent_durations


class StatusCountsView(generics.GenericAPIView):
    """Agreements in each status at the end of each month or year, from the event log."""

    queryset = Agreement.objects.all()  # the read policy of agreements applies
    pagination_class = None
    filter_backends: list = []

    @extend_schema(
        summary="Agreements in each status over time",
        parameters=[
            OpenApiParameter("from", datetime.date, description="First day (default: the first recorded event)"),
            OpenApiParameter("to", datetime.date, description="Last day (default: today)"),
            OpenApiParameter("interval", str, enum=list(INTERVALS), description="month (default) or year"),
        ],
        responses={200: OpenApiResponse(description="One entry per period: its last day and the counts.")},
    )
    def get(self, request: Request) -> Response:
        unknown = sorted(set(request.query_params) - {"from", "to", "interval", "format"})
        if unknown:
            raise serializers.ValidationError({name: ["Unknown parameter."] for name in unknown})
        # An empty value is refused here, where the trends page's form takes it as the default: see StrictFilterSet.
        empty = parameters_sent_empty(request.query_params)
        if empty:
            raise serializers.ValidationError({name: [str(EMPTY_VALUE)] for name in empty})
        form = StatusCountsForm(request.query_params)
        if not form.is_valid():
            raise serializers.ValidationError(
                {name: [str(message) for message in messages] for name, messages in form.errors.items()}
            )
        start, end, interval = form.question

        def build() -> dict:
            periods = status_counts_over_time(start, end, interval)
            return {
                "from": start.isoformat(),
                "to": end.isoformat(),
                "interval": interval,
                "periods": [period | {"on": period["on"].isoformat()} for period in periods],
            }

        return cached_page("analysis-status-counts", request, build)


class AgreementAnalysisViewSet(ConcurrencyMixin[Agreement], viewsets.GenericViewSet[Agreement]):
    """An agreement's durations and comparables, under the agreement's URL (/agreements/<slug>/durations/)."""

    lookup_field = "slug"
    lookup_value_regex = "[-a-zA-Z0-9_]{1,120}"
    filter_backends: list = []

    def get_queryset(self) -> QuerySet[Agreement]:
        return selectors.agreements_with_parties().order_by("title", "id")

    @extend_schema(
        summary="How long each phase took (from the event log)",
        description="Steps (talks, agreement in principle, signature, entry into force), the days between "
        "them, and for an open negotiation the days since its talks began.",
        responses={200: OpenApiResponse(description="Steps and phases.")},
    )
    @action(detail=True, methods=["get"], url_path="durations", url_name="durations")
    def phase_durations(self, request: Request, slug: str) -> Response:
        agreement = self.get_object()
        return Response(represent_durations(durations(agreement, timezone.localdate()), request))

    @extend_schema(
        summary="Comparable agreements and a forecast",
        description="The agreements it is compared with (basis): for a type with a family (e.g. visiting-forces: "
        "RAA and VFA), every agreement whose type is of that family, whatever its parties; otherwise the agreements "
        "of the same type sharing a party. With their phase durations, and an estimate of when the open "
        "agreement's next steps may come (median and range; not enough data below two).",
        responses={200: OpenApiResponse(description="The agreement, its comparables and the forecast.")},
    )
    @action(detail=True, methods=["get"])
    def comparables(self, request: Request, slug: str) -> Response:
        agreement = self.get_object()
        return Response(represent_comparison(compare(agreement, timezone.localdate()), request))
