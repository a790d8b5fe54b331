"""The database holds the single-row rules even when the model layer is bypassed."""

import datetime

import pytest
from django.db import IntegrityError, connection, transaction

from negotiations.models import Agreement, Milestone, NegotiationRound, Participation, StatusEvent
from parties.models import State

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
    event = france_japan.events.get()
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


def test_database_refuses_lower_case_state_codes() -> None:
    _refused(lambda: State.objects.create(alpha2="xx", alpha3="XXA", name="X", short_name="X"))
