"""The single-row rules of the negotiation models: clean() states them, and the database holds them even when
the model layer is bypassed."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction

from negotiations.models import Agreement, Milestone, NegotiationRound, Participation, StatusEvent
from parties.models import State
from tests.factories import AgreementFactory, MilestoneFactory, NegotiationRoundFactory, ParticipationFactory

pytestmark = pytest.mark.django_db


def _refused(fn: object) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        fn()


def test_database_refuses_round_that_ends_before_it_starts(france_japan: Agreement) -> None:
    _refused(
        lambda: NegotiationRound.objects.bulk_create(
            [NegotiationRound(agreement=france_japan, number=1, starts_on="2024-06-02", ends_on="2024-06-01")]
        )
    )
    japan_uk_round = NegotiationRound.objects.get(agreement__slug="japan-uk-raa", number=1)
    _refused(lambda: NegotiationRound.objects.filter(pk=japan_uk_round.pk).update(ends_on="2021-10-06"))
    with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
        table = NegotiationRound._meta.db_table
        cursor.execute(f"UPDATE {table} SET ends_on = %s WHERE id = %s", [datetime.date(2000, 1, 1), japan_uk_round.pk])
    japan_uk_round.refresh_from_db()
    assert japan_uk_round.ends_on is None


def test_database_refuses_second_participation_of_a_state(france_japan: Agreement) -> None:
    _refused(
        lambda: Participation.objects.bulk_create(
            [Participation(agreement=france_japan, state=State.objects.get(alpha3="JPN"))]
        )
    )


def test_database_refuses_duplicate_round_number() -> None:
    japan_uk = Agreement.objects.get(slug="japan-uk-raa")
    _refused(
        lambda: NegotiationRound.objects.bulk_create(
            [NegotiationRound(agreement=japan_uk, number=1, starts_on="2022-01-01")]
        )
    )


def test_database_refuses_round_number_zero(france_japan: Agreement) -> None:
    _refused(
        lambda: NegotiationRound.objects.bulk_create(
            [NegotiationRound(agreement=france_japan, number=0, starts_on="2024-06-01")]
        )
    )


def test_database_refuses_unknown_status(france_japan: Agreement) -> None:
    _refused(lambda: Agreement.objects.filter(pk=france_japan.pk).update(status="finished"))
    _refused(lambda: Agreement.objects.filter(pk=france_japan.pk).update(status_since=None))


def test_database_refuses_correction_without_reason(france_japan: Agreement) -> None:
    event = france_japan.events.get(status="talks_agreed")
    _refused(
        lambda: StatusEvent.objects.bulk_create(
            [StatusEvent(agreement=france_japan, status="negotiating", effective_on="2024-06-01", corrects=event)]
        )
    )
    _refused(
        lambda: StatusEvent.objects.bulk_create(
            [StatusEvent(agreement=france_japan, status="", effective_on="2024-06-01")]
        )
    )


def test_database_refuses_completion_date_on_planned_milestone(france_japan: Agreement) -> None:
    _refused(lambda: Milestone.objects.filter(agreement=france_japan).update(completed_on="2025-01-01"))


def test_database_refuses_decision_before_submission() -> None:
    participation = Participation.objects.get(agreement__slug="japan-australia-raa", state__alpha3="AUS")
    _refused(
        lambda: Participation.objects.filter(pk=participation.pk).update(
            approval_status="approved", approval_decided_on="2022-01-01"
        )
    )


def test_clean_states_the_rules_the_database_holds() -> None:
    agreement = AgreementFactory()
    checks = {
        "ends_on": NegotiationRoundFactory.build(
            agreement=agreement, starts_on=datetime.date(2024, 6, 2), ends_on=datetime.date(2024, 6, 1)
        ),
        "completed_on": MilestoneFactory.build(agreement=agreement, completed_on=datetime.date(2025, 1, 1)),
        "approval_decided_on": ParticipationFactory.build(
            agreement=agreement,
            approval_status="approved",
            approval_submitted_on=datetime.date(2024, 2, 1),
            approval_decided_on=datetime.date(2024, 1, 1),
        ),
    }
    for field, obj in checks.items():
        with pytest.raises(ValidationError) as refused:
            obj.clean()
        assert field in refused.value.message_dict, (field, refused.value)


def test_a_decision_date_needs_a_decision() -> None:
    pending = ParticipationFactory.build(approval_status="submitted", approval_decided_on=datetime.date(2024, 1, 1))
    with pytest.raises(ValidationError, match="approved or rejected"):
        pending.clean()


def test_a_milestone_is_overdue_only_while_planned_and_past_its_date() -> None:
    today = datetime.date(2026, 6, 1)
    agreement = AgreementFactory()
    late = MilestoneFactory(agreement=agreement, due_on=datetime.date(2026, 5, 31))
    due_today = MilestoneFactory(agreement=agreement, due_on=today)
    cancelled = MilestoneFactory(agreement=agreement, due_on=datetime.date(2026, 5, 1), status="cancelled")
    assert [m.is_overdue(today) for m in (late, due_today, cancelled)] == [True, False, False]
    assert list(Milestone.objects.filter(agreement=agreement).overdue(today)) == [late]
    assert set(Milestone.objects.filter(agreement=agreement).open()) == {late, due_today}
