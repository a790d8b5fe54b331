"""GET /api/v1/analysis/status-counts/: agreements in each status at the end of each period."""

import pytest
from django.test import Client

from tests.api.conftest import assert_problem

pytestmark = pytest.mark.django_db
URL = "/api/v1/analysis/status-counts/"


def test_monthly_counts_follow_the_event_log(client: Client) -> None:
    document = client.get(f"{URL}?from=2022-12-01&to=2024-05-31&interval=month").json()
    periods = {p["period"]: p for p in document["periods"]}
    assert document["interval"] == "month" and len(periods) == 18
    december = periods["2022-12"]
    assert december["on"] == "2022-12-31"
    # Japan–UK agreed in principle, Japan–Australia signed, the Japan–US SOFA in force; the Philippines only proposed.
    assert december["counts"]["agreed_in_principle"] == 1 and december["counts"]["signed"] == 1
    assert december["counts"]["in_force"] == 1 and december["counts"]["proposed"] == 1
    assert periods["2023-01"]["counts"]["signed"] == 2  # Japan–UK signed on 2023-01-11
    assert periods["2024-04"]["counts"]["talks_agreed"] == 0
    assert periods["2024-05"]["counts"]["talks_agreed"] == 1  # France–Japan, 2024-05-02
    assert sum(periods["2024-05"]["counts"].values()) == 5


def test_yearly_counts_and_defaults(client: Client) -> None:
    document = client.get(f"{URL}?interval=year&to=2025-12-31").json()
    assert document["from"] == "1960-01-19"  # the first recorded event
    years = {p["period"]: p["counts"] for p in document["periods"]}
    assert years["1960"]["in_force"] == 1 and years["2025"]["in_force"] == 4


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("from=2024-13-01", "from"),
        ("to=yesterday", "to"),
        ("interval=week", "interval"),
        ("from=2025-01-01&to=2024-01-01", "from"),
        ("from=1000-01-01&to=2025-01-01", "from"),
        ("colour=blue", "colour"),
    ],
)
def test_bad_parameters_are_a_400_naming_them(client: Client, query: str, field: str) -> None:
    assert_problem(client.get(f"{URL}?{query}"), 400, field)
