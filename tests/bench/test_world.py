"""The benchmark world: lifecycle-valid, consistent with its event log, reproducible from its seed."""

import io
from types import SimpleNamespace

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from bench import world
from bench.world import EVENTS_PER_AGREEMENT, PREFIX, generate_world
from negotiations import lifecycle
from negotiations.models import Agreement, Milestone, NegotiationRound, StatusEvent
from notifications.models import Watch

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _no_lasting_statistics(monkeypatch: pytest.MonkeyPatch) -> None:
    """On PostgreSQL generate_world ends with ANALYZE, for the benchmark's planner. In a test, the row counts
    it writes to pg_class outlive the rollback and change the plans that tests/test_explain.py checks (which
    runs later), so the world is generated here without that step."""
    monkeypatch.setattr(world, "connection", SimpleNamespace(vendor="none: no planner statistics in tests"))


def test_generated_histories_are_valid_and_match_the_status_column() -> None:
    report = generate_world(agreements=12, seed=7)
    assert (report.agreements, report.events, report.rounds, report.milestones) == (
        12,
        12 * EVENTS_PER_AGREEMENT,
        60,
        300,
    )
    assert report.users == 6 and report.watches >= 6
    for agreement in Agreement.objects.filter(slug__startswith=PREFIX).prefetch_related("events"):
        events = sorted(agreement.events.all(), key=lambda e: (e.effective_on, e.id))
        position = lifecycle.replay(lifecycle.Step(e.status, e.effective_on) for e in events)
        assert (agreement.status, agreement.status_since) == (position.status, events[-1].effective_on)
        assert 2 <= agreement.participations.count() <= 6
    # The generated past is not news: the sweep finds no generated event to announce to the generated watchers.
    assert not StatusEvent.objects.filter(agreement__slug__startswith=PREFIX, processed_at=None).exists()


def test_the_same_seed_gives_the_same_world() -> None:
    def snapshot() -> list:
        return list(
            StatusEvent.objects.filter(agreement__slug__startswith=PREFIX)
            .order_by("agreement__slug", "effective_on", "status")
            .values_list("agreement__slug", "status", "effective_on")
        )

    generate_world(agreements=5, seed=3)
    first = snapshot()
    for model in (Watch, StatusEvent, NegotiationRound, Milestone):
        model.objects.all().delete()
    Agreement.objects.filter(slug__startswith=PREFIX).delete()
    from django.contrib.auth import get_user_model

    get_user_model().objects.filter(username__startswith=PREFIX).delete()
    generate_world(agreements=5, seed=3)
    assert snapshot() == first


def test_command_reports_progress_and_refuses_a_second_world() -> None:
    out = io.StringIO()
    call_command("generate_world", "--agreements", "3", stdout=out)
    assert "agreements 3/3" in out.getvalue() and "World loaded in" in out.getvalue()
    with pytest.raises(CommandError, match="already loaded"):
        call_command("generate_world", "--agreements", "3", stdout=io.StringIO())
