"""Officials record progress through the dashboard's forms; the policy and the lifecycle hold there too."""

import datetime
import re

import pytest
from django.test import Client

from negotiations.models import Agreement, Milestone, NegotiationRound, Source, StatusEvent
from raa_tracker.versions import version_of

pytestmark = pytest.mark.django_db


def _version(client: Client, url: str) -> str:
    page = client.get(url).content.decode()
    return re.search(r'name="version" value="([^"]*)"', page).group(1)


def _signed_in(client: Client, user: object) -> Client:
    client.force_login(user)
    return client


def test_official_records_a_status_change_with_a_new_source(client: Client, official_jp: object) -> None:
    _signed_in(client, official_jp)
    url = "/agreements/france-japan-raa/status/"  # negotiating since September 2024
    response = client.post(
        url,
        {
            "version": _version(client, url),
            "status": "agreed_in_principle",
            "effective_on": "2025-01-15",
            "date_precision": "day",
            "place": "Tokyo",
            "note": "Agreement in principle reached.",
            "new_source_title": "Report on the agreement in principle",
            "new_source_publisher": "Kyodo",
            "new_source_url": "https://example.org/agreed-in-principle",
            "new_source_language": "en",
        },
    )
    assert response.status_code == 302 and response.url == "/agreements/france-japan-raa/#history"
    event = StatusEvent.objects.filter(agreement__slug="france-japan-raa").latest("id")
    assert (event.status, event.recorded_by, event.source.publisher) == ("agreed_in_principle", official_jp, "Kyodo")
    page = client.get("/agreements/france-japan-raa/").content.decode()
    assert "The status change was recorded." in page and "Report on the agreement in principle" in page
    assert "official-jp" in page


def test_refused_move_is_shown_beside_the_status_field(client: Client, official_jp: object) -> None:
    _signed_in(client, official_jp)
    url = "/agreements/japan-australia-raa/status/"
    count = StatusEvent.objects.count()
    response = client.post(
        url,
        {
            "version": _version(client, url),
            "status": "negotiating",
            "effective_on": "2025-01-01",
            "date_precision": "day",
        },
    )
    assert response.status_code == 200
    page = response.content.decode()
    error = re.search(r'id="id_status_error">(.*?)</ul>', page, re.S).group(1)
    assert "Cannot move from in_force to negotiating. Allowed next: suspended, terminated." in error
    assert "Nothing was saved" in page
    assert StatusEvent.objects.count() == count


def test_bad_date_and_missing_publisher_are_shown_beside_their_fields(client: Client, official_fr: object) -> None:
    _signed_in(client, official_fr)
    url = "/agreements/france-japan-raa/status/"
    response = client.post(
        url,
        {
            "version": _version(client, url),
            "status": "negotiating",
            "effective_on": "2024-02-30",
            "new_source_title": "x",
        },
    )
    page = response.content.decode()
    assert 'id="id_effective_on_error"' in page and 'id="id_new_source_publisher_error"' in page
    assert not Source.objects.filter(title="x").exists()


def test_stale_form_is_refused_with_a_message(client: Client, official_jp: object, official_fr: object) -> None:
    url = "/agreements/france-japan-raa/status/"
    other = Client()
    _signed_in(other, official_fr)
    _signed_in(client, official_jp)
    stale = _version(client, url)
    fresh = _version(other, url)
    assert (
        other.post(
            url,
            {
                "version": fresh,
                "status": "agreed_in_principle",  # France–Japan is negotiating since September 2024
                "effective_on": "2025-01-15",
                "date_precision": "day",
                "no_public_source": "on",
                "no_source_reason": "Told at a briefing (test).",
            },
        ).status_code
        == 302
    )
    response = client.post(
        url, {"version": stale, "status": "abandoned", "effective_on": "2025-01-16", "date_precision": "day"}
    )
    assert response.status_code == 200
    assert "Someone else changed this record after you opened the form" in response.content.decode()
    assert Agreement.objects.get(slug="france-japan-raa").status == "agreed_in_principle"


def test_official_of_france_sees_no_edit_action_on_japan_australia(client: Client, official_fr: object) -> None:
    _signed_in(client, official_fr)
    page = client.get("/agreements/japan-australia-raa/").content.decode()
    assert "Record a status change" not in page and "Add a round" not in page and "Mark done" not in page
    own = client.get("/agreements/france-japan-raa/").content.decode()
    assert "Record a status change" in own and "Add a round" in own


@pytest.mark.parametrize(
    "url",
    [
        "/agreements/japan-australia-raa/status/",
        "/agreements/japan-australia-raa/rounds/new/",
        "/agreements/japan-australia-raa/milestones/new/",
    ],
)
def test_official_of_france_is_refused_if_it_posts_anyway(client: Client, official_fr: object, url: str) -> None:
    _signed_in(client, official_fr)
    assert client.get(url).status_code == 403
    counts = (StatusEvent.objects.count(), NegotiationRound.objects.count(), Milestone.objects.count())
    response = client.post(
        url,
        {
            "status": "terminated",
            "effective_on": "2025-01-01",
            "date_precision": "day",
            "number": "7",
            "starts_on": "2025-01-01",
            "title": "x",
            "due_on": "2025-01-01",
            "kind": "other",
        },
    )
    assert response.status_code == 403
    assert "FRA" in response.content.decode()
    assert (StatusEvent.objects.count(), NegotiationRound.objects.count(), Milestone.objects.count()) == counts


def test_analyst_and_anonymous_cannot_open_forms(client: Client, analyst: object) -> None:
    url = "/agreements/france-japan-raa/status/"
    assert client.get(url).status_code == 302  # to sign in
    _signed_in(client, analyst)
    assert client.get(url).status_code == 403
    assert "Record a status change" not in client.get("/agreements/france-japan-raa/").content.decode()


def test_official_adds_and_edits_a_round(client: Client, official_jp: object) -> None:
    _signed_in(client, official_jp)
    new = "/agreements/france-japan-raa/rounds/new/"
    bad = client.post(new, {"number": "1", "starts_on": "2024-07-02", "ends_on": "2024-07-01"})
    assert 'id="id_ends_on_error"' in bad.content.decode()
    assert not NegotiationRound.objects.filter(agreement__slug="france-japan-raa").exists()
    ok = client.post(
        new,
        {
            "number": "1",
            "starts_on": "2024-07-01",
            "ends_on": "2024-07-02",
            "place": "Paris",
            "host": "",
            "no_public_source": "on",
            "no_source_reason": "Told at a briefing (test).",
        },
    )
    assert ok.status_code == 302, ok.content.decode()[:2000]
    negotiation_round = NegotiationRound.objects.get(agreement__slug="france-japan-raa", number=1)
    edit = f"/agreements/france-japan-raa/rounds/{negotiation_round.pk}/"
    version = _version(client, edit)
    assert (
        client.post(
            edit,
            {
                "version": version,
                "number": "1",
                "starts_on": "2024-07-01",
                "place": "Tokyo",
                "no_public_source": "on",
                "no_source_reason": "Told at a briefing (test).",
            },
        ).status_code
        == 302
    )
    assert NegotiationRound.objects.get(pk=negotiation_round.pk).place == "Tokyo"
    stale = client.post(edit, {"version": version, "number": "1", "starts_on": "2024-07-01", "place": "Nice"})
    assert "Someone else changed this record" in stale.content.decode()
    assert NegotiationRound.objects.get(pk=negotiation_round.pk).place == "Tokyo"


def test_official_marks_a_milestone_done(client: Client, official_fr: object) -> None:
    _signed_in(client, official_fr)
    milestone = Milestone.objects.get(agreement__slug="france-japan-raa", status="planned")  # the year-end target
    url = f"/agreements/france-japan-raa/milestones/{milestone.pk}/done/"
    assert client.post(url, {"version": "stale"}).status_code == 302
    assert Milestone.objects.get(pk=milestone.pk).status == "planned"
    assert client.post(url, {"version": version_of(milestone)}).status_code == 302
    done = Milestone.objects.get(pk=milestone.pk)
    assert done.status == "done" and done.completed_on == datetime.date.today()


def test_official_adds_a_milestone_and_a_source(client: Client, official_jp: object) -> None:
    _signed_in(client, official_jp)
    response = client.post(
        "/agreements/france-japan-raa/milestones/new/",
        {
            "kind": "signature",
            "title": "Signature",
            "due_on": "2027-03-01",
            "status": "planned",
            "no_public_source": "on",
            "no_source_reason": "Told at a briefing (test).",
        },
    )
    assert response.status_code == 302
    assert Milestone.objects.filter(agreement__slug="france-japan-raa", title="Signature").exists()
    response = client.post(
        "/sources/new/?next=/agreements/france-japan-raa/",
        {"title": "Statement", "publisher": "MOFA", "language": "en", "next": "https://evil.example.org/"},
    )
    assert response.status_code == 302 and response.url == "/"
    assert Source.objects.filter(title="Statement", created_by=official_jp).exists()
