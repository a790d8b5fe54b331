"""Reads of the negotiation domain (negotiations.selectors) on agreements built here. The query plans of the
hot selectors are checked in tests/test_explain.py."""

import datetime

import pytest

from negotiations import selectors
from negotiations.choices import Status
from negotiations.models import Agreement
from tests.factories import AgreementFactory, MilestoneFactory, transition

pytestmark = pytest.mark.django_db
TODAY = datetime.date(2026, 6, 1)


def test_as_of_a_day_each_agreement_has_the_status_of_its_last_counting_event_then() -> None:
    signed_later = AgreementFactory(
        history=[(Status.NEGOTIATING, datetime.date(2021, 1, 1)), (Status.SIGNED, datetime.date(2022, 1, 1))]
    )
    not_yet = AgreementFactory(history=[(Status.PROPOSED, datetime.date(2023, 1, 1))])
    corrected = AgreementFactory(history=[(Status.NEGOTIATING, datetime.date(2021, 1, 1))])
    wrong = transition(corrected, Status.SIGNED, on=datetime.date(2021, 6, 1))
    transition(
        corrected, Status.AGREED_IN_PRINCIPLE, on=datetime.date(2021, 6, 1), corrects=wrong, correction_reason="Typo"
    )
    ours = Agreement.objects.filter(pk__in=[signed_later.pk, not_yet.pk, corrected.pk])

    then = {a.pk: (a.as_of_status, a.as_of_since) for a in selectors.as_of(ours, datetime.date(2021, 12, 31))}

    assert then == {
        signed_later.pk: (Status.NEGOTIATING, datetime.date(2021, 1, 1)),
        corrected.pk: (Status.AGREED_IN_PRINCIPLE, datetime.date(2021, 6, 1)),
    }


def test_show_as_of_changes_the_instances_only() -> None:
    agreement = AgreementFactory(
        history=[(Status.NEGOTIATING, datetime.date(2021, 1, 1)), (Status.SIGNED, datetime.date(2022, 1, 1))]
    )
    (then,) = selectors.as_of(Agreement.objects.filter(pk=agreement.pk), datetime.date(2021, 6, 1))
    selectors.show_as_of([then])
    assert (then.status, then.status_since) == (Status.NEGOTIATING, datetime.date(2021, 1, 1))
    agreement.refresh_from_db()
    assert agreement.status == Status.SIGNED


def test_negotiations_in_progress_longest_running_first() -> None:
    recent = AgreementFactory(history=[(Status.NEGOTIATING, datetime.date(2024, 1, 1))])
    old = AgreementFactory(
        history=[(Status.PROPOSED, datetime.date(2019, 1, 1)), (Status.NEGOTIATING, datetime.date(2025, 1, 1))]
    )
    suspended = AgreementFactory(
        history=[(Status.TALKS_AGREED, datetime.date(2022, 1, 1)), (Status.SUSPENDED, datetime.date(2023, 1, 1))]
    )
    AgreementFactory(history=[(Status.IN_FORCE, datetime.date(2018, 1, 1))])
    AgreementFactory()  # no status yet
    ours = {recent.pk, old.pk, suspended.pk}

    listed = [a for a in selectors.negotiations_in_progress() if a.pk in ours or a.slug.startswith("test-")]

    assert listed == [old, suspended, recent]  # by the record's start: 2019, 2022, 2024


def test_milestones_due_within_the_window_and_overdue_apart() -> None:
    agreement = AgreementFactory()
    due = {
        days: MilestoneFactory(agreement=agreement, due_on=TODAY + datetime.timedelta(days=days))
        for days in (-1, 0, 30, 31)
    }
    MilestoneFactory(agreement=agreement, due_on=TODAY, status="done", completed_on=TODAY)

    within = [m for m in selectors.milestones_due(TODAY, 30) if m.agreement_id == agreement.pk]
    overdue = [m for m in selectors.milestones_overdue(TODAY) if m.agreement_id == agreement.pk]

    assert within == [due[0], due[30]]
    assert overdue == [due[-1]]
