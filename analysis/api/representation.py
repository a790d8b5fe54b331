"""The JSON of durations, comparables and forecasts (API), from analysis.durations."""

import datetime

from django.utils.translation import gettext as _
from rest_framework.request import Request

from raa_tracker.api.serializers import fill_url

from ..durations import MINIMUM_COMPARABLES, Comparison, Durations, Estimate


def _iso(value: datetime.date | None) -> str | None:
    return None if value is None else value.isoformat()


def represent_durations(durations: Durations, request: Request) -> dict:
    agreement = durations.agreement
    return {
        "agreement": agreement.slug,
        "url": fill_url(request, "api:agreement-detail", "slug", agreement.slug),
        "title": agreement.title,
        "status": agreement.status,
        "steps": {
            name: {"on": step.on.isoformat(), "precision": step.precision} for name, step in durations.steps.items()
        },
        "phases": [
            {"from": phase.start, "to": phase.end, "days": phase.days, "approximate": phase.approximate}
            for phase in durations.phases
        ],
        "open": durations.is_open,
        "elapsed_days": durations.elapsed_days,
    }


def represent_estimate(estimate: Estimate) -> dict:
    return {
        "step": estimate.step,
        "since": estimate.since,
        "since_on": estimate.since_on.isoformat(),
        "enough_data": estimate.enough_data,
        "median_days": estimate.median_days,
        "shortest_days": estimate.shortest_days,
        "longest_days": estimate.longest_days,
        "expected_on": _iso(estimate.expected_on),
        "earliest_on": _iso(estimate.earliest_on),
        "latest_on": _iso(estimate.latest_on),
        "based_on": [{"agreement": agreement.slug, "days": days} for agreement, days in estimate.basis],
        "median_passed": estimate.median_passed,
        "range_passed": estimate.range_passed,
        "before_earlier_step": estimate.before_earlier_step,
    }


def represent_comparison(comparison: Comparison, request: Request) -> dict:
    return {
        "agreement": represent_durations(comparison.subject, request),
        # How the comparables were chosen: by the family of the agreement's type, or (without one) by its type
        # and a shared party.
        "basis": {"family": comparison.family or None, "explanation": comparison.basis},
        "comparables": [represent_durations(other, request) for other in comparison.comparables],
        "forecast": {
            "estimate": True,
            "explanation": _(
                "An estimate, not a record: for each step still to come, the median and range of the time the "
                "comparable agreements took from the same earlier step, applied to this agreement's date. "
                "Fewer than %(minimum)s comparables with both dates: not enough data. Each step rests on the "
                "comparables that reached it, so a later step's estimate can fall before an earlier one's "
                "(before_earlier_step); median_passed and range_passed say that today is already later than "
                "the median or than every comparable."
            )
            % {"minimum": MINIMUM_COMPARABLES},
            "steps": [represent_estimate(estimate) for estimate in comparison.estimates],
        },
    }
