"""The analysis charts in a real browser: drawn, each with its table, in English and German, without
JavaScript, and on paper."""

import pytest

from .conftest import assert_accessible

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

CHARTS = {
    # page: (the chart's accessible name in English, in German, the id of its table, rows the table must hold)
    "/agreements/france-japan-raa/": (
        "Phases of the France–Japan Reciprocal Access Agreement and of comparable agreements",
        "Phasen: France–Japan Reciprocal Access Agreement und vergleichbare Abkommen",
        "gantt-data",
        # Japan's RAAs, then the visiting-forces agreements of the same family (analysis.durations.comparables)
        [
            "France–Japan",
            "Japan–Australia",
            "Japan–Canada",
            "Japan–Germany",
            "Japan–Philippines",
            "Japan–United Kingdom",
        ],
    ),
    "/trends/?from=2020-01-01&to=2024-12-31": (
        "Agreements in each status at the end of each month",
        "Abkommen in jedem Status am Ende jedes Monats",
        "status-chart-data",
        None,
    ),
    "/states/JPN/": (
        "Japan and the states it has agreements with",
        "Japan und die Staaten, mit denen Abkommen bestehen",
        "network-data",
        ["Australia", "Canada", "France", "Germany", "India", "Indonesia", "Italy", "Malaysia"],
    ),
}


def _chart_box(page: object, name: str) -> dict:
    chart = page.get_by_role("img", name=name)
    assert chart.is_visible()
    box = chart.bounding_box()
    assert box["width"] > 300 and box["height"] > 100, box  # drawn, not collapsed
    return box


@pytest.mark.parametrize("locale, language", [("en-GB", 0), ("de-DE", 1)])
def test_each_chart_is_drawn_with_its_table_in_both_languages(
    new_page: object, axe_source: str, locale: str, language: int
) -> None:
    page = new_page(locale=locale)
    for url, (*names, table_id, row_names) in CHARTS.items():
        page.goto(url)
        _chart_box(page, names[language])
        table = page.locator(f"#{table_id}")
        assert table.is_visible()
        headers = table.locator("tbody th[scope=row]").all_inner_texts()
        if row_names:
            assert headers[: len(row_names)] == row_names
        else:  # the months in which a count changed: January 2023 (Japan–UK signed) is one of them
            assert ("January 2023" if language == 0 else "Januar 2023") in headers
        assert table.locator("caption").inner_text()
        assert_accessible(page, axe_source)
    page.get_by_role("navigation").get_by_role("link", name=("Trends", "Entwicklung")[language]).click()
    page.wait_for_load_state()
    trends = page.get_by_role("navigation").get_by_role("link", name=("Trends", "Entwicklung")[language])
    assert trends.get_attribute("aria-current") == "page"
    _chart_box(page, CHARTS["/trends/?from=2020-01-01&to=2024-12-31"][language])


def test_the_charts_are_readable_without_javascript_and_in_print(new_page: object) -> None:
    page = new_page(java_script_enabled=False)
    for url, (name, _german, table_id, _rows) in CHARTS.items():
        page.goto(url)
        _chart_box(page, name)
        assert page.locator(f"#{table_id} tbody tr").count() >= 4
    page.emulate_media(media="print")
    for url, (name, _german, table_id, _rows) in CHARTS.items():
        page.goto(url)
        _chart_box(page, name)
        assert page.locator(f"#{table_id}").is_visible()
        assert page.locator(".site-header").is_hidden()
    pdf_page = new_page()
    pdf_page.goto("/trends/")
    assert pdf_page.pdf()[:4] == b"%PDF"


def test_a_bad_period_is_shown_beside_the_field_and_a_good_one_redraws(new_page: object, axe_source: str) -> None:
    page = new_page()
    page.goto("/trends/")
    page.get_by_label("From", exact=True).fill("2025-01-01")
    page.get_by_label("To", exact=True).fill("2024-01-01")
    page.get_by_role("button", name="Show").click()
    error = page.locator(".field.has-error", has=page.get_by_label("From", exact=True))
    assert "Choose a start on or before the end." in error.inner_text()
    assert page.get_by_role("alert").is_visible()
    assert page.get_by_role("img").count() == 0
    assert_accessible(page, axe_source)
    page.get_by_label("From", exact=True).fill("2023-01-01")
    page.get_by_label("Interval").select_option("year")
    page.get_by_role("button", name="Show").click()
    _chart_box(page, "Agreements in each status at the end of each year")
    assert page.locator("#status-chart-data tbody th").all_inner_texts() == ["2023", "2024"]
