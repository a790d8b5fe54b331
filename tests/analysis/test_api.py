"""The analysis endpoints (analysis.api): status counts per period, and an agreement's durations and comparables
with the forecast, on the verified seed (DOMAIN.md)."""

import datetime

import pytest
from django.test import Client

from negotiations.choices import Status
from negotiations.models import Agreement
from tests.api.clients import assert_problem
from tests.factories import transition

pytestmark = pytest.mark.django_db
URL = "/api/v1/analysis/status-counts/"


def test_monthly_counts_follow_the_event_log(client: Client) -> None:
    document = client.get(f"{URL}?from=2022-12-01&to=2024-05-31&interval=month").json()
    periods = {p["period"]: p for p in document["periods"]}
    assert document["interval"] == "month" and len(periods) == 18
    december = periods["2022-12"]
    assert december["on"] == "2022-12-31"
    # Japan–UK agreed in principle; the Philippines only proposed; talks agreed on Japan–Canada's ISA and
    # Japan–Singapore's DEA; seventeen signed (Japan–Australia's RAA among them) and fourteen in force (the
    # Japan–US SOFA since 1960 among them).
    assert december["counts"] == {
        "proposed": 1,
        "talks_agreed": 2,
        "negotiating": 0,
        "suspended": 0,
        "agreed_in_principle": 1,
        "signed": 17,
        "in_force": 14,
        "terminated": 0,
        "abandoned": 0,
    }
    january = periods["2023-01"]["counts"]  # Japan–UK signed on 2023-01-11: from agreed in principle to signed
    assert january["agreed_in_principle"] == 0 and january["signed"] == 18
    assert periods["2024-04"]["counts"]["talks_agreed"] == 2
    assert periods["2024-05"]["counts"]["talks_agreed"] == 3  # France–Japan, 2024-05-02
    assert sum(periods["2024-04"]["counts"].values()) == 37 and sum(periods["2024-05"]["counts"].values()) == 38


def test_yearly_counts_and_defaults(client: Client) -> None:
    document = client.get(f"{URL}?interval=year&to=2025-12-31").json()
    assert document["from"] == "1960-01-19"  # the first recorded event
    years = {p["period"]: p["counts"] for p in document["periods"]}
    # The Japan–US SOFA alone in 1960; twenty in force at the end of 2025 (Japan–Philippines' RAA since September).
    assert years["1960"]["in_force"] == 1 and years["2025"]["in_force"] == 20


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


def _phase(document: dict, start: str, end: str) -> dict:
    return next(p for p in document["phases"] if (p["from"], p["to"]) == (start, end))


def test_japan_uk_and_japan_australia_phases_come_from_their_events(client: Client) -> None:
    uk = client.get("/api/v1/agreements/japan-uk-raa/durations/").json()
    assert uk["steps"]["talks"] == {"on": "2021-09-28", "precision": "day"}
    assert _phase(uk, "talks", "signed") == {"from": "talks", "to": "signed", "days": 470, "approximate": False}
    assert _phase(uk, "signed", "in_force")["days"] == 277
    assert uk["open"] is False and uk["elapsed_days"] is None

    australia = client.get("/api/v1/agreements/japan-australia-raa/durations/").json()
    assert _phase(australia, "agreed_in_principle", "signed")["days"] == 415
    # Talks began in July 2014 (day unknown): every phase from that step is approximate.
    assert _phase(australia, "talks", "signed")["approximate"] is True
    assert _phase(australia, "signed", "in_force")["approximate"] is False


def test_an_open_negotiation_counts_the_days_so_far_and_leaves_unreached_phases_empty(client: Client) -> None:
    document = client.get("/api/v1/agreements/france-japan-raa/durations/").json()
    assert document["open"] is True
    assert document["elapsed_days"] == (datetime.date.today() - datetime.date(2024, 5, 2)).days
    assert all(phase["days"] is None for phase in document["phases"])


def test_a_corrected_entry_no_longer_counts(administrator: object) -> None:
    agreement = Agreement.objects.get(slug="japan-uk-raa")
    signed = agreement.events.get(status=Status.SIGNED)
    transition(
        agreement,
        Status.SIGNED,
        on=datetime.date(2023, 1, 12),
        actor=administrator,
        corrects=signed,
        correction_reason="Test: the day after",
    )
    document = Client().get("/api/v1/agreements/japan-uk-raa/durations/").json()
    assert _phase(document, "talks", "signed")["days"] == 471


def test_france_japan_is_compared_with_the_visiting_forces_family_and_gets_a_forecast_with_its_basis(
    client: Client,
) -> None:
    document = client.get("/api/v1/agreements/france-japan-raa/comparables/").json()
    # Japan's other RAAs and the Philippines' visiting-forces agreements (VFA), whatever their parties.
    assert [c["agreement"] for c in document["comparables"]] == [
        "japan-australia-raa",
        "japan-canada-raa",
        "japan-germany-raa",
        "japan-philippines-raa",
        "japan-uk-raa",
        "philippines-australia-sovfa",
        "philippines-canada-sovfa",
        "philippines-france-sovfa",
        "philippines-new-zealand-sovfa",
        "philippines-us-vfa",
        "philippines-us-vfa-2",
    ]
    assert document["basis"] == {
        "family": "visiting-forces",
        "explanation": "Compared with every agreement whose type is of the same family (visiting-forces: RAA, "
        "VFA), whatever its parties.",
    }
    assert document["forecast"]["estimate"] is True and "estimate" in document["forecast"]["explanation"]
    signature = next(s for s in document["forecast"]["steps"] if s["step"] == "signed")
    assert signature["since"] == "talks" and signature["since_on"] == "2024-05-02"
    # Philippines–Canada's status of visiting forces agreement (290 days) beside Japan's three RAAs.
    assert sorted((b["days"], b["agreement"]) for b in signature["based_on"]) == [
        (248, "japan-philippines-raa"),
        (290, "philippines-canada-sovfa"),
        (470, "japan-uk-raa"),
        (2746, "japan-australia-raa"),
    ]
    assert signature["enough_data"] is True and signature["median_days"] == 380
    assert (signature["earliest_on"], signature["expected_on"], signature["latest_on"]) == (
        "2025-01-05",
        "2025-05-17",
        "2031-11-08",
    )


def test_below_two_comparables_the_forecast_says_not_enough_data(client: Client) -> None:
    # The Pukpuk treaty is the only mutual defence treaty (a type without a family): nothing to compare it with.
    document = client.get("/api/v1/agreements/australia-papua-new-guinea-pukpuk-treaty/comparables/").json()
    assert document["comparables"] == []
    assert document["basis"] == {
        "family": None,
        "explanation": "Compared with the agreements of the same type (MDT) that share a party with it.",
    }
    steps = document["forecast"]["steps"]
    assert [s["step"] for s in steps] == ["in_force"] and steps[0]["enough_data"] is False
    assert steps[0]["expected_on"] is None and steps[0]["median_days"] is None

    # Japan–Singapore's DEA has Japan's thirteen other DEAs, but only Japan–Malaysia's went from talks to signature.
    document = client.get("/api/v1/agreements/japan-singapore-dea/comparables/").json()
    assert len(document["comparables"]) == 13 and document["basis"]["family"] is None
    steps = {s["step"]: s for s in document["forecast"]["steps"]}
    assert list(steps) == ["agreed_in_principle", "signed", "in_force"]
    assert all(not s["enough_data"] and s["expected_on"] is None and s["median_days"] is None for s in steps.values())
    assert steps["signed"]["based_on"] == [{"agreement": "japan-malaysia-dea", "days": 1059}]


def test_a_closed_agreement_has_comparables_but_nothing_to_forecast(client: Client) -> None:
    document = client.get("/api/v1/agreements/japan-uk-raa/comparables/").json()
    assert "france-japan-raa" in [c["agreement"] for c in document["comparables"]]
    assert document["forecast"]["steps"] == []


def test_unknown_agreement_is_a_404_problem(client: Client) -> None:
    assert_problem(client.get("/api/v1/agreements/no-such-thing/comparables/"), 404)
