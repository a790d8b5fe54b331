"""Analysis endpoints of the API: thin views over analysis.counts."""

import datetime

from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import generics, serializers
from rest_framework.request import Request
from rest_framework.response import Response

from negotiations.models import Agreement
from negotiations.selectors import counting_events
from raa_tracker.api.caching import cached_page

from .counts import INTERVALS, MAX_PERIODS, count_periods, status_counts_over_time


class StatusCountsQuery(serializers.Serializer):
    """`from` and `to` (dates; default: the first recorded event and today) and the interval."""

    start = serializers.DateField(required=False)
    end = serializers.DateField(required=False)
    interval = serializers.ChoiceField(choices=INTERVALS, default="month")

    def validate(self, data: dict) -> dict:
        start, end = data.get("start"), data.get("end") or timezone.localdate()
        if start is None:
            first = counting_events().values_list("effective_on", flat=True).first()
            start = first or end
        if start > end:
            raise serializers.ValidationError({"from": ["Choose a start on or before the end."]})
        if count_periods(start, end, data["interval"]) > MAX_PERIODS:
            raise serializers.ValidationError({"from": [f"Ask for at most {MAX_PERIODS} periods."]})
        return data | {"start": start, "end": end}


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
        query = StatusCountsQuery(
            data={
                key: value
                for key, value in {
                    "start": request.query_params.get("from"),
                    "end": request.query_params.get("to"),
                    "interval": request.query_params.get("interval"),
                }.items()
                if value
            }
        )
        if not query.is_valid():
            names = {"start": "from", "end": "to"}
            raise serializers.ValidationError({names.get(k, k): v for k, v in query.errors.items()})
        start, end, interval = (query.validated_data[key] for key in ("start", "end", "interval"))

        def build() -> dict:
            periods = status_counts_over_time(start, end, interval)
            return {
                "from": start.isoformat(),
                "to": end.isoformat(),
                "interval": interval,
                "periods": [period | {"on": period["on"].isoformat()} for period in periods],
            }

        return cached_page("analysis-status-counts", request, build)
