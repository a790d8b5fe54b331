"""Reads for pages and endpoints, with the joins they need."""

from django.db.models import Count, Prefetch, QuerySet

from .models import Agreement, Participation, StatusEvent


def agreements_with_parties() -> QuerySet[Agreement]:
    """Agreements with their type and parties, for lists (three queries whatever the number of rows)."""
    return Agreement.objects.select_related("type").prefetch_related(
        Prefetch("participations", queryset=Participation.objects.select_related("state").order_by("state__short_name"))
    )


def status_counts() -> dict[str, int]:
    return dict(Agreement.objects.values_list("status").annotate(n=Count("id")).values_list("status", "n"))


def events() -> QuerySet[StatusEvent]:
    """Status events with what their representation shows (agreement, source, recorder, correction)."""
    return StatusEvent.objects.select_related("agreement", "source", "recorded_by", "correction")
