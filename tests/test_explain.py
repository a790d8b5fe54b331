"""The hot queries can be served by their indexes (PostgreSQL's EXPLAIN), so their cost follows the rows
they return, not the size of the registry. bench/ measures the effect; these tests keep the indexes and
the queries that use them from drifting apart.

The test database is tiny, where a sequential scan and a sort are always cheapest; with both priced out,
the plan shows which index the planner would use, and whether an index gives the order or a sort remains.
"""

import datetime

import pytest
from django.db import connection
from django.db.models import QuerySet
from django.http import QueryDict
from django.utils import timezone

from negotiations import selectors
from negotiations.api.listing import agreement_rows, participation_rows
from negotiations.filtersets import AgreementFilterSet, MilestoneFilterSet
from negotiations.models import Agreement, Milestone, StatusEvent
from negotiations.selectors import signed_and_due
from notifications.models import Notification, Watch

pytestmark = pytest.mark.django_db
TODAY = datetime.date(2026, 6, 1)


def plan(queryset: QuerySet) -> str:
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_sort = off")
        cursor.execute(f"EXPLAIN {sql}", params)
        text = "\n".join(row[0] for row in cursor.fetchall())
        cursor.execute("RESET enable_seqscan")
        cursor.execute("RESET enable_sort")
    return text


HOT_QUERIES = {
    # name: (queryset, the index it must use (or its condition), whether an index also gives the order)
    "API list page": (
        lambda: agreement_rows(Agreement.objects.order_by("title", "id"))[2450:2500],
        "agreement_title_idx",
        True,
    ),
    "overview: in progress, longest first": (
        lambda: selectors.negotiations_in_progress()[:15],
        "agreement_started_idx",
        True,
    ),
    "overview: due within 30 days": (lambda: selectors.milestones_due(TODAY, 30)[:15], "milestone_open_due_idx", False),
    "overview: overdue": (lambda: selectors.milestones_overdue(TODAY)[:15], "milestone_open_due_idx", False),
    "overview: recent changes": (lambda: selectors.recent_events(10), "event_recorded_idx", True),
    "events API: newest recorded first": (
        lambda: StatusEvent.objects.order_by("-recorded_at", "-id")[:50],
        "event_recorded_idx",
        True,
    ),
    "agreement page: its history": (
        lambda: StatusEvent.objects.filter(agreement_id=1).order_by("effective_on", "id"),
        "event_agreement_date_idx",
        True,
    ),
    "milestones API: planned, not overdue, due within 30 days": (
        lambda: (
            MilestoneFilterSet(
                QueryDict(
                    f"status=planned&overdue=false&due_before={timezone.localdate() + datetime.timedelta(days=30)}"
                ),
                queryset=Milestone.objects.all(),
            ).qs
        ),
        # The range comes from the index (lower bound included), not every past milestone read and dropped.
        f"AND (due_on >= '{timezone.localdate().isoformat()}'::date))",
        False,
    ),
    "search: words in status notes": (
        lambda: AgreementFilterSet({"q": "Reciprocal"}, queryset=Agreement.objects.all()).qs,
        "event_note_trgm",
        False,
    ),
    "list: the parties of a page": (
        lambda: participation_rows([1, 2, 3]),
        "Index Cond: (agreement_id = ANY",
        False,
    ),
    "sweep: milestones in the reminder window": (
        lambda: Milestone.objects.open().filter(due_on__gte=TODAY - datetime.timedelta(days=7), due_on__lte=TODAY),
        "milestone_open_due_idx",
        False,
    ),
    "sweep: signed agreements due to enter into force": (
        lambda: signed_and_due(TODAY),
        "agreement_eif_due_idx",
        False,
    ),
    "sweep: pending notices that are due": (
        lambda: Notification.objects.filter(
            state="pending", digest=False, next_attempt_at__lte=timezone.now()
        ).order_by("next_attempt_at")[:1000],
        "notification_due_idx",
        True,
    ),
    "sweep: who watches these agreements": (
        lambda: Watch.objects.filter(agreement_id__in=[1, 2, 3]),
        "Index Cond: (agreement_id = ANY",
        False,
    ),
}


@pytest.mark.parametrize("name", HOT_QUERIES)
def test_hot_query_uses_its_index(on_postgres: None, name: str) -> None:
    build, index, ordered = HOT_QUERIES[name]

    text = plan(build())

    assert index in text, text
    assert "Index" in text, text
    if ordered:
        assert "Sort" not in text, f"the index should give the order:\n{text}"
