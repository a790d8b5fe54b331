"""The analysis charts as the server draws them (analysis.charts): geometry true to the record, a table beside
each chart with the same figures, English and German. The trends page is in test_views.py."""

import datetime
import re

import pytest
from django.test import Client

from analysis.charts import gantt
from analysis.charts.status import status_chart
from analysis.durations import Comparison, compare, durations
from negotiations.choices import Status
from negotiations.models import Agreement
from tests.factories import AgreementFactory, AgreementTypeFactory, StateFactory

from .html import table_rows

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 11, 29)


def test_the_gantt_puts_the_comparables_phases_on_one_axis() -> None:
    france_japan = Agreement.objects.select_related("type").get(slug="france-japan-raa")
    chart = gantt.gantt(compare(france_japan, TODAY), TODAY)
    labels = [row.label for row in chart.rows]
    # Its family: Japan's other RAAs, then the Philippines' visiting-forces agreements, each without its type's name.
    assert labels == [
        "France–Japan",
        "Japan–Australia",
        "Japan–Canada",
        "Japan–Germany",
        "Japan–Philippines",
        "Japan–United Kingdom",
        "Philippines–Australia",
        "Philippines–Canada",
        "Philippines–France",
        "Philippines–New Zealand",
        "Philippines–United States",
        "Philippines–United States (counterpart agreement)",
    ]
    assert chart.rows[0].current and not any(row.current for row in chart.rows[1:])

    uk = chart.rows[5]
    assert [bar.css for bar in uk.bars] == ["phase-talks", "phase-agreed_in_principle", "phase-signed"]
    # One axis: widths are proportional to the days (219, 251, 277), and each bar starts where the last ended.
    per_day = uk.bars[0].width / 219
    assert uk.bars[1].width == pytest.approx(251 * per_day, abs=0.2)
    assert uk.bars[2].width == pytest.approx(277 * per_day, abs=0.2)
    assert uk.bars[1].x == pytest.approx(uk.bars[0].x + uk.bars[0].width, abs=0.2)
    # The same axis for a visiting-forces agreement: the Philippines–US VFA's 476 days from signature.
    assert chart.rows[10].bars[0].width == pytest.approx(476 * per_day, abs=0.2)
    # The Philippines went from talks straight to signature: two bars, no agreement in principle.
    assert [bar.css for bar in chart.rows[4].bars] == ["phase-talks", "phase-signed"]
    # Japan–Canada's and Japan–Germany's RAAs are only proposed: rows without a bar.
    assert chart.rows[2].bars == [] and chart.rows[3].bars == []
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
    principle, signature, in_force = estimates["agreed_in_principle"], estimates["signed"], estimates["in_force"]
    # Agreement in principle rests on three comparables, signature on four (the Philippines had no agreement in
    # principle; Philippines–Canada's VFA had both), entry into force on three: medians in order.
    assert [len(e.basis) for e in (principle, signature, in_force)] == [3, 4, 3]
    assert (principle.expected_on, signature.expected_on, in_force.expected_on) == (
        datetime.date(2024, 12, 7),
        datetime.date(2025, 5, 17),
        datetime.date(2026, 5, 19),
    )
    assert not any(e.before_earlier_step for e in (principle, signature, in_force))
    assert signature.median_passed and not signature.range_passed
    assert in_force.median_passed and not in_force.range_passed
    early = {
        e.step: e for e in compare(Agreement.objects.get(slug="france-japan-raa"), datetime.date(2024, 6, 1)).estimates
    }
    assert not early["signed"].median_passed

    # Out of order: two comparables took long to agree in principle, two others went straight to a quick
    # signature; the signature's median (600 days) falls before the agreement in principle's (950).
    shared, kind = StateFactory(), AgreementTypeFactory()  # no family: the same type, sharing a party
    start = datetime.date(2010, 1, 1)
    for principle_days, signature_days in [(900, 1000), (1000, 1100), (None, 100), (None, 200)]:
        history = [(Status.NEGOTIATING, start)]
        if principle_days:
            history.append((Status.AGREED_IN_PRINCIPLE, start + datetime.timedelta(days=principle_days)))
        history.append((Status.SIGNED, start + datetime.timedelta(days=signature_days)))
        AgreementFactory(type=kind, parties=[shared, StateFactory()], history=history)
    subject = AgreementFactory(
        type=kind, parties=[shared, StateFactory()], history=[(Status.NEGOTIATING, datetime.date(2020, 1, 1))]
    )
    estimates = {e.step: e for e in compare(subject, datetime.date(2020, 6, 1)).estimates}
    principle, signature = estimates["agreed_in_principle"], estimates["signed"]
    assert principle.expected_on == datetime.date(2022, 8, 8) and signature.expected_on == datetime.date(2021, 8, 23)
    assert signature.before_earlier_step and not principle.before_earlier_step
    assert not signature.median_passed and not principle.median_passed


def test_the_agreement_page_draws_the_gantt_with_its_table(client: Client) -> None:
    html = client.get("/agreements/france-japan-raa/").content.decode()
    assert 'role="img" aria-labelledby="gantt-title gantt-desc"' in html
    assert "Phases of the France–Japan Reciprocal Access Agreement and of comparable agreements" in html
    rows = table_rows(html, "gantt-data")
    assert rows[0][:2] == ["France–Japan", "May 2, 2024"]
    assert rows[1] == ["Japan–Australia", "≈ July 1, 2014", "Nov. 17, 2020", "Jan. 6, 2022", "Aug. 13, 2023"]
    assert rows[5] == ["Japan–United Kingdom", "Sept. 28, 2021", "May 5, 2022", "Jan. 11, 2023", "Oct. 15, 2023"]
    assert rows[6] == ["Philippines–Australia", "", "", "May 31, 2007", "≈ Sept. 1, 2012"]
    assert len(rows) == 13 and rows[12][0] == "Estimated agreement in principle"
    # 1 (France–Japan, open) + Japan's RAAs 3 + 0 + 0 + 2 + 3 + the Philippines' VFAs 1 + 3 (two, then open)
    # + 1 + 1 (open since talks, since signature) + 1 + 1
    assert html.count('class="bar phase-') == 17


def test_the_agreement_page_shows_the_chart_in_german(client: Client) -> None:
    html = client.get("/agreements/france-japan-raa/", HTTP_ACCEPT_LANGUAGE="de").content.decode()
    assert "Phasen: France–Japan Reciprocal Access Agreement und vergleichbare Abkommen" in html
    rows = table_rows(html, "gantt-data")
    assert rows[5] == [
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
    # Seventeen partners: ten with an agreement in force, seven (Canada, Indonesia, Malaysia, New Zealand,
    # Singapore, Thailand, Vietnam) with agreements pending only.
    assert sorted(lines) == ["in-force"] * 10 + ["pending"] * 7
    rows = {row[0]: row for row in table_rows(html, "network-data")}
    assert rows["France"][1].startswith("4: France–Japan Reciprocal Access Agreement negotiating")
    assert rows["France"][2] == "3"
    assert rows["Canada"][1].startswith("4: ") and rows["Canada"][2] == "0"
    assert rows["United Kingdom"][2] == "2"
    german = client.get("/states/JPN/", HTTP_ACCEPT_LANGUAGE="de").content.decode()
    assert "Japan und die Staaten, mit denen Abkommen bestehen" in german
    assert "ein Abkommen in Kraft" in german
