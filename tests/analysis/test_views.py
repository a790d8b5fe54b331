"""The trends page (analysis.views.trends): the status chart draws the counts the API serves, with its table;
bad periods are refused beside the field; English and German; a fixed number of queries."""

import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from .html import table_rows

pytestmark = pytest.mark.django_db


def test_the_trends_page_draws_the_counts_the_api_serves(client: Client) -> None:
    response = client.get("/trends/?from=2020-01-01&to=2024-12-31")
    assert response.status_code == 200
    html = response.content.decode()
    api = client.get("/api/v1/analysis/status-counts/?from=2020-01-01&to=2024-12-31").json()
    by_period = {p["on"]: p["counts"] for p in api["periods"]}
    assert html.count('<g class="column">') == len(api["periods"]) == 60
    header = re.search(r'id="status-chart-data".*?<thead>(.*?)</thead>', html, re.S).group(1)
    statuses = re.findall(r'<th scope="col">([^<]+)</th>', header)[1:-1]
    assert statuses == ["proposed", "talks agreed", "negotiating", "agreed in principle", "signed", "in force"]
    values = {
        "proposed": "proposed",
        "talks agreed": "talks_agreed",
        "negotiating": "negotiating",
        "agreed in principle": "agreed_in_principle",
        "signed": "signed",
        "in force": "in_force",
    }
    days = re.findall(r'<th scope="row"><time datetime="([\d-]+)">', html)
    rows = table_rows(html, "status-chart-data")
    assert len(rows) == len(days) < 60  # only the months in which a count changed (and the last)
    for day, row in zip(days, rows, strict=True):
        counts = by_period[day]
        assert [int(cell) for cell in row[1:-1]] == [counts[values[name]] for name in statuses]
        assert int(row[-1]) == sum(counts.values())
    january_2023 = rows[days.index("2023-01-31")]
    # Japan–UK signed on 2023-01-11: eighteen signed at the end of the month, seventeen in the row before.
    assert january_2023[0] == "January 2023" and january_2023[statuses.index("signed") + 1] == "18"
    assert rows[days.index("2023-01-31") - 1][statuses.index("signed") + 1] == "17"


def test_the_trends_page_refuses_a_bad_period_beside_the_field(client: Client) -> None:
    response = client.get("/trends/?from=2025-01-01&to=2024-01-01")
    assert response.status_code == 400
    html = response.content.decode()
    assert re.search(r'has-error">\s*<label for="id_from">.*?Choose a start on or before the end', html, re.S)
    assert "status-chart-data" not in html
    response = client.get("/trends/?from=2024-13-01&interval=week")
    html = response.content.decode()
    assert response.status_code == 400 and "Enter a valid date." in html and "Select a valid choice." in html
    german = client.get("/trends/?from=2025-01-01&to=2024-01-01", HTTP_ACCEPT_LANGUAGE="de").content.decode()
    assert "Wählen Sie einen Beginn am oder vor dem Ende." in german


def test_the_trends_page_in_german_and_by_year(client: Client) -> None:
    html = client.get("/trends/?interval=year", HTTP_ACCEPT_LANGUAGE="de").content.decode()
    assert "<h1>Abkommen nach Status im Zeitverlauf</h1>" in html
    assert "Abkommen in jedem Status am Ende jedes Jahres" in html
    days = re.findall(r'<th scope="row"><time datetime="([\d-]+)">', html)
    assert days[0] == "1960-12-31" and all(day.endswith("-12-31") for day in days)


def test_the_trends_page_costs_the_same_queries_for_a_decade_or_a_year(client: Client) -> None:
    counts = []
    for query in ("from=2024-01-01&to=2024-12-31", "from=1960-01-01&to=2024-12-31"):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(f"/trends/?{query}").status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]
