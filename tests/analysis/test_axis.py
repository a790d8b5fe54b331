"""The one calendar axis of the charts (analysis.charts.axis): where a day falls, and which years are labelled."""

import datetime

import pytest

from analysis.charts.axis import DateScale, year_step

D = datetime.date


def test_a_scale_runs_from_january_to_january_and_places_days_proportionally() -> None:
    scale = DateScale.whole_years(D(2021, 9, 28), D(2023, 10, 15), 100, 400)
    assert (scale.start, scale.end) == (D(2021, 1, 1), D(2024, 1, 1))
    assert scale.x(scale.start) == 100 and scale.x(scale.end) == 400
    # 2022-01-01 is 365 of 1095 days in: a third of the way.
    assert scale.x(D(2022, 1, 1)) == pytest.approx(200, abs=0.1)
    assert scale.ticks() == [(100.0, "2021"), (200.0, "2022"), (300.0, "2023"), (400.0, "2024")]


@pytest.mark.parametrize(("years", "step"), [(0, 1), (12, 1), (13, 2), (24, 2), (25, 5), (60, 5), (61, 10), (700, 100)])
def test_about_a_dozen_year_labels_at_most(years: int, step: int) -> None:
    assert year_step(years) == step


def test_a_scale_of_one_day_still_has_a_width() -> None:
    scale = DateScale(D(2024, 5, 2), D(2024, 5, 2), 0, 10)
    assert scale.span_days == 1 and scale.x(D(2024, 5, 2)) == 0
