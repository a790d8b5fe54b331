"""The analysis charts as the server draws them (analysis.charts): geometry true to the record, a table beside
each chart with the same figures, English and German. The trends page is in test_views.py."""

import datetime
import re

import pytest
from django.test import Client

from analysis.charts import gantt
from analysis.charts.status import status_chart
from analysis.durations import Comparison, compare, durations
from negotiations.models import Agreement

from .html import table_rows

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 11, 29)


def test_the_gantt_puts_the_comparables_phases_on_one_axis() -> None:
    france_japan = Agreement.objects.get(slug="france-japan-raa")
    chart = gantt.gantt(compare(france_japan, TODAY), TODAY)
    labels = [row.label for row in chart.rows]
    assert labels == ["France–Japan", "Japan–Australia", "Japan–Philippines", "Japan–United Kingdom"]
    assert chart.rows[0].current and not chart.rows[1].current

    uk = chart.rows[3]
    assert [bar.css for bar in uk.bars] == ["phase-talks", "phase-agreed_in_principle", "phase-signed"]
    # One axis: widths are proportional to the days (219, 251, 277), and each bar starts where the last ended.
    per_day = uk.bars[0].width / 219
    assert uk.bars[1].width == pytest.approx(251 * per_day, abs=0.2)
    assert uk.bars[2].width == pytest.approx(277 * per_day, abs=0.2)
    assert uk.bars[1].x == pytest.approx(uk.bars[0].x + uk.bars[0].width, abs=0.2)
    # The Philippines went from talks straight to signature: two bars, no agreement in principle.
    assert [bar.css for bar in chart.rows[2].bars] == ["phase-talks", "phase-signed"]
    # Australia's talks began in July 2014, a month-precise date: its first dot is drawn as approximate.
    assert "approximate" in chart.rows[1].dots[0].css and "approximate" not in chart.rows[1].dots[1].css

    # France–Japan is open: its only bar runs from its talks to today, and the estimate lies on its row.
    (ongoing,) = chart.rows[0].bars
    assert "ongoing" in ongoing.css and ongoing.x + ongoing.width == pytest.approx(chart.today_x, abs=0.2)
    mark = chart.estimate
    assert mark.estimate.step == "agreed_in_principle" and mark.y == chart.rows[0].y
    assert mark.x <= mark.expected_x <= mark.x + mark.width


def test_a_closed_agreement_gets_no_estimate_and_an_undated_one_no_chart() -> None:
    uk = Agreement.objects.get(slug="japan-uk-raa")
    chart = gantt.gantt(compare(uk, TODAY), TODAY)
    assert chart.estimate is None and not any("ongoing" in bar.css for bar in chart.rows[0].bars)
    france_japan = next(row for row in chart.rows if row.label == "France–Japan")
    assert ["ongoing" in bar.css for bar in france_japan.bars] == [True]
    undated = Agreement(title="Nothing yet", type=uk.type, slug="nothing")
    undated.counting_events = []
    assert gantt.gantt(Comparison(durations(undated, TODAY), [], []), TODAY).is_empty


def test_the_estimates_say_when_today_has_passed_them_and_when_they_are_out_of_order() -> None:
    estimates = {e.step: e for e in compare(Agreement.objects.get(slug="france-japan-raa"), TODAY).estimates}
    principle, signature = estimates["agreed_in_principle"], estimates["signed"]
    # Signature rests on three comparables, agreement in principle on two (the Philippines had none):
    # the signature's median (2025-08-15) falls before the agreement in principle's (2027-10-29).
    assert signature.expected_on == datetime.date(2025, 8, 15) and principle.expected_on == datetime.date(2027, 10, 29)
    assert signature.before_earlier_step and not principle.before_earlier_step
    assert signature.median_passed and not signature.range_passed
    assert not principle.median_passed
    early = {
        e.step: e for e in compare(Agreement.objects.get(slug="france-japan-raa"), datetime.date(2024, 6, 1)).estimates
    }
    assert not early["signed"].median_passed


def test_the_agreement_page_draws_the_gantt_with_its_table(client: Client) -> None:
    html = client.get("/agreements/france-japan-raa/").content.decode()
    assert 'role="img" aria-labelledby="gantt-title gantt-desc"' in html
    assert "Phases of the France–Japan Reciprocal Access Agreement and of comparable agreements" in html
    rows = table_rows(html, "gantt-data")
    assert rows[0][:2] == ["France–Japan", "May 2, 2024"]
    assert rows[1] == ["Japan–Australia", "≈ July 1, 2014", "Nov. 17, 2020", "Jan. 6, 2022", "Aug. 13, 2023"]
    assert rows[3] == ["Japan–United Kingdom", "Sept. 28, 2021", "May 5, 2022", "Jan. 11, 2023", "Oct. 15, 2023"]
    assert rows[4][0] == "Estimated agreement in principle"
    assert html.count('class="bar phase-') == 9  # 1 (open) + 3 + 2 + 3


def test_the_agreement_page_shows_the_chart_in_german(client: Client) -> None:
    html = client.get("/agreements/france-japan-raa/", HTTP_ACCEPT_LANGUAGE="de").content.decode()
    assert "Phasen: France–Japan Reciprocal Access Agreement und vergleichbare Abkommen" in html
    rows = table_rows(html, "gantt-data")
    assert rows[3] == [
        "Japan–United Kingdom",
        "28. September 2021",
        "5. Mai 2022",
        "11. Januar 2023",
        "15. Oktober 2023",
    ]


def test_each_column_is_as_tall_as_its_total() -> None:
    periods = [
        {"period": "2023-01", "on": datetime.date(2023, 1, 31), "counts": {"signed": 2, "in_force": 1}},
        {"period": "2023-02", "on": datetime.date(2023, 2, 28), "counts": {"signed": 0, "in_force": 3}},
    ]
    for period in periods:
        period["counts"] = {
            s: period["counts"].get(s, 0)
            for s in [
                "proposed",
                "talks_agreed",
                "negotiating",
                "suspended",
                "agreed_in_principle",
                "signed",
                "in_force",
                "terminated",
                "abandoned",
            ]
        }
    chart = status_chart(periods, "month")
    first, second = chart.columns
    assert sum(s.height for s in first.segments) == pytest.approx(sum(s.height for s in second.segments), abs=0.2)
    assert [s.status for s in first.segments] == ["signed", "in_force"]  # lifecycle order, bottom up
    assert first.segments[0].y + first.segments[0].height == chart.axis_y
    assert [s.value for s in chart.statuses] == ["signed", "in_force"]
    assert [row["counts"] for row in chart.table] == [(2, 1), (0, 3)]


def test_the_state_page_draws_its_partner_network_with_a_table(client: Client) -> None:
    html = client.get("/states/JPN/").content.decode()
    lines = re.findall(r'<line [^>]*class="edge ([a-z-]+)"', html)
    assert sorted(lines) == ["in-force"] * 4 + ["pending"] * 2
    rows = {row[0]: row for row in table_rows(html, "network-data")}
    assert rows["France"][1].startswith("1: France–Japan Reciprocal Access Agreement") and rows["France"][2] == "0"
    assert rows["United Kingdom"][2] == "1"
    german = client.get("/states/JPN/", HTTP_ACCEPT_LANGUAGE="de").content.decode()
    assert "Japan und die Staaten, mit denen Abkommen bestehen" in german
    assert "ein Abkommen in Kraft" in german
