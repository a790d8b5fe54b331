"""The dashboard in a real browser: analysts browse, officials record, the policy holds, German works."""

import re

import pytest

from negotiations.models import Agreement, NegotiationRound, StatusEvent

from .conftest import assert_accessible, make_user, sign_in

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_analyst_goes_from_overview_to_france_japan(new_page: object, axe_source: str) -> None:
    make_user("analyst")
    page = new_page()
    sign_in(page, "analyst")
    page.goto("/")
    assert page.get_by_role("heading", name="Where the negotiations stand").is_visible()
    assert_accessible(page, axe_source)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Agreements").click()
    page.get_by_label("Parties (all of them)").select_option("JPN")
    page.get_by_role("button", name="Apply filters").click()
    assert "party=JPN" in page.url
    results = page.get_by_role("region", name=re.compile(r"\d+ agreements"))
    # The filter keeps Japan's agreements and leaves the others out (the seeded record has both kinds).
    japanese = Agreement.objects.filter(parties__alpha3="JPN").distinct()
    assert 0 < japanese.count() < Agreement.objects.count()
    assert results.get_by_role("heading").inner_text() == f"{japanese.count()} agreements"
    without_japan = Agreement.objects.exclude(parties__alpha3="JPN").order_by("slug").first()
    assert results.get_by_role("link", name=without_japan.title, exact=True).count() == 0
    assert_accessible(page, axe_source)
    page.get_by_role("link", name="France–Japan Reciprocal Access Agreement").click()
    assert page.get_by_role("heading", level=1).inner_text() == "France–Japan Reciprocal Access Agreement"
    timeline = page.get_by_role("img", name="Timeline of the France–Japan Reciprocal Access Agreement")
    assert timeline.is_visible()
    assert page.locator("svg .mark.milestone.overdue").count() == 1
    sources = page.get_by_role("region", name="Sources")
    assert "Prime Minister's Office of Japan" in sources.inner_text()
    assert "The Japan Times" in sources.inner_text()
    assert page.get_by_role("link", name="Record a status change").count() == 0
    assert_accessible(page, axe_source)


def test_official_of_japan_records_a_round_and_a_status_change(new_page: object, axe_source: str) -> None:
    make_user("official-jp", ["JPN"])
    page = new_page()
    sign_in(page, "official-jp")
    page.goto("/agreements/france-japan-raa/")
    page.get_by_role("link", name="Add a round").click()
    assert_accessible(page, axe_source)
    page.get_by_label("Number").fill("1")
    page.get_by_label("Starts on").fill("2024-07-01")
    page.get_by_label("Ends on").fill("2024-07-02")
    page.get_by_label("Place").fill("Paris")
    # The evidence rule: no source is cited for this round, so the official says why.
    page.get_by_label("No public source", exact=True).check()
    page.get_by_label("Why there is no public source").fill("Announced to the press in Paris; nothing published.")
    page.get_by_role("button", name="Save").click()
    assert "The round was saved." in page.get_by_role("status").first.inner_text()

    page.get_by_role("link", name="Record a status change").click()
    assert_accessible(page, axe_source)
    # The seeded record has the talks under way since September 2024: the next step is the agreement in principle.
    page.get_by_label("New status").select_option("agreed_in_principle")
    page.get_by_label("Effective date").fill("2025-01-15")
    page.get_by_text("A new source", exact=True).click()
    page.get_by_label("Title of a new source").fill("Tokyo and Paris settle the outline of their access pact")
    page.get_by_label("Publisher").fill("Kyodo News")
    page.get_by_label("Note").fill("Outline settled after the last round.")
    page.get_by_role("button", name="Record the change").click()

    history = page.get_by_role("region", name="History")
    row = history.locator("tr", has_text="Outline settled after the last round.")
    assert "agreed in principle" in row.inner_text() and "Kyodo News" in row.inner_text()
    assert "official-jp" in row.inner_text()
    assert Agreement.objects.get(slug="france-japan-raa").status == "agreed_in_principle"
    rounds = page.get_by_role("region", name="Negotiation rounds")
    assert "Paris" in rounds.inner_text() and "no public source" in rounds.inner_text()
    assert NegotiationRound.objects.filter(agreement__slug="france-japan-raa", place="Paris").exists()
    page.goto("/")
    recent = page.get_by_role("region", name="Recent status changes")
    assert "France–Japan Reciprocal Access Agreement" in recent.inner_text()
    assert "Kyodo News" in recent.inner_text()


def test_refused_move_shows_the_error_beside_the_field(new_page: object, axe_source: str) -> None:
    make_user("official-jp", ["JPN"])
    page = new_page()
    sign_in(page, "official-jp")
    page.goto("/agreements/japan-australia-raa/status/")
    page.get_by_label("New status").select_option("negotiating")
    page.get_by_label("Effective date").fill("2025-01-01")
    page.get_by_role("button", name="Record the change").click()
    error = page.locator("#id_status_error")
    assert "Allowed next: suspended, terminated" in error.inner_text()
    assert_accessible(page, axe_source)


def test_official_of_france_sees_no_edit_action_and_is_refused(new_page: object) -> None:
    make_user("official-fr", ["FRA"])
    page = new_page()
    sign_in(page, "official-fr")
    page.goto("/agreements/japan-australia-raa/")
    assert page.get_by_role("link", name="Record a status change").count() == 0
    assert page.get_by_role("link", name="Add a round").count() == 0
    count = StatusEvent.objects.count()
    response = page.goto("/agreements/japan-australia-raa/status/")
    assert response.status == 403
    assert "FRA" in page.get_by_role("alert").inner_text()
    csrf = page.context.cookies()
    token = next(c["value"] for c in csrf if c["name"] == "csrftoken")
    posted = page.request.post(
        "/agreements/japan-australia-raa/status/",
        form={"status": "terminated", "effective_on": "2025-01-01", "date_precision": "day"},
        headers={"X-CSRFToken": token, "Referer": page.url},
    )
    assert posted.status == 403
    assert StatusEvent.objects.count() == count


def test_a_browser_that_asks_for_german_gets_german_pages(new_page: object, axe_source: str) -> None:
    page = new_page(locale="de-DE")
    page.goto("/agreements/france-japan-raa/")
    assert page.locator("html").get_attribute("lang") == "de"
    assert page.get_by_role("heading", name="Zeitleiste").is_visible()
    assert "2. Mai 2024" in page.content()
    page.goto("/")
    assert page.get_by_role("heading", level=1).inner_text() == "Stand der Verhandlungen"
    assert_accessible(page, axe_source)


def test_a_stale_form_is_refused_with_a_message(new_page: object) -> None:
    make_user("official-jp", ["JPN"])
    make_user("official-fr", ["FRA"])
    first, second = new_page(), new_page()
    sign_in(first, "official-jp")
    sign_in(second, "official-fr")
    for page in (first, second):
        page.goto("/agreements/france-japan-raa/status/")
        page.get_by_label("Effective date").fill("2025-01-15")
        # Both forms meet the evidence rule, so the only thing that can refuse the second is its stale version.
        page.get_by_label("No public source", exact=True).check()
        page.get_by_label("Why there is no public source").fill("Said at a joint press briefing.")
    # Either move is allowed from where the seeded record stands (negotiating) and from where the first leaves it.
    first.get_by_label("New status").select_option("agreed_in_principle")
    first.get_by_role("button", name="Record the change").click()
    assert "The status change was recorded." in first.content()
    second.get_by_label("New status").select_option("abandoned")
    second.get_by_role("button", name="Record the change").click()
    assert "Someone else changed this record after you opened the form" in second.get_by_role("alert").inner_text()
    assert StatusEvent.objects.filter(agreement__slug="france-japan-raa", status="abandoned").count() == 0
