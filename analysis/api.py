"""Analysis endpoints of the API: thin views over analysis.counts."""

import datetime

from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import generics, serializers
from rest_framework.request import Request
from rest_framework.response import Response

from negotiations.models import Agreement
from raa_tracker.api.caching import cached_page
from raa_tracker.api.filters import EMPTY_VALUE, parameters_sent_empty

from .counts import INTERVALS, status_counts_over_time
from .forms import StatusCountsForm


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
            raise serializers.ValidationError({name: list(errors) for name, errors in form.errors.items()})
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
