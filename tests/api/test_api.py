"""What external tools see: the seeded record, filters, transitions, ETags, problem documents, CSV, tokens."""

import datetime
import json

import pytest
from django.test import Client
from django.utils import timezone

from accounts.models import TokenScope
from negotiations.models import Agreement, Source, StatusEvent
from tests.conftest import database_text

from .conftest import assert_problem, session_client, token_client

pytestmark = pytest.mark.django_db


def _json(client: Client, method: str, url: str, body: object = None, **headers: str) -> object:
    return client.generic(
        method, url, data=json.dumps(body) if body is not None else "", content_type="application/json", headers=headers
    )


def test_japans_four_raas_with_statuses_and_dates(client: Client) -> None:
    response = client.get("/api/v1/agreements/?party=JPN&type=RAA")
    assert response.status_code == 200
    rows = {row["slug"]: row for row in response.json()["results"]}
    assert response.json()["count"] == 4
    assert {slug: (row["status"], row["status_since"]) for slug, row in rows.items()} == {
        "japan-australia-raa": ("in_force", "2023-08-13"),
        "japan-uk-raa": ("in_force", "2023-10-15"),
        "japan-philippines-raa": ("in_force", "2025-09-11"),
        "france-japan-raa": ("talks_agreed", "2024-05-02"),
    }
    philippines = {p["state"]: p for p in rows["japan-philippines-raa"]["participations"]}
    assert philippines["PHL"]["approval_body"] == "Senate" and philippines["JPN"]["signed_on"] == "2024-07-08"
    assert rows["japan-australia-raa"]["url"].endswith("/api/v1/agreements/japan-australia-raa/")
    assert {"created_at", "updated_at", "links"} <= rows["france-japan-raa"].keys()


@pytest.mark.parametrize(
    ("query", "slugs"),
    [
        ("party=JPN&party=FRA", {"france-japan-raa"}),
        ("party=jpn&party=gbr", {"japan-uk-raa"}),
        ("status=in_force&status=signed&type=SOFA", {"japan-us-sofa"}),
        ("grouping=quad&type=RAA&status=in_force", {"japan-australia-raa", "japan-uk-raa", "japan-philippines-raa"}),
        ("grouping=EU", {"france-japan-raa", "japan-italy-acsa"}),
        ("signed_after=2023-01-01&signed_before=2024-12-31", {"japan-uk-raa", "japan-philippines-raa"}),
        ("in_force_before=2000-01-01", {"japan-us-sofa"}),
        ("q=Kishida%E2%80%93Macron", {"france-japan-raa"}),
        ("q=philippines", {"japan-philippines-raa"}),
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
    assert _json(fr, "PATCH", "/api/v1/agreements/france-japan-raa/", {"summary": "New."}).status_code == 200
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
    agreement = Agreement.objects.get(slug="france-japan-raa")
    today = timezone.localdate()
    for title, due, status in [
        ("past, planned", today - datetime.timedelta(days=3), "planned"),
        ("today, planned", today, "planned"),
        ("future, planned", today + datetime.timedelta(days=3), "planned"),
        ("past, cancelled", today - datetime.timedelta(days=3), "cancelled"),
    ]:
        agreement.milestones.create(title=title, due_on=due, status=status)

    def titles(query: str) -> set[str]:
        rows = client.get(f"/api/v1/milestones/?agreement=france-japan-raa&page_size=200&{query}").json()["results"]
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
    assert [e["status"] for e in history] == ["in_force", "signed"]
    assert_problem(client.get("/api/v1/events/?agreement=no-such-agreement"), 400, "agreement")


def test_event_history_uses_cursor_pagination(client: Client) -> None:
    first = client.get("/api/v1/events/?page_size=5").json()
    assert len(first["results"]) == 5 and first["next"] and "cursor=" in first["next"]
    second = client.get(first["next"]).json()
    ids = [e["id"] for e in first["results"] + second["results"]]
    assert len(ids) == len(set(ids)) == 10
    assert client.get("/api/v1/events/?cursor=garbage").status_code == 404


def test_page_size_is_capped_at_200(client: Client) -> None:
    response = client.get("/api/v1/states/?page_size=1000")
    assert response.status_code == 200 and len(response.json()["results"]) == 200


def test_states_are_looked_up_by_alpha3_in_any_case(client: Client) -> None:
    assert client.get("/api/v1/states/jPn/").json()["short_name"] == "Japan"
    assert_problem(client.get("/api/v1/states/XXX/"), 404)
    assert_problem(client.get("/api/v1/states/JAPAN/"), 404)


def test_transition_records_the_event_with_a_new_source(official_jp: object) -> None:
    client = session_client(official_jp)
    body = {
        "status": "negotiating",
        "effective_on": "2024-06-01",
        "note": "First round.",
        "source": {"title": "Report", "publisher": "Agency", "url": "https://example.org/r1", "language": "en"},
    }
    response = _json(client, "POST", "/api/v1/agreements/france-japan-raa/transition/", body)
    assert response.status_code == 201, response.content
    event = response.json()
    assert (event["status"], event["effective_on"], event["recorded_by"]) == (
        "negotiating",
        "2024-06-01",
        "official-jp",
    )
    assert event["source"]["url"] == "https://example.org/r1"
    # The same publication cited again is reused, not duplicated.
    body |= {"status": "agreed_in_principle", "effective_on": "2024-07-01"}
    assert _json(client, "POST", "/api/v1/agreements/france-japan-raa/transition/", body).status_code == 201
    assert Source.objects.filter(url="https://example.org/r1").count() == 1
    assert Agreement.objects.get(slug="france-japan-raa").status == "agreed_in_principle"


def test_refused_transition_is_409_naming_current_and_allowed(official_jp: object) -> None:
    client = session_client(official_jp)
    count = StatusEvent.objects.count()
    response = _json(
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
    source = Source.objects.get(publisher="The Japan Times")
    url = "/api/v1/agreements/france-japan-raa/transition/"
    ok = _json(client, "POST", url, {"status": "negotiating", "effective_on": "2024-09-18", "source": source.pk})
    assert ok.status_code == 201 and ok.json()["source"]["id"] == source.pk
    assert_problem(
        _json(client, "POST", url, {"status": "signed", "effective_on": "2025-01-01", "source": 999999}), 400, "source"
    )
    assert_problem(
        _json(client, "POST", url, {"status": "signed", "effective_on": "2025-01-01", "source": "x"}), 400, "source"
    )


def test_etag_and_if_match(official_jp: object) -> None:
    client = session_client(official_jp)
    url = "/api/v1/agreements/france-japan-raa/"
    etag = client.get(url)["ETag"]
    assert etag and client.get(url)["ETag"] == etag
    changed = _json(client, "PATCH", url, {"summary": "First."}, **{"If-Match": etag})
    assert changed.status_code == 200 and changed["ETag"] != etag
    stale = _json(client, "PATCH", url, {"summary": "Second."}, **{"If-Match": etag})
    assert_problem(stale, 412)
    assert Agreement.objects.get(slug="france-japan-raa").summary == "First."
    stale_transition = _json(
        client,
        "POST",
        url + "transition/",
        {"status": "negotiating", "effective_on": "2024-06-01"},
        **{"If-Match": etag},
    )
    assert_problem(stale_transition, 412)
    fresh = _json(
        client,
        "POST",
        url + "transition/",
        {"status": "negotiating", "effective_on": "2024-06-01"},
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
    response = _json(session_client(administrator), "POST", "/api/v1/rounds/", body)
    problem = assert_problem(response, 400)
    if field:
        assert field in problem["errors"], problem


def test_wrong_content_type_and_method(official_jp: object) -> None:
    client = session_client(official_jp)
    response = client.generic(
        "PATCH",
        "/api/v1/agreements/france-japan-raa/",
        data="summary=x",
        content_type="application/x-www-form-urlencoded",
    )
    assert_problem(response, 415)
    assert_problem(client.delete("/api/v1/events/1/"), 405)
    assert_problem(client.get("/api/v1/agreements/", headers={"accept": "application/xml"}), 406)


def test_unknown_api_path_is_a_problem_document(client: Client) -> None:
    assert_problem(client.get("/api/v1/no-such-thing/"), 404)


def test_csv_export_streams_the_filtered_list(client: Client) -> None:
    response = client.get("/api/v1/agreements/?party=JPN&type=RAA&format=csv")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    assert response.streaming
    lines = b"".join(response.streaming_content).decode().splitlines()
    assert lines[0].startswith("url,slug,title,type")
    assert len(lines) == 5
    assert any("japan-uk-raa" in line and "in_force" in line and "JPN; GBR" in line for line in lines)
    assert "?format=csv" not in "".join(lines)


def test_tokens_self_service(analyst: object) -> None:
    client = session_client(analyst)
    created = _json(client, "POST", "/api/v1/tokens/", {"name": "pipeline", "scope": "read", "expires_in_days": 30})
    assert created.status_code == 201
    key = created.json()["key"]
    assert key not in database_text(), "the key is stored only as a digest"
    listed = client.get("/api/v1/tokens/").json()["results"]
    assert [t["name"] for t in listed] == ["pipeline"] and "key" not in listed[0]
    token_user = Client(headers={"Authorization": f"Token {key}"})
    assert token_user.get("/api/v1/agreements/").status_code == 200
    assert _json(client, "DELETE", f"/api/v1/tokens/{created.json()['id']}/").status_code == 204
    revoked = token_user.get("/api/v1/agreements/")
    assert_problem(revoked, 401)
    assert "revoked" in revoked.json()["detail"]


def test_read_only_token_cannot_write_even_for_an_administrator(administrator: object) -> None:
    client = token_client(administrator, TokenScope.READ)
    response = _json(client, "PATCH", "/api/v1/agreements/france-japan-raa/", {"summary": "x"})
    assert "read-only" in assert_problem(response, 403)["detail"]


def test_expired_token_says_so(administrator: object) -> None:
    client = token_client(administrator, TokenScope.WRITE, expired=True)
    assert "expired" in assert_problem(client.get("/api/v1/agreements/"), 401)["detail"]


def test_malformed_authorization_header(client: Client) -> None:
    assert_problem(client.get("/api/v1/agreements/", headers={"authorization": "Token a b"}), 401)
    assert_problem(client.get("/api/v1/agreements/", headers={"authorization": "Token raa_nope"}), 401)


def test_private_deployment_needs_a_login(client: Client, settings: object, analyst: object) -> None:
    settings.PUBLIC_READ = False
    assert_problem(client.get("/api/v1/agreements/"), 401)
    assert session_client(analyst).get("/api/v1/agreements/").status_code == 200


def test_throttling_answers_429_with_retry_after(client: Client, settings: object) -> None:
    from django.core.cache import cache

    cache.clear()
    settings.API_THROTTLE_RATES = {"anonymous": "3/minute", "user": "1000/minute"}
    statuses = [client.get("/api/v1/agreement-types/").status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    limited = client.get("/api/v1/agreement-types/")
    assert_problem(limited, 429)
    assert int(limited["Retry-After"]) > 0
    cache.clear()


def test_agreement_created_with_parties_through_the_api(official_jp: object) -> None:
    client = session_client(official_jp)
    body = {
        "title": "Germany–Japan RAA",
        "slug": "germany-japan-raa",
        "type": "raa",
        "participations": [{"state": "DEU"}, {"state": "JPN", "approval_body": "Diet"}],
    }
    response = _json(client, "POST", "/api/v1/agreements/", body)
    assert response.status_code == 201, response.content
    assert response.json()["status"] is None
    assert sorted(p["state"] for p in response.json()["participations"]) == ["DEU", "JPN"]
    assert_problem(_json(client, "POST", "/api/v1/agreements/", body), 400, "slug")
    # Dropping Japan from its own agreement would take it out of the official's hands.
    patch = {"participations": [{"state": "DEU"}, {"state": "FRA"}]}
    assert_problem(_json(client, "PATCH", "/api/v1/agreements/germany-japan-raa/", patch), 403)
    assert Agreement.objects.get(slug="germany-japan-raa").participations.count() == 2


def test_deleting_a_cited_source_is_a_conflict(administrator: object) -> None:
    source = Source.objects.get(publisher="The Japan Times")
    response = _json(session_client(administrator), "DELETE", f"/api/v1/sources/{source.pk}/")
    assert "Aim to conclude" in assert_problem(response, 409)["detail"]
    assert Source.objects.filter(pk=source.pk).exists()


def test_schema_and_documentation_are_served_locally(client: Client) -> None:
    schema = client.get("/api/v1/schema/?format=json")
    assert schema.status_code == 200
    document = schema.json()
    assert document["openapi"].startswith("3.")
    assert "/api/v1/agreements/{slug}/transition/" in document["paths"]
    yaml = client.get("/api/v1/schema/")
    assert yaml.status_code == 200 and b"openapi:" in yaml.content
    for page in ("/api/v1/docs/", "/api/v1/redoc/"):
        html = client.get(page).content.decode()
        assert "cdn" not in html.lower() and "/static/drf_spectacular_sidecar/" in html
    operations = [op for path in document["paths"].values() for op in path.values() if isinstance(op, dict)]
    assert all("400" in op["responses"] and "401" in op["responses"] for op in operations)
    assert all(op.get("summary") or op.get("description") for op in operations)


def test_old_transition_date_in_the_future_is_refused(official_jp: object) -> None:
    future = (datetime.date.today() + datetime.timedelta(days=30)).isoformat()
    response = _json(
        session_client(official_jp),
        "POST",
        "/api/v1/agreements/france-japan-raa/transition/",
        {"status": "negotiating", "effective_on": future},
    )
    assert_problem(response, 400, "effective_on")
