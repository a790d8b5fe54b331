"""Durations, comparables, forecasts and the record as of a date, on the verified seed (DOMAIN.md)."""

import datetime

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from analysis.durations import compare
from negotiations import services
from negotiations.choices import Status
from negotiations.models import Agreement
from parties.models import State
from tests.api.conftest import assert_problem

pytestmark = pytest.mark.django_db


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
    services.agreement_transition(
        actor=administrator,
        agreement=agreement,
        status=Status.SIGNED,
        effective_on=datetime.date(2023, 1, 12),
        corrects=signed,
        correction_reason="Test: the day after",
    )
    document = Client().get("/api/v1/agreements/japan-uk-raa/durations/").json()
    assert _phase(document, "talks", "signed")["days"] == 471


def test_france_japan_is_compared_with_japans_three_raas_and_gets_a_forecast_with_its_basis(client: Client) -> None:
    document = client.get("/api/v1/agreements/france-japan-raa/comparables/").json()
    assert [c["agreement"] for c in document["comparables"]] == [
        "japan-australia-raa",
        "japan-philippines-raa",
        "japan-uk-raa",
    ]
    assert document["forecast"]["estimate"] is True and "estimate" in document["forecast"]["explanation"]
    signature = next(s for s in document["forecast"]["steps"] if s["step"] == "signed")
    assert signature["since"] == "talks" and signature["since_on"] == "2024-05-02"
    assert sorted(b["days"] for b in signature["based_on"]) == [248, 470, 2746]
    assert signature["enough_data"] is True and signature["median_days"] == 470
    assert (signature["earliest_on"], signature["expected_on"], signature["latest_on"]) == (
        "2025-01-05",
        "2025-08-15",
        "2031-11-08",
    )


def test_below_two_comparables_the_forecast_says_not_enough_data(client: Client) -> None:
    # Japan–Italy is the only ACSA: nothing to compare it with.
    document = client.get("/api/v1/agreements/japan-italy-acsa/comparables/").json()
    assert document["comparables"] == []
    assert document["forecast"]["steps"] and all(not s["enough_data"] for s in document["forecast"]["steps"])
    assert all(s["expected_on"] is None and s["median_days"] is None for s in document["forecast"]["steps"])


def test_a_closed_agreement_has_comparables_but_nothing_to_forecast(client: Client) -> None:
    document = client.get("/api/v1/agreements/japan-uk-raa/comparables/").json()
    assert "france-japan-raa" in [c["agreement"] for c in document["comparables"]]
    assert document["forecast"]["steps"] == []


def test_unknown_agreement_is_a_404_problem(client: Client) -> None:
    assert_problem(client.get("/api/v1/agreements/no-such-thing/comparables/"), 404)


def test_as_of_a_date_the_list_shows_the_statuses_then_and_leaves_out_what_did_not_exist(client: Client) -> None:
    rows = client.get("/api/v1/agreements/?as_of=2023-01-01&type=RAA").json()["results"]
    statuses = {row["slug"]: (row["status"], row["status_since"]) for row in rows}
    assert statuses["japan-uk-raa"] == ("agreed_in_principle", "2022-05-05")
    assert statuses["japan-australia-raa"] == ("signed", "2022-01-06")
    assert "france-japan-raa" not in statuses

    signed_then = client.get("/api/v1/agreements/?as_of=2023-01-01&status=signed").json()["results"]
    assert [row["slug"] for row in signed_then] == ["japan-australia-raa"]
    response = client.get("/api/v1/agreements/?as_of=2023-01-01&type=RAA&format=csv")
    csv = b"".join(response.streaming_content).decode()
    assert "agreed_in_principle" in csv and "france-japan-raa" not in csv


@pytest.mark.parametrize(("value", "message"), [("2023-02-30", "valid date"), ("2999-01-01", "no later than today")])
def test_a_bad_as_of_date_is_a_400_naming_the_field(client: Client, value: str, message: str) -> None:
    body = assert_problem(client.get(f"/api/v1/agreements/?as_of={value}"), 400, "as_of")
    assert message in " ".join(body["errors"]["as_of"])


def test_the_dashboard_list_shows_the_record_as_of_a_date(client: Client) -> None:
    page = client.get("/agreements/?as_of=2023-01-01").content.decode()
    assert 'id="as-of"' in page and "France–Japan" not in page and "agreed in principle" in page
    german = client.get("/agreements/?as_of=2023-01-01", HTTP_ACCEPT_LANGUAGE="de").content.decode()
    assert 'id="as-of"' in german
    refused = client.get("/agreements/?as_of=2999-01-01").content.decode()
    assert "no later than today" in refused


def test_the_agreement_page_shows_the_comparables_and_the_estimate_in_both_languages(client: Client) -> None:
    page = client.get("/agreements/france-japan-raa/").content.decode()
    section = page[page.index('id="comparables"') :]
    assert "Japan–United Kingdom" in section and "Japan–Philippines" in section and "Japan–Australia" in section
    assert "470 days" in section and "≈" in section  # Japan–UK's talks to signature; Australia's approximate start
    assert "An estimate, not a record" in section and "3 comparables" in section
    german = client.get("/agreements/france-japan-raa/", HTTP_ACCEPT_LANGUAGE="de").content.decode()
    german_section = german[german.index('id="comparables"') :]
    assert "470 Tage" in german_section and "Schätzung der nächsten Schritte" in german_section

    italy = client.get("/agreements/japan-italy-acsa/").content.decode()
    assert "not enough data" in italy and "No other agreement of this type shares a party" in italy


def test_comparing_costs_the_same_queries_however_many_comparables_have_no_history() -> None:
    france_japan = Agreement.objects.get(slug="france-japan-raa")

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            compare(france_japan, datetime.date(2026, 1, 1))
        return len(captured)

    before = queries()
    japan = State.objects.get(alpha3="JPN")
    for number in range(3):
        empty = Agreement.objects.create(
            title=f"Empty RAA {number}", slug=f"empty-raa-{number}", type=france_japan.type
        )
        empty.participations.create(state=japan)
    assert queries() == before
