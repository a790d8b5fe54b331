"""Status counts over time (analysis.counts): each agreement counted in the status of its last counting event
on or before each period's last day. Dated before the seeded record begins (1960), so only these count."""

import datetime

import pytest

from analysis.counts import count_periods, period_ends, status_counts_over_time
from negotiations.choices import Status
from tests.factories import AgreementFactory, transition

pytestmark = pytest.mark.django_db


def test_periods_end_on_the_last_day_of_each_month_or_year() -> None:
    months = list(period_ends(datetime.date(2023, 11, 15), datetime.date(2024, 2, 3), "month"))
    assert months == [
        ("2023-11", datetime.date(2023, 11, 30)),
        ("2023-12", datetime.date(2023, 12, 31)),
        ("2024-01", datetime.date(2024, 1, 31)),
        ("2024-02", datetime.date(2024, 2, 29)),
    ]
    years = list(period_ends(datetime.date(2023, 11, 15), datetime.date(2024, 2, 3), "year"))
    assert years == [("2023", datetime.date(2023, 12, 31)), ("2024", datetime.date(2024, 12, 31))]
    assert count_periods(datetime.date(1960, 1, 1), datetime.date(2024, 12, 31), "month") == 65 * 12


def test_each_agreement_counts_in_its_status_at_the_end_of_each_period() -> None:
    AgreementFactory(
        history=[(Status.NEGOTIATING, datetime.date(1950, 2, 10)), (Status.SIGNED, datetime.date(1950, 3, 31))]
    )
    corrected = AgreementFactory()
    wrong = transition(corrected, Status.NEGOTIATING, on=datetime.date(1950, 1, 5))
    transition(
        corrected, Status.TALKS_AGREED, on=datetime.date(1950, 1, 5), corrects=wrong, correction_reason="Misread"
    )

    periods = status_counts_over_time(datetime.date(1950, 1, 1), datetime.date(1950, 4, 30), "month")

    held = {period["period"]: {s: n for s, n in period["counts"].items() if n} for period in periods}
    assert held == {
        "1950-01": {"talks_agreed": 1},
        "1950-02": {"talks_agreed": 1, "negotiating": 1},
        "1950-03": {"talks_agreed": 1, "signed": 1},
        "1950-04": {"talks_agreed": 1, "signed": 1},
    }
    assert set(periods[0]["counts"]) == set(Status.values), "every status is listed, with its zeros"
