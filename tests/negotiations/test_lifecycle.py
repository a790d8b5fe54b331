"""Every allowed and every refused status move, through the one service that all paths use.

The expected table is written out here by hand from DOMAIN.md, independently of
negotiations.lifecycle, so that a change to the rules fails a test.
"""

import datetime

import pytest

from negotiations.choices import Status
from negotiations.lifecycle import TransitionRefused
from negotiations.models import Agreement, StatusEvent
from negotiations.services import agreement_transition
from tests.factories import AgreementFactory, transition

S = Status
BEFORE_SIGNATURE_TARGETS = {S.AGREED_IN_PRINCIPLE, S.SIGNED, S.IN_FORCE}

# position name -> (history that reaches it, statuses allowed next)
POSITIONS = {
    "new": ([], {S.PROPOSED, S.TALKS_AGREED, S.NEGOTIATING, S.AGREED_IN_PRINCIPLE, S.SIGNED, S.IN_FORCE}),
    "proposed": (
        [S.PROPOSED],
        {S.TALKS_AGREED, S.NEGOTIATING, S.AGREED_IN_PRINCIPLE, S.SIGNED, S.IN_FORCE, S.ABANDONED},
    ),
    "talks_agreed": (
        [S.TALKS_AGREED],
        {S.NEGOTIATING, S.AGREED_IN_PRINCIPLE, S.SIGNED, S.IN_FORCE, S.SUSPENDED, S.ABANDONED},
    ),
    "negotiating": ([S.NEGOTIATING], {S.AGREED_IN_PRINCIPLE, S.SIGNED, S.IN_FORCE, S.SUSPENDED, S.ABANDONED}),
    "agreed_in_principle": ([S.AGREED_IN_PRINCIPLE], {S.SIGNED, S.IN_FORCE, S.SUSPENDED, S.ABANDONED}),
    "signed": ([S.SIGNED], {S.IN_FORCE}),
    "in_force": ([S.IN_FORCE], {S.SUSPENDED, S.TERMINATED}),
    "terminated": ([S.IN_FORCE, S.TERMINATED], set()),
    "abandoned": ([S.NEGOTIATING, S.ABANDONED], set()),
    "suspended_talks": ([S.TALKS_AGREED, S.SUSPENDED], {S.TALKS_AGREED, S.ABANDONED}),
    "suspended_negotiating": ([S.NEGOTIATING, S.SUSPENDED], {S.NEGOTIATING, S.ABANDONED}),
    "suspended_aip": ([S.AGREED_IN_PRINCIPLE, S.SUSPENDED], {S.AGREED_IN_PRINCIPLE, S.ABANDONED}),
    "suspended_in_force": ([S.IN_FORCE, S.SUSPENDED], {S.IN_FORCE, S.TERMINATED}),
}
CASES = [
    pytest.param(name, target, target in allowed, id=f"{name}->{target.value}")
    for name, (_, allowed) in POSITIONS.items()
    for target in Status
]
START = datetime.date(2020, 1, 1)


def _agreement(slug: str) -> Agreement:
    return AgreementFactory(title=slug, slug=slug)


def _reach(agreement: Agreement, history: list[Status]) -> None:
    for offset, status in enumerate(history):
        transition(agreement, status, on=START + datetime.timedelta(days=offset))


@pytest.mark.django_db
@pytest.mark.parametrize(("position", "target", "allowed"), CASES)
def test_status_move(position: str, target: Status, allowed: bool) -> None:
    history, allowed_set = POSITIONS[position]
    agreement = _agreement(f"move-{position}-{target.value}".replace("_", "-"))
    _reach(agreement, history)
    agreement.refresh_from_db()
    before = (agreement.status, agreement.status_since, agreement.events.count())
    on = START + datetime.timedelta(days=100)

    if allowed:
        event = agreement_transition(actor=None, agreement=agreement, status=target, effective_on=on)
        agreement.refresh_from_db()
        assert (agreement.status, agreement.status_since) == (target, on)
        assert event.pk and agreement.events.count() == before[2] + 1
    else:
        with pytest.raises(TransitionRefused) as refused:
            agreement_transition(actor=None, agreement=agreement, status=target, effective_on=on)
        message = refused.value.message_dict["status"][0]
        current = before[0] or "no status yet"
        assert f"Cannot move from {current} to {target.value}" in message
        assert set(refused.value.allowed) == allowed_set
        for status in allowed_set:
            assert status.value in message
        if not allowed_set:
            assert "none (final status)" in message
        agreement.refresh_from_db()
        assert (agreement.status, agreement.status_since, agreement.events.count()) == before


@pytest.mark.django_db
def test_resuming_returns_to_the_status_held_before_the_suspension() -> None:
    agreement = _agreement("resume")
    _reach(agreement, [S.TALKS_AGREED, S.NEGOTIATING, S.SUSPENDED, S.NEGOTIATING, S.AGREED_IN_PRINCIPLE])
    agreement.refresh_from_db()
    assert agreement.status == S.AGREED_IN_PRINCIPLE
    assert agreement.status_since == START + datetime.timedelta(days=4)


@pytest.mark.django_db
def test_back_dated_event_is_placed_in_order_and_status_recomputed() -> None:
    agreement = _agreement("backdated")
    transition(agreement, S.SIGNED, on=datetime.date(2023, 1, 11))
    transition(agreement, S.NEGOTIATING, on=datetime.date(2021, 9, 28))
    agreement.refresh_from_db()
    assert agreement.status == S.SIGNED
    assert agreement.status_since == datetime.date(2023, 1, 11)
    assert [e.status for e in agreement.events.order_by("effective_on")] == [S.NEGOTIATING, S.SIGNED]


@pytest.mark.django_db
def test_back_dated_event_that_breaks_a_later_one_is_refused() -> None:
    agreement = _agreement("backdated-conflict")
    transition(agreement, S.NEGOTIATING, on=datetime.date(2021, 1, 1))
    transition(agreement, S.SIGNED, on=datetime.date(2023, 1, 1))
    with pytest.raises(TransitionRefused) as refused:
        # Abandoned in 2022 would make the signature of 2023 impossible.
        agreement_transition(
            actor=None, agreement=agreement, status=S.ABANDONED, effective_on=datetime.date(2022, 1, 1)
        )
    assert "later change to signed on 2023-01-01" in refused.value.message_dict["status"][0]
    agreement.refresh_from_db()
    assert agreement.status == S.SIGNED and agreement.events.count() == 2


@pytest.mark.django_db
def test_future_effective_date_is_refused() -> None:
    agreement = _agreement("future")
    tomorrow = datetime.date.today() + datetime.timedelta(days=2)
    with pytest.raises(Exception) as error:
        agreement_transition(actor=None, agreement=agreement, status=S.PROPOSED, effective_on=tomorrow)
    assert "future" in error.value.message_dict["effective_on"][0]
    assert not StatusEvent.objects.filter(agreement=agreement).exists()
