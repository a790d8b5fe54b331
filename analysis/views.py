"""Dashboard pages of the analysis: thin views over analysis.counts and analysis.charts.status."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from accounts import policy
from negotiations.models import Agreement
from record_cache.cache import cached

from .charts.status import status_chart
from .counts import status_counts_over_time
from .forms import StatusCountsForm


@policy.readable_page(Agreement)
def trends(request: HttpRequest) -> HttpResponse:
    """How many agreements stood in each status, period by period, as a chart and its table."""
    form = StatusCountsForm(request.GET)
    valid = form.is_valid()
    context: dict[str, object] = {"form": form, "chart": None}
    if valid:
        start, end, interval = form.question
        periods = cached(
            "status-counts",
            [start.isoformat(), end.isoformat(), interval],
            lambda: status_counts_over_time(start, end, interval),
        )
        context |= {"chart": status_chart(periods, interval), "start": start, "end": end, "interval": interval}
    return render(request, "analysis/trends.html", context, status=200 if valid else 400)
