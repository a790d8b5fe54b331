"""Dashboard pages of the analysis: thin views over analysis.counts and analysis.charts."""

from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from accounts import policy
from accounts.policy import Action
from negotiations.models import Agreement
from record_cache.cache import cached

from . import charts
from .counts import status_counts_over_time
from .forms import StatusCountsForm


def trends(request: HttpRequest) -> HttpResponse:
    """How many agreements stood in each status, period by period, as a chart and its table."""
    if not policy.can(request.user, Action.VIEW, Agreement):
        return redirect_to_login(request.get_full_path())
    form = StatusCountsForm(request.GET)
    context = {"form": form, "chart": None}
    if form.is_valid():
        start, end, interval = form.question
        periods = cached(
            "status-counts",
            [start.isoformat(), end.isoformat(), interval],
            lambda: status_counts_over_time(start, end, interval),
        )
        context |= {"chart": charts.status_chart(periods, interval), "start": start, "end": end, "interval": interval}
    return render(request, "analysis/trends.html", context, status=200 if form.is_valid() else 400)
