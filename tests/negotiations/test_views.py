"""The dashboard pages as a browser sees them (Django's test client); the real-browser tests are in tests/browser."""

import datetime
import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from negotiations.choices import Status
from negotiations.models import Agreement, StatusEvent
from parties.models import State
from tests.factories import AgreementFactory, MilestoneFactory, NegotiationRoundFactory, StateFactory, transition

pytestmark = pytest.mark.django_db


def _page(client: Client, url: str, **headers: str) -> str:
    response = client.get(url, headers=headers)
    assert response.status_code == 200, (url, response.status_code)
    return response.content.decode()


def _more_rows(n: int = 15) -> None:
    """More RAAs of Japan with new partners, each with an event, a round and milestones (one overdue, one due soon)."""
    japan = State.objects.get(alpha3="JPN")
    today = datetime.date.today()
    start = Agreement.objects.filter(slug__startswith="extra-").count()
    for i in range(start, start + n):
        agreement = AgreementFactory(
            title=f"Extra {i}", slug=f"extra-{i}", type__code="RAA", parties=[japan, StateFactory()]
        )
        transition(agreement, Status.NEGOTIATING, on=today)
        NegotiationRoundFactory(agreement=agreement, number=1, starts_on=today + datetime.timedelta(days=20))
        MilestoneFactory(agreement=agreement, title=f"Due {i}", due_on=today + datetime.timedelta(days=5))
        MilestoneFactory(agreement=agreement, title=f"Late {i}", due_on=today - datetime.timedelta(days=5))


PAGES = [
    "/",
    "/agreements/",
    "/agreements/?party=JPN&status=negotiating&ordering=-status_since",
    "/agreements/france-japan-raa/",
    "/states/JPN/",
    "/upcoming/",
    "/search/?q=Manila",
    "/trends/",
]


@pytest.mark.parametrize("url", PAGES)
def test_page_query_count_does_not_grow_with_rows(client: Client, url: str) -> None:
    _more_rows(1)
    client.get(url)
    with CaptureQueriesContext(connection) as before:
        _page(client, url)
    _more_rows()
    with CaptureQueriesContext(connection) as after:
        _page(client, url)
    assert len(after) == len(before), f"{url}: {len(before)} queries, then {len(after)} with more rows"
    assert len(before) <= 14, f"{url}: {len(before)} queries"  # the agreement page: its change log adds two or three
    print(f"{url}: {len(before)} queries")


@pytest.mark.parametrize("url", PAGES)
def test_page_query_count_as_an_official(client: Client, official_jp: object, url: str) -> None:
    client.force_login(official_jp)
    _more_rows(1)
    client.get(url)
    with CaptureQueriesContext(connection) as before:
        _page(client, url)
    _more_rows()
    with CaptureQueriesContext(connection) as after:
        _page(client, url)
    assert len(after) == len(before), f"{url}: {len(before)} queries, then {len(after)} with more rows"


def test_overview_shows_status_counts_overdue_and_recent_changes(client: Client) -> None:
    page = _page(client, "/")
    assert '<html lang="en">' in page
    assert re.search(r'<span class="count">20</span> <span class="status status-in_force">in force</span>', page)
    assert re.search(r'<span class="count">24</span> <span class="status status-signed">signed</span>', page)
    assert "Aim to conclude by end of 2024" in page and "badge-overdue" in page
    assert "France–Japan Reciprocal Access Agreement" in page
    running = (datetime.date.today() - datetime.date(2024, 5, 2)).days
    assert f"{running} days" in page
    # The latest recorded status change is listed first among the recent ones, with its source.
    recent = page[page.index('id="recent"') :].split("</section>")[0]
    newest = StatusEvent.objects.select_related("agreement", "source").order_by("-recorded_at", "-id").first()
    first_row = recent.split("<tbody>")[1].split("</tr>")[0]
    assert newest.agreement.title in first_row and newest.source.publisher in first_row


def test_agreement_list_filters_by_party_and_links_the_same_csv(client: Client) -> None:
    page = _page(client, "/agreements/?party=JPN&type=RAA")
    assert "6 agreements" in page
    assert "Japan–United States Status of Forces Agreement" not in page
    csv_link = re.search(r'href="([^"]*format=csv[^"]*)"', page).group(1).replace("&amp;", "&")
    assert csv_link.startswith("/api/v1/agreements/?") and "party=JPN" in csv_link and "type=RAA" in csv_link
    response = client.get(csv_link)
    assert len(b"".join(response.streaming_content).decode().strip().splitlines()) == 7  # a header and six RAAs


def test_agreement_list_shows_a_bad_filter_beside_its_field(client: Client) -> None:
    page = _page(client, "/agreements/?signed_after=2024-02-30&party=XYZ")
    assert "error-summary" in page
    assert re.search(r'id="id_signed_after_error"', page) and re.search(r'id="id_party_error"', page)
    assert "No agreement matches" in page


def test_agreement_list_sorts_and_paginates(client: Client) -> None:
    _more_rows(30)
    total = Agreement.objects.count()  # the seed's 51 and the 30 more
    pages, rest = divmod(total, 25)
    page = _page(client, "/agreements/?ordering=-title")
    titles = re.findall(r'<td><a href="/agreements/[^"]+/">([^<]+)</a></td>', page)
    assert titles == sorted(titles, reverse=True) and len(titles) == 25
    assert 'aria-sort="descending"' in page and f"Page 1 of {pages + 1}" in page
    last = _page(client, f"/agreements/?ordering=-title&page={pages + 1}")
    assert len(re.findall(r'<td><a href="/agreements/[^"]+/">', last)) == rest > 0


def test_agreement_page_has_timeline_history_and_sources(client: Client) -> None:
    page = _page(client, "/agreements/japan-philippines-raa/")
    svg = re.search(r"<svg.*?</svg>", page, re.S).group(0)
    assert svg.count('class="mark event') == 5 and svg.count('class="mark round"') == 1
    assert svg.count('class="mark milestone done"') == 4
    assert 'role="img"' in svg and "<title" in svg
    assert "Malacañang, Manila" in page and "Ministry of Foreign Affairs of Japan" in page
    assert "seed data" in page  # who recorded it
    assert "Senate" in page and "Diet" in page
    assert '<time datetime="2022-04">April 2022</time>' in page  # a month-precision date shown as a month
    overdue = _page(client, "/agreements/france-japan-raa/")
    assert 'class="mark milestone overdue"' in overdue


def test_agreement_page_numbers_in_svg_are_not_localised(client: Client) -> None:
    page = _page(client, "/agreements/japan-uk-raa/", **{"accept-language": "de"})
    svg = re.search(r"<svg.*?</svg>", page, re.S).group(0)
    assert not re.search(r'(x|y|cx|cy|width)="\d+,\d', svg)


def test_unknown_agreement_is_404(client: Client) -> None:
    assert client.get("/agreements/no-such-agreement/").status_code == 404


def test_state_page_lists_agreements_by_status_and_partners(client: Client) -> None:
    page = _page(client, "/states/jpn/")
    partners = re.findall(r'<th scope="row"><a href="/states/([A-Z]{3})/">', page)
    assert partners == [  # by name: Australia, Canada, France, Germany, …, United States, Vietnam
        "AUS", "CAN", "FRA", "DEU", "IND", "IDN", "ITA", "MYS", "NZL",
        "PHL", "SGP", "KOR", "THA", "ARE", "GBR", "USA", "VNM",
    ]  # fmt: skip
    assert page.count('class="node"') == 17
    assert client.get("/states/XXX/").status_code == 404


def test_upcoming_lists_milestones_and_rounds_by_month(client: Client) -> None:
    _more_rows(1)
    page = _page(client, "/upcoming/")
    assert "Due 0" in page and "round 1" in page
    assert "Aim to conclude by end of 2024" in page  # overdue, shown apart


def test_search_across_the_record(client: Client) -> None:
    page = _page(client, "/search/?q=Manila")
    assert "Japan–Philippines Reciprocal Access Agreement" in page
    assert re.search(r"\d+ results? for", page)
    assert "Kishida–Marcos" in page
    empty = _page(client, "/search/?q=%00")
    assert "results for" not in empty


def test_private_deployment_sends_anonymous_visitors_to_sign_in(client: Client, settings: object) -> None:
    settings.PUBLIC_READ = False
    for url in PAGES:
        response = client.get(url)
        assert response.status_code == 302 and response.url.startswith("/accounts/login/"), url


def test_german_browser_gets_german_pages(client: Client) -> None:
    page = _page(client, "/agreements/france-japan-raa/", **{"accept-language": "de-DE,de;q=0.9"})
    assert '<html lang="de">' in page
    assert "Verhandlungen vereinbart" in page or "Verhandlungen" in page
    assert "2. Mai 2024" in page


def test_language_switcher_sets_the_language(client: Client) -> None:
    response = client.post("/i18n/setlang/", {"language": "de", "next": "/upcoming/"})
    assert response.status_code == 302 and response.url == "/upcoming/"
    assert '<html lang="de">' in _page(client, "/upcoming/")


def test_events_are_unchanged_by_reading(client: Client) -> None:
    count = StatusEvent.objects.count()
    for url in PAGES:
        client.get(url)
    assert StatusEvent.objects.count() == count


def test_overview_lists_are_capped_with_a_link_to_the_rest(client: Client) -> None:
    _more_rows(20)
    page = _page(client, "/")
    section = re.search(r'id="in-progress".*?</table>', page, re.S).group(0)
    assert section.count("<tr>") == 1 + 15  # header and the first fifteen
    assert "All 27 negotiations in progress" in page  # the seed's 7 and the 20 more
    assert "See every overdue milestone" in page and "See everything that is planned" in page


def test_the_dashboard_list_shows_the_record_as_of_a_date(client: Client) -> None:
    page = client.get("/agreements/?as_of=2023-01-01").content.decode()
    assert 'id="as-of"' in page and "France–Japan" not in page and "agreed in principle" in page
    german = client.get("/agreements/?as_of=2023-01-01", HTTP_ACCEPT_LANGUAGE="de").content.decode()
    assert 'id="as-of"' in german
    refused = client.get("/agreements/?as_of=2999-01-01").content.decode()
    assert "no later than today" in refused
