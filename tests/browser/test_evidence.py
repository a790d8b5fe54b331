"""Evidence in a real browser: a fact's further citations (and a contradiction) are shown in both languages,
and the evidence rule's error sits beside the source field until the official cites a source or says why not.

The citations are made through the service, as an official's would be; what is checked is what the page shows.
"""

import datetime
from dataclasses import dataclass

import pytest

from negotiations.choices import CitationRole
from negotiations.models import Citation, Source, StatusEvent
from negotiations.services import citation_add

from .conftest import make_user, sign_in

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

AGREEMENT = "japan-australia-raa"
# Invented for these tests: no such publications exist.
CONFIRMING = {
    "title": "Two leaders sign defence access pact over video link",
    "publisher": "Harbour Lantern Weekly",
    "url": "https://example.org/harbour-lantern/access-pact-signed",
    "published_on": datetime.date(2022, 1, 7),
}
CONTRADICTING = {
    "title": "Access pact signature slips to the spring, officials hint",
    "publisher": "Coral Sea Observer",
    "url": "https://example.org/coral-sea-observer/pact-delayed",
    "published_on": datetime.date(2022, 1, 5),
}
QUOTE = "The two prime ministers put their names to the text from their own capitals on Thursday."


@dataclass(frozen=True)
class Wording:
    """What the page says of the citations in one language (the German strings are those of locale/de)."""

    locale: str
    lang: str
    history: str
    states: str
    contradicts: str
    contradicted: str
    sentence: str


WORDINGS = [
    Wording(
        "en-GB",
        "en",
        "History",
        "states it",
        "contradicts it",
        "contradicted",
        "A cited source reports something else.",
    ),
    Wording(
        "de-DE",
        "de",
        "Verlauf",
        "bestätigt",
        "widerspricht",
        "widersprochen",
        "Eine angeführte Quelle berichtet etwas anderes.",
    ),
]


@pytest.fixture
def cited_signing(seeded: None) -> StatusEvent:
    """The seeded signing of the Japan–Australia agreement, with one confirming and one contradicting citation."""
    event = StatusEvent.objects.get(agreement__slug=AGREEMENT, status="signed", corrects=None)
    confirming = Source.objects.create(**CONFIRMING)
    contradicting = Source.objects.create(**CONTRADICTING)
    citation_add(actor=None, fact=event, source=confirming, role=CitationRole.STATES, quote=QUOTE)
    citation_add(actor=None, fact=event, source=contradicting, role=CitationRole.CONTRADICTS)
    assert Citation.objects.filter(event=event).count() == 2
    return event


def axe_violations(page: object, selector: str) -> list[str]:
    """Every axe-core violation, of any impact, inside `selector` (axe-core comes in by the pages' init script)."""
    result = page.evaluate(
        "async (selector) => await axe.run({include: [selector]}, {resultTypes: ['violations']})", selector
    )
    return [
        f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']][:3]}"
        for v in result["violations"]
    ]


def test_citations_and_the_contradiction_are_shown_in_english_and_german(
    cited_signing: StatusEvent, new_page: object, axe_source: str
) -> None:
    for wording in WORDINGS:
        page = new_page(locale=wording.locale)
        page.goto(f"/agreements/{AGREEMENT}/")
        assert page.locator("html").get_attribute("lang") == wording.lang
        history = page.locator("#history")
        assert history.get_by_role("heading", level=2).inner_text() == wording.history
        # The signing's row (the seeded record cites a further source for another fact too, whose row is not this).
        row = history.locator("tr", has=page.locator("ul.citations"), has_text="Kishida–Morrison.")
        assert row.count() == 1, f"{wording.lang}: {row.count()} signing rows with citations"
        cited = history.locator("tr", has=page.get_by_role("link", name=CONFIRMING["title"]))
        assert cited.count() == 1, f"{wording.lang}: the new citations are shown in {cited.count()} rows"

        confirming = row.locator("li.citation-states")
        assert confirming.locator(".badge").inner_text() == wording.states
        assert confirming.get_by_role("link", name=CONFIRMING["title"]).get_attribute("href") == CONFIRMING["url"]
        assert CONFIRMING["publisher"] in confirming.inner_text()
        assert confirming.locator("blockquote").inner_text() == QUOTE

        contradicting = row.locator("li.citation-contradicts")
        assert contradicting.locator(".badge").inner_text() == wording.contradicts
        assert contradicting.get_by_role("link", name=CONTRADICTING["title"]).is_visible()
        assert CONTRADICTING["publisher"] in contradicting.inner_text()
        assert contradicting.locator("blockquote").count() == 0  # cited without a quote

        contradiction = history.locator("p.contradiction")
        assert contradiction.count() == 1, f"{wording.lang}: only the signing is contradicted"
        assert contradiction.locator(".badge").inner_text() == wording.contradicted
        assert wording.sentence in contradiction.inner_text()
        assert row.locator("p.contradiction").count() == 1

        # Every violation counts here, of any impact: the page with citations is new.
        page_wide = axe_violations(page, "html")
        assert not page_wide, f"{page.url} [{wording.lang}]: " + "; ".join(page_wide)


def test_official_must_cite_a_source_or_say_why_there_is_none(new_page: object, axe_source: str) -> None:
    make_user("official-jp", ["JPN"])
    page = new_page()
    sign_in(page, "official-jp")
    page.goto("/agreements/france-japan-raa/status/")
    # The seeded record has the talks under way since September 2024: the next step is the agreement in principle.
    page.get_by_label("New status").select_option("agreed_in_principle")
    page.get_by_label("Effective date").fill("2025-01-15")
    page.get_by_label("Note").fill("Outline agreed in Tokyo.")
    events = StatusEvent.objects.filter(agreement__slug="france-japan-raa").count()
    page.get_by_role("button", name="Record the change").click()

    error = page.locator("#id_source_error")
    assert "Cite a source, or choose “no public source” and say why" in error.inner_text()
    assert page.locator("#id_status_error").count() == 0  # the move itself is allowed: only the evidence is missing
    assert page.locator(".field.has-error", has=page.locator("#id_source")).count() == 1
    assert StatusEvent.objects.filter(agreement__slug="france-japan-raa").count() == events
    assert page.get_by_label("Note").input_value() == "Outline agreed in Tokyo."  # what was typed is kept

    reason = "Announced by both ministries at a joint press briefing; no text was published."
    page.get_by_label("No public source", exact=True).check()
    page.get_by_label("Why there is no public source").fill(reason)
    page.get_by_role("button", name="Record the change").click()

    assert "The status change was recorded." in page.get_by_role("status").first.inner_text()
    row = page.locator("#history tr", has_text="Outline agreed in Tokyo.")
    assert "no public source" in row.locator(".badge-nosource").inner_text()
    assert reason in row.inner_text()
    recorded = StatusEvent.objects.get(agreement__slug="france-japan-raa", note="Outline agreed in Tokyo.")
    assert recorded.source is None and recorded.no_source_reason == reason
