"""Durations and comparables (analysis.durations): steps and phases from the counting events, approximate
dates, the comparables of an agreement (by its type's family, or by its type and a shared party), and a fixed
number of queries."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from analysis.durations import comparables, compare, durations
from negotiations.choices import DatePrecision, Status
from negotiations.models import Agreement
from parties.models import State
from tests.factories import AgreementFactory, AgreementTypeFactory, StateFactory, transition

pytestmark = pytest.mark.django_db
TODAY = datetime.date(2026, 1, 1)


def _days(agreement: Agreement) -> dict[tuple[str, str], int | None]:
    return {(phase.start, phase.end): phase.days for phase in durations(agreement, TODAY).phases}


def test_each_step_is_the_first_event_that_reaches_it() -> None:
    agreement = AgreementFactory(
        history=[
            (Status.TALKS_AGREED, datetime.date(2020, 1, 1)),
            (Status.NEGOTIATING, datetime.date(2020, 2, 1)),  # still the talks step, begun a month before
            (Status.AGREED_IN_PRINCIPLE, datetime.date(2020, 3, 1)),
            (Status.SIGNED, datetime.date(2020, 12, 31)),
        ]
    )
    found = durations(agreement, TODAY)
    assert {name: step.on for name, step in found.steps.items()} == {
        "talks": datetime.date(2020, 1, 1),
        "agreed_in_principle": datetime.date(2020, 3, 1),
        "signed": datetime.date(2020, 12, 31),
    }
    assert _days(agreement) == {
        ("talks", "agreed_in_principle"): 60,
        ("agreed_in_principle", "signed"): 305,
        ("signed", "in_force"): None,
        ("talks", "signed"): 365,
        ("talks", "in_force"): None,
    }
    assert found.is_open and found.elapsed_days == (TODAY - datetime.date(2020, 1, 1)).days
    assert found.last_step == "signed"


def test_a_corrected_event_no_longer_counts_and_a_closed_agreement_has_no_elapsed_days() -> None:
    agreement = AgreementFactory(history=[(Status.NEGOTIATING, datetime.date(2021, 1, 1))])
    wrong = transition(agreement, Status.SIGNED, on=datetime.date(2021, 6, 1))
    transition(agreement, Status.SIGNED, on=datetime.date(2021, 7, 1), corrects=wrong, correction_reason="A typo")
    transition(agreement, Status.IN_FORCE, on=datetime.date(2022, 1, 1))
    agreement.refresh_from_db()

    found = durations(agreement, TODAY)

    assert _days(agreement)[("talks", "signed")] == 181
    assert _days(agreement)[("signed", "in_force")] == 184
    assert not found.is_open and found.elapsed_days is None


def test_a_phase_from_a_date_known_only_to_the_month_is_approximate() -> None:
    agreement = AgreementFactory()
    transition(agreement, Status.NEGOTIATING, on=datetime.date(2014, 7, 1), date_precision=DatePrecision.MONTH)
    transition(agreement, Status.SIGNED, on=datetime.date(2016, 7, 1))
    transition(agreement, Status.IN_FORCE, on=datetime.date(2017, 7, 1))

    approximate = {(p.start, p.end): p.approximate for p in durations(agreement, TODAY).phases if p.days is not None}

    assert approximate == {("talks", "signed"): True, ("talks", "in_force"): True, ("signed", "in_force"): False}


def test_comparables_share_the_type_and_at_least_one_party() -> None:
    shared, other = StateFactory(), StateFactory()
    raa = AgreementTypeFactory()
    subject = AgreementFactory(title="B subject", type=raa, parties=[shared, StateFactory()])
    sharing = AgreementFactory(title="A sharing", type=raa, parties=[shared, other])
    AgreementFactory(title="C same type, no shared party", type=raa, parties=[other, StateFactory()])
    AgreementFactory(title="D shared party, other type", parties=[shared, StateFactory()])

    assert list(comparables(subject)) == [sharing]
    # Through either of its parties, each comparable once, by title.
    assert [a.title for a in comparables(sharing)] == ["B subject", "C same type, no shared party"]


def test_a_type_with_a_family_is_compared_with_the_whole_family_whatever_the_parties() -> None:
    japan, france = StateFactory(), StateFactory()
    raa, vfa = AgreementTypeFactory(family="test-forces"), AgreementTypeFactory(family="test-forces")
    subject = AgreementFactory(title="A subject", type=raa, parties=[japan, france])
    same_type = AgreementFactory(title="B same type, no shared party", type=raa)
    family = AgreementFactory(title="C other type of the family, no shared party", type=vfa)
    no_parties = AgreementFactory(title="D of the family, no party recorded", type=vfa, parties=[])
    AgreementFactory(
        title="E shared party, another family", type=AgreementTypeFactory(family="test-other"), parties=[japan, france]
    )
    AgreementFactory(title="F shared party, a type without a family", parties=[japan, france])

    assert list(comparables(subject)) == [same_type, family, no_parties]
    # Each way: the other type of the family is compared with this one's agreements.
    assert [a.title for a in comparables(family)] == [
        "A subject",
        "B same type, no shared party",
        "D of the family, no party recorded",
    ]


@pytest.mark.parametrize("slug", ["france-japan-raa", "japan-italy-acsa"])  # by family; by type and party
def test_comparing_costs_the_same_queries_however_many_comparables_have_no_history(slug: str) -> None:
    agreement = Agreement.objects.select_related("type").get(slug=slug)  # as the page and the API select it

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert compare(agreement, datetime.date(2026, 1, 1)).basis
        return len(captured)

    before, found = queries(), comparables(agreement).count()
    japan = State.objects.get(alpha3="JPN")
    for number in range(3):
        AgreementFactory(title=f"Empty {number}", slug=f"empty-{number}", type=agreement.type, parties=[japan])
    assert comparables(agreement).count() == found + 3
    assert queries() == before == 3
