"""The negotiation resources as external tools see them: agreements, events, milestones, rounds and sources,
with their filters, transitions, entity tags, problem documents and CSV."""

import datetime

import pytest
from django.test import Client
from django.utils import timezone

from negotiations.models import Agreement, Source, StatusEvent
from tests.api.clients import assert_problem, send_json, session_client
from tests.factories import AgreementFactory, MilestoneFactory

pytestmark = pytest.mark.django_db


def test_japans_six_raas_with_statuses_and_dates(client: Client) -> None:
    response = client.get("/api/v1/agreements/?party=JPN&type=RAA")
    assert response.status_code == 200
    rows = {row["slug"]: row for row in response.json()["results"]}
    assert response.json()["count"] == 6
    assert {slug: (row["status"], row["status_since"]) for slug, row in rows.items()} == {
        "japan-australia-raa": ("in_force", "2023-08-13"),
        "japan-uk-raa": ("in_force", "2023-10-15"),
        "japan-philippines-raa": ("in_force", "2025-09-11"),
        "france-japan-raa": ("negotiating", "2024-09-01"),  # known to the month: September 2024
        "japan-canada-raa": ("proposed", "2026-03-06"),
        "japan-germany-raa": ("proposed", "2026-03-22"),
    }
    philippines = {p["state"]: p for p in rows["japan-philippines-raa"]["participations"]}
    assert philippines["PHL"]["approval_body"] == "Senate" and philippines["JPN"]["signed_on"] == "2024-07-08"
    assert rows["japan-australia-raa"]["url"].endswith("/api/v1/agreements/japan-australia-raa/")
    assert {"created_at", "updated_at", "links"} <= rows["france-japan-raa"].keys()


@pytest.mark.parametrize(
    ("query", "slugs"),
    [
        ("party=JPN&party=FRA", {"france-japan-raa", "japan-france-acsa", "japan-france-dea", "japan-france-isa"}),
        ("party=jpn&party=gbr", {"japan-uk-raa", "japan-uk-acsa", "japan-uk-dea", "japan-uk-isa"}),
        ("status=in_force&status=signed&type=SOFA", {"japan-us-sofa"}),
        ("grouping=quad&type=RAA&status=in_force", {"japan-australia-raa", "japan-uk-raa", "japan-philippines-raa"}),
        (
            "grouping=EU",
            {
                "france-japan-raa",
                "japan-france-acsa",
                "japan-france-dea",
                "japan-france-isa",
                "japan-germany-acsa",
                "japan-germany-dea",
                "japan-germany-isa",
                "japan-germany-raa",
                "japan-italy-acsa",
                "japan-italy-dea",
                "japan-italy-isa",
                "philippines-france-sovfa",
            },
        ),
        (
            "signed_after=2023-01-01&signed_before=2024-12-31",
            {
                "japan-uk-raa",
                "japan-philippines-raa",
                "japan-italy-acsa",
                "japan-germany-acsa",
                "japan-uae-dea",
                "australia-indonesia-dca",
            },
        ),
        ("in_force_before=2000-01-01", {"japan-us-sofa", "philippines-us-vfa", "philippines-us-vfa-2"}),
        ("q=Kishida%E2%80%93Macron", {"france-japan-raa"}),
        (
            "q=philippines",
            {
                "japan-philippines-raa",
                "japan-philippines-acsa",
                "japan-philippines-dea",
                "japan-philippines-isa",
                "philippines-australia-sovfa",
                "philippines-canada-sovfa",
                "philippines-france-sovfa",
                "philippines-new-zealand-sovfa",
                "philippines-us-vfa",
                "philippines-us-vfa-2",
            },
        ),
    ],
)
def test_agreement_filters(client: Client, query: str, slugs: set[str]) -> None:
    response = client.get(f"/api/v1/agreements/?{query}")
    assert response.status_code == 200, response.content
    assert {row["slug"] for row in response.json()["results"]} == slugs


def test_updated_since_is_a_change_feed(client: Client, official_fr: object) -> None:
    since = timezone.now()
    assert client.get("/api/v1/agreements/", {"updated_since": since.isoformat()}).json()["count"] == 0
    fr = session_client(official_fr)
    assert send_json(fr, "PATCH", "/api/v1/agreements/france-japan-raa/", {"summary": "New."}).status_code == 200
    rows = client.get("/api/v1/agreements/", {"updated_since": since.isoformat()}).json()["results"]
    assert [row["slug"] for row in rows] == ["france-japan-raa"]


@pytest.mark.parametrize(
    ("query", "parameter"),
    [
        ("party=XYZ", "party"),
        ("type=TREATY", "type"),
        ("status=finished", "status"),
        ("grouping=nonexistent", "grouping"),
        ("signed_after=2024-02-30", "signed_after"),
        ("updated_since=yesterday", "updated_since"),
        ("colour=blue", "colour"),
        ("page_size=0", "page_size"),
        ("page=two", "page"),
        ("ordering=secret", "ordering"),
        ("q=%00", "q"),
        ("party=JP%00N", "party"),
        ("grouping=g%007", "grouping"),
        ("grouping=%25s%25d", "grouping"),
    ],
)
def test_malformed_filters_are_400_naming_the_parameter(client: Client, query: str, parameter: str) -> None:
    assert_problem(client.get(f"/api/v1/agreements/?{query}"), 400, parameter)


def test_not_overdue_means_the_same_with_and_without_a_status_filter(client: Client) -> None:
    agreement = AgreementFactory()
    today = timezone.localdate()
    for title, due, status in [
        ("past, planned", today - datetime.timedelta(days=3), "planned"),
        ("today, planned", today, "planned"),
        ("future, planned", today + datetime.timedelta(days=3), "planned"),
        ("past, cancelled", today - datetime.timedelta(days=3), "cancelled"),
    ]:
        MilestoneFactory(agreement=agreement, title=title, due_on=due, status=status)

    def titles(query: str) -> set[str]:
        rows = client.get(f"/api/v1/milestones/?agreement={agreement.slug}&page_size=200&{query}").json()["results"]
        return {row["title"] for row in rows if "," in row["title"]}

    assert titles("overdue=false&status=planned") == {"today, planned", "future, planned"}
    assert titles("overdue=false") == {"today, planned", "future, planned", "past, cancelled"}
    assert titles("overdue=false&status=planned&status=cancelled") == titles("overdue=false")
    assert titles("overdue=true") == {"past, planned"}


def test_milestone_and_event_filters(client: Client) -> None:
    overdue = client.get("/api/v1/milestones/?overdue=true&party=FRA").json()["results"]
    assert [m["title"] for m in overdue] == ["Aim to conclude by end of 2024"] and overdue[0]["overdue"] is True
    done = client.get("/api/v1/milestones/?agreement=japan-australia-raa&status=done&due_before=2022-12-31").json()
    assert done["count"] == 2
    events = client.get("/api/v1/events/?agreement=japan-uk-raa&status=signed").json()["results"]
    assert [(e["status"], e["effective_on"], e["place"]) for e in events] == [("signed", "2023-01-11", "London")]
    history = client.get("/api/v1/events/?party=PHL&effective_after=2024-01-01").json()["results"]
    assert {(e["agreement"], e["status"], e["effective_on"]) for e in history} == {
        ("japan-philippines-raa", "signed", "2024-07-08"),
        ("japan-philippines-raa", "in_force", "2025-09-11"),
        ("japan-philippines-acsa", "talks_agreed", "2025-04-29"),
        ("japan-philippines-acsa", "negotiating", "2025-05-28"),
        ("japan-philippines-acsa", "signed", "2026-01-15"),
        ("japan-philippines-isa", "proposed", "2025-02-24"),
        ("philippines-canada-sovfa", "negotiating", "2025-01-16"),
        ("philippines-canada-sovfa", "agreed_in_principle", "2025-03-08"),
        ("philippines-canada-sovfa", "signed", "2025-11-02"),
        ("philippines-france-sovfa", "talks_agreed", "2024-07-01"),
        ("philippines-france-sovfa", "negotiating", "2025-06-01"),
        ("philippines-new-zealand-sovfa", "signed", "2025-04-30"),
    }
    assert len(history) == 12
    assert_problem(client.get("/api/v1/events/?agreement=no-such-agreement"), 400, "agreement")


def test_event_history_uses_cursor_pagination(client: Client) -> None:
    first = client.get("/api/v1/events/?page_size=5").json()
    assert len(first["results"]) == 5 and first["next"] and "cursor=" in first["next"]
    second = client.get(first["next"]).json()
    ids = [e["id"] for e in first["results"] + second["results"]]
    assert len(ids) == len(set(ids)) == 10
    assert client.get("/api/v1/events/?cursor=garbage").status_code == 404


def test_transition_records_the_event_with_a_new_source(official_jp: object) -> None:
    client = session_client(official_jp)
    body = {  # France–Japan is negotiating since September 2024
        "status": "agreed_in_principle",
        "effective_on": "2025-01-15",
        "note": "Agreement in principle.",
        "source": {"title": "Report", "publisher": "Agency", "url": "https://example.org/r1", "language": "en"},
    }
    response = send_json(client, "POST", "/api/v1/agreements/france-japan-raa/transition/", body)
    assert response.status_code == 201, response.content
    event = response.json()
    assert (event["status"], event["effective_on"], event["recorded_by"]) == (
        "agreed_in_principle",
        "2025-01-15",
        "official-jp",
    )
    assert event["source"]["url"] == "https://example.org/r1"
    # The same publication cited again is reused, not duplicated.
    body |= {"status": "signed", "effective_on": "2025-02-01"}
    assert send_json(client, "POST", "/api/v1/agreements/france-japan-raa/transition/", body).status_code == 201
    assert Source.objects.filter(url="https://example.org/r1").count() == 1
    assert Agreement.objects.get(slug="france-japan-raa").status == "signed"


def test_refused_transition_is_409_naming_current_and_allowed(official_jp: object) -> None:
    client = session_client(official_jp)
    count = StatusEvent.objects.count()
    response = send_json(
        client,
        "POST",
        "/api/v1/agreements/japan-australia-raa/transition/",
        {"status": "negotiating", "effective_on": "2025-01-01", "source": {"title": "t", "publisher": "p"}},
    )
    body = assert_problem(response, 409, "status")
    assert body["current_status"] == "in_force" and body["allowed_next"] == ["suspended", "terminated"]
    assert "Cannot move from in_force to negotiating" in body["detail"]
    assert StatusEvent.objects.count() == count
    assert not Source.objects.filter(title="t").exists(), "the new source is not kept when the move is refused"


def test_transition_by_source_id_and_bad_source(official_fr: object) -> None:
    client = session_client(official_fr)
    source = Source.objects.get(url__endswith="/2024/09/18/japan/politics/france-ambassador-japan-interview/")
    url = "/api/v1/agreements/france-japan-raa/transition/"  # negotiating since September 2024
    body = {"status": "agreed_in_principle", "effective_on": "2024-12-01", "source": source.pk}
    ok = send_json(client, "POST", url, body)
    assert ok.status_code == 201 and ok.json()["source"]["id"] == source.pk
    assert_problem(
        send_json(client, "POST", url, {"status": "signed", "effective_on": "2025-01-01", "source": 999999}),
        400,
        "source",
    )
    assert_problem(
        send_json(client, "POST", url, {"status": "signed", "effective_on": "2025-01-01", "source": "x"}), 400, "source"
    )


def test_old_transition_date_in_the_future_is_refused(official_jp: object) -> None:
    future = (datetime.date.today() + datetime.timedelta(days=30)).isoformat()
    response = send_json(
        session_client(official_jp),
        "POST",
        "/api/v1/agreements/france-japan-raa/transition/",
        {"status": "negotiating", "effective_on": future},
    )
    assert_problem(response, 400, "effective_on")


def test_etag_and_if_match(official_jp: object) -> None:
    client = session_client(official_jp)
    url = "/api/v1/agreements/france-japan-raa/"
    etag = client.get(url)["ETag"]
    assert etag and client.get(url)["ETag"] == etag
    changed = send_json(client, "PATCH", url, {"summary": "First."}, **{"If-Match": etag})
    assert changed.status_code == 200 and changed["ETag"] != etag
    stale = send_json(client, "PATCH", url, {"summary": "Second."}, **{"If-Match": etag})
    assert_problem(stale, 412)
    assert Agreement.objects.get(slug="france-japan-raa").summary == "First."
    stale_transition = send_json(
        client,
        "POST",
        url + "transition/",
        {"status": "agreed_in_principle", "effective_on": "2025-01-15"},
        **{"If-Match": etag},
    )
    assert_problem(stale_transition, 412)
    fresh = send_json(
        client,
        "POST",
        url + "transition/",
        {"status": "agreed_in_principle", "effective_on": "2025-01-15", "no_source_reason": "A briefing."},
        **{"If-Match": changed["ETag"]},
    )
    assert fresh.status_code == 201


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ('{"summary": ', None),
        ('{"title": "\\u0000"}', "title"),
        ('{"summary": 12}', None),
        ('{"target_conclusion_on": "2024-02-30"}', "target_conclusion_on"),
        ('{"target_conclusion_on": "99999-01-01"}', "target_conclusion_on"),
        ('{"type": "NOPE"}', "type"),
        ('{"participations": [{"state": "JPN"}]}', "participations"),
        ('{"participations": [{"state": "JPN"}, {"state": "JPN"}]}', "participations"),
        ('{"participations": [{"state": "DEU"}, {"state": "ITA"}]}', None),
        ('{"participations": "JPN"}', "participations"),
        ('{"slug": "renamed"}', "slug"),
        ("[1, 2]", None),
    ],
)
def test_bad_input_is_a_4xx_problem_and_changes_nothing(official_jp: object, body: str, field: str | None) -> None:
    client = session_client(official_jp)
    before = Agreement.objects.get(slug="france-japan-raa")
    response = client.generic(
        "PATCH", "/api/v1/agreements/france-japan-raa/", data=body, content_type="application/json"
    )
    assert 400 <= response.status_code < 500, response.content
    problem = response.json()
    assert response["Content-Type"].startswith("application/problem+json") and problem["status"] == response.status_code
    if field:
        assert field in problem["errors"], problem
    after = Agreement.objects.get(slug="france-japan-raa")
    assert (after.summary, after.updated_at, after.participations.count()) == (before.summary, before.updated_at, 2)


def test_agreement_created_with_parties_through_the_api(official_jp: object) -> None:
    client = session_client(official_jp)
    body = {
        "title": "Germany–Japan RAA",
        "slug": "germany-japan-raa",
        "type": "raa",
        "participations": [{"state": "DEU"}, {"state": "JPN", "approval_body": "Diet"}],
    }
    response = send_json(client, "POST", "/api/v1/agreements/", body)
    assert response.status_code == 201, response.content
    assert response.json()["status"] is None
    assert sorted(p["state"] for p in response.json()["participations"]) == ["DEU", "JPN"]
    assert_problem(send_json(client, "POST", "/api/v1/agreements/", body), 400, "slug")
    # Dropping Japan from its own agreement would take it out of the official's hands.
    patch = {"participations": [{"state": "DEU"}, {"state": "FRA"}]}
    assert_problem(send_json(client, "PATCH", "/api/v1/agreements/germany-japan-raa/", patch), 403)
    assert Agreement.objects.get(slug="germany-japan-raa").participations.count() == 2


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"agreement": "france-japan-raa", "number": 2**40, "starts_on": "2024-06-01"}, "number"),
        ({"agreement": "france-japan-raa", "number": 1, "starts_on": "2024-06-02", "ends_on": "2024-06-01"}, "ends_on"),
        ({"agreement": "france-japan-raa", "number": -1, "starts_on": "2024-06-01"}, "number"),
        ({"agreement": "nope", "number": 1, "starts_on": "2024-06-01"}, "agreement"),
        ({"agreement": "france-japan-raa", "number": 1, "starts_on": "2024-06-01", "host": "ZZZ"}, "host"),
        ({"agreement": "japan-uk-raa", "number": 1, "starts_on": "2024-06-01"}, None),
    ],
)
def test_bad_round_is_refused(administrator: object, body: dict, field: str | None) -> None:
    response = send_json(session_client(administrator), "POST", "/api/v1/rounds/", body)
    problem = assert_problem(response, 400)
    if field:
        assert field in problem["errors"], problem


def test_deleting_a_cited_source_is_a_conflict(administrator: object) -> None:
    source = Source.objects.get(url__endswith="/2024/09/18/japan/politics/france-ambassador-japan-interview/")
    response = send_json(session_client(administrator), "DELETE", f"/api/v1/sources/{source.pk}/")
    assert "Aim to conclude" in assert_problem(response, 409)["detail"]
    assert Source.objects.filter(pk=source.pk).exists()


def test_csv_export_streams_the_filtered_list(client: Client) -> None:
    response = client.get("/api/v1/agreements/?party=JPN&type=RAA&format=csv")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    assert response.streaming
    lines = b"".join(response.streaming_content).decode().splitlines()
    assert lines[0].startswith("url,slug,title,type")
    assert len(lines) == 7  # the header and Japan's six RAAs
    assert any("japan-uk-raa" in line and "in_force" in line and "JPN; GBR" in line for line in lines)
    assert "?format=csv" not in "".join(lines)


def test_as_of_a_date_the_list_shows_the_statuses_then_and_leaves_out_what_did_not_exist(client: Client) -> None:
    rows = client.get("/api/v1/agreements/?as_of=2023-01-01&type=RAA").json()["results"]
    statuses = {row["slug"]: (row["status"], row["status_since"]) for row in rows}
    assert statuses["japan-uk-raa"] == ("agreed_in_principle", "2022-05-05")
    assert statuses["japan-australia-raa"] == ("signed", "2022-01-06")
    assert "france-japan-raa" not in statuses

    signed_then = client.get("/api/v1/agreements/?as_of=2023-01-01&status=signed").json()["results"]
    # Japan–Australia (in force since August 2023) was signed then; Japan–UK (signed 11 January 2023) was not yet.
    assert [row["slug"] for row in signed_then] == [
        "japan-australia-acsa-2017",
        "japan-australia-dea",
        "japan-australia-raa",
        "japan-canada-acsa",
        "japan-germany-dea",
        "japan-germany-isa",
        "japan-india-acsa",
        "japan-india-dea",
        "japan-indonesia-dea",
        "japan-italy-dea",
        "japan-malaysia-dea",
        "japan-philippines-dea",
        "japan-thailand-dea",
        "japan-uk-acsa",
        "japan-uk-dea",
        "japan-us-acsa-2016",
        "japan-vietnam-dea",
    ]
    response = client.get("/api/v1/agreements/?as_of=2023-01-01&type=RAA&format=csv")
    csv = b"".join(response.streaming_content).decode()
    assert "agreed_in_principle" in csv and "france-japan-raa" not in csv


@pytest.mark.parametrize(("value", "message"), [("2023-02-30", "valid date"), ("2999-01-01", "no later than today")])
def test_a_bad_as_of_date_is_a_400_naming_the_field(client: Client, value: str, message: str) -> None:
    body = assert_problem(client.get(f"/api/v1/agreements/?as_of={value}"), 400, "as_of")
    assert message in " ".join(body["errors"]["as_of"])
