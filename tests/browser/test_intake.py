"""The intake's review pages in a real browser, in English and German (issue #17): an analyst submits an article
and sees the sentences its candidate facts rest on highlighted; an official of Japan accepts one candidate and
rejects the other from the inbox; an official of France is refused the Japan–Australia one. Every page the
reviewers see passes axe-core with no violation of any impact. The pages are plain forms: no JavaScript needed.
"""

import datetime
from dataclasses import dataclass

import pytest

from intake import services
from intake.models import Article, Candidate

from .conftest import make_user
from .test_evidence import axe_violations

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

# Written for these tests, not taken from a publication. The seeded record has both facts: Japan and Australia
# signed their RAA in January 2022, and France and Japan agreed to open talks on Thursday 2 May 2024.
TEXT = (
    "Australia and Japan signed a reciprocal access agreement in January 2022.\n\n"
    "France and Japan agreed on Thursday to begin formal negotiations on a reciprocal access agreement."
)
SIGNED = "Australia and Japan signed a reciprocal access agreement in January 2022."
TALKS = "France and Japan agreed on Thursday to begin formal negotiations on a reciprocal access agreement."
PUBLISHED = datetime.date(2024, 5, 3)
TITLE = "Two access pacts for Tokyo"  # invented, as is the publisher
PUBLISHER = "Tidewater Ledger"
REASON = "The talks were agreed on 2 May 2024 and are in the record already from the ministry's notice."


@dataclass(frozen=True)
class Wording:
    """What the intake's pages say in one language (the German strings are those of locale/de)."""

    locale: str
    lang: str
    inbox: str
    submit: str
    title_label: str
    publisher_label: str
    published_label: str
    read: str
    read_message: str
    text_heading: str
    two_candidates: str
    one_candidate: str
    signed_heading: str
    corroborates: str
    pending: str
    accept_cite: str
    reason_label: str
    reject: str
    accepted_message: str
    rejected_message: str
    not_allowed: str
    refusal: str


WORDINGS = [
    Wording(
        "en-GB",
        "en",
        "From the news",
        "Submit an article",
        "Title",
        "Publisher",
        "Publication date",
        "Read the article",
        "The article was read: 2 candidate facts.",
        "Text",
        "2 candidate facts",
        "1 candidate fact",
        "signed — January 2022",
        "corroborates the record",
        "waiting for review",
        "Accept: cite the article",
        "Why it is wrong",
        "Reject",
        "The fact was recorded, with the article as its source.",
        "The candidate was rejected; it stays with your reason.",
        "Not allowed",
        "You act for FRA, which is not a party to this agreement.",
    ),
    Wording(
        "de-DE",
        "de",
        "Aus den Nachrichten",
        "Artikel einreichen",
        "Titel",
        "Herausgeber",
        "Erscheinungsdatum",
        "Artikel lesen",
        "Der Artikel wurde gelesen: 2 vorgeschlagene Fakten.",
        "Text",
        "2 vorgeschlagene Fakten",
        "1 vorgeschlagenes Faktum",
        "unterzeichnet — Januar 2022",
        "bestätigt den Datenbestand",
        "wartet auf Prüfung",
        "Annehmen: Artikel als Quelle anführen",
        "Warum er falsch ist",
        "Ablehnen",
        "Das Faktum wurde erfasst, mit dem Artikel als Quelle.",
        "Der Vorschlag wurde abgelehnt; er bleibt mit Ihrer Begründung erhalten.",
        "Nicht erlaubt",
        "Sie sind für FRA tätig – nicht für eine Vertragspartei dieses Abkommens.",
    ),
]
by_language = pytest.mark.parametrize("wording", WORDINGS, ids=[w.lang for w in WORDINGS])


@dataclass(frozen=True)
class TwoPacts:
    """The submitted article and its two candidates: the Japan–Australia signing, the France–Japan talks."""

    article: Article
    signed: Candidate
    talks: Candidate


def _pacts(article: Article) -> TwoPacts:
    return TwoPacts(
        article,
        article.candidates.get(parties__alpha3="AUS"),
        article.candidates.get(parties__alpha3="FRA"),
    )


@pytest.fixture
def two_pacts(seeded: None) -> TwoPacts:
    """The article as an analyst submitted it (through the service: the form is the first test's subject)."""
    article, created = services.article_submit(
        actor=make_user("analyst"), text=TEXT, published_on=PUBLISHED, title=TITLE, publisher=PUBLISHER
    )
    assert created and article.candidates.count() == 2
    return _pacts(article)


def sign_in(page: object, username: str) -> None:
    """conftest's sign_in finds the fields by their English labels; these are found by their names."""
    page.goto("/accounts/login/")
    page.locator("input[name=username]").fill(username)
    page.locator("input[name=password]").fill("demo-password")
    with page.expect_navigation():
        page.locator("input[name=password]").press("Enter")


def assert_axe_clean(page: object, wording: Wording) -> None:
    """Every violation counts, of any impact: the review pages are new."""
    assert page.locator("html").get_attribute("lang") == wording.lang
    found = axe_violations(page, "html")
    assert not found, f"{page.url} [{wording.lang}]: " + "; ".join(found)


def said(locator: object) -> str:
    return " ".join(locator.inner_text().split())


def message(page: object) -> str:
    return said(page.get_by_role("status").first)


def assert_highlighted(mark: object) -> None:
    """Shown, and on a background of its own (the stylesheet's highlight), not merely in the markup."""
    assert mark.is_visible()
    assert mark.evaluate("e => getComputedStyle(e).backgroundColor") not in ("rgba(0, 0, 0, 0)", "transparent")


def assert_quote_marked(page: object, candidate: Candidate, sentence: str, expressions: list[str]) -> None:
    """The candidate's quoted sentence, with the expressions that matched (cue, date) each in a <mark>."""
    quote = page.locator(f"#candidate-{candidate.pk} blockquote.evidence-quote")
    assert said(quote) == sentence
    marks = quote.locator("mark")
    assert marks.all_inner_texts() == expressions
    for n in range(marks.count()):
        assert_highlighted(marks.nth(n))


@by_language
def test_an_analyst_submits_an_article_and_sees_its_evidence_highlighted(
    wording: Wording, new_page: object, axe_source: str
) -> None:
    make_user("analyst")
    page = new_page(locale=wording.locale)
    sign_in(page, "analyst")
    page.goto("/intake/")
    page.get_by_role("link", name=wording.submit, exact=True).click()
    page.wait_for_url("**/intake/articles/new/")
    assert said(page.get_by_role("heading", level=1)) == wording.submit
    assert_axe_clean(page, wording)

    page.locator("textarea[name=text]").fill(TEXT)
    page.get_by_label(wording.title_label, exact=True).fill(TITLE)
    page.get_by_label(wording.publisher_label, exact=True).fill(PUBLISHER)
    page.get_by_label(wording.published_label, exact=True).fill(PUBLISHED.isoformat())
    with page.expect_navigation():  # the form's own address matches any pattern of the article's
        page.get_by_role("button", name=wording.read, exact=True).click()

    pacts = _pacts(Article.objects.get(digest=services.text_digest(TEXT)))
    assert page.url.endswith(f"/intake/articles/{pacts.article.pk}/")
    assert message(page) == wording.read_message
    assert said(page.get_by_role("heading", level=1)) == TITLE
    assert said(page.locator("#text-heading")) == wording.text_heading
    assert said(page.locator("#candidates-heading")) == wording.two_candidates

    # The article's text, the sentence of each candidate in a <mark> the candidate's links point to.
    for candidate, sentence in ((pacts.signed, SIGNED), (pacts.talks, TALKS)):
        evidence = page.locator(f".article-text mark#evidence-{candidate.pk}")
        assert said(evidence) == sentence
        assert_highlighted(evidence)
    assert_quote_marked(page, pacts.signed, SIGNED, ["signed", "January 2022"])
    # The talks' cue holds its date ("on Thursday"): overlapping expressions are one mark.
    assert_quote_marked(page, pacts.talks, TALKS, ["agreed on Thursday to begin formal negotiations"])

    signed = page.locator(f"#candidate-{pacts.signed.pk}")
    assert said(signed.get_by_role("heading", level=3)) == wording.signed_heading
    assert said(signed.locator(".badge.relation-corroborates")) == wording.corroborates
    assert wording.pending in signed.locator(".badge").all_inner_texts()
    assert page.get_by_role("button", name=wording.accept_cite, exact=True).count() == 0  # an analyst reviews nothing
    assert_axe_clean(page, wording)

    page.locator("nav.breadcrumbs").get_by_role("link", name=wording.inbox, exact=True).click()
    page.wait_for_url("**/intake/")
    assert said(page.get_by_role("heading", level=1)) == wording.inbox
    for candidate in (pacts.signed, pacts.talks):
        assert page.locator(f"#candidate-{candidate.pk}").is_visible()
    assert_quote_marked(page, pacts.signed, SIGNED, ["signed", "January 2022"])
    assert_axe_clean(page, wording)


@by_language
def test_an_official_of_japan_accepts_one_candidate_and_rejects_the_other(
    wording: Wording, two_pacts: TwoPacts, new_page: object, axe_source: str
) -> None:
    make_user("official-jp", ["JPN"])
    page = new_page(locale=wording.locale)
    sign_in(page, "official-jp")
    page.goto("/intake/")
    assert said(page.locator("#results-heading")) == wording.two_candidates
    assert_quote_marked(page, two_pacts.signed, SIGNED, ["signed", "January 2022"])
    assert_quote_marked(page, two_pacts.talks, TALKS, ["agreed on Thursday to begin formal negotiations"])
    assert_axe_clean(page, wording)

    signed = page.locator(f"#candidate-{two_pacts.signed.pk}")
    with page.expect_navigation():
        signed.get_by_role("button", name=wording.accept_cite, exact=True).click()
    assert message(page) == wording.accepted_message
    assert page.locator(f"#candidate-{two_pacts.signed.pk}").count() == 0  # no longer waiting
    assert said(page.locator("#results-heading")) == wording.one_candidate
    assert Candidate.objects.get(pk=two_pacts.signed.pk).review == "accepted"
    assert_axe_clean(page, wording)

    talks = page.locator(f"#candidate-{two_pacts.talks.pk}")
    talks.get_by_label(wording.reason_label, exact=True).fill(REASON)
    with page.expect_navigation():  # the page before has a message too: wait for the next one
        talks.get_by_role("button", name=wording.reject, exact=True).click()
    assert message(page) == wording.rejected_message
    assert page.locator(f"#candidate-{two_pacts.talks.pk}").count() == 0
    rejected = Candidate.objects.get(pk=two_pacts.talks.pk)
    assert (rejected.review, rejected.review_reason) == ("rejected", REASON)
    assert_axe_clean(page, wording)

    page.goto("/intake/?review=rejected")  # it stays, with the reason
    assert REASON in said(page.locator(f"#candidate-{two_pacts.talks.pk}"))


@by_language
def test_an_official_of_france_cannot_review_japan_and_australia(
    wording: Wording, two_pacts: TwoPacts, new_page: object, axe_source: str
) -> None:
    make_user("official-fr", ["FRA"])
    page = new_page(locale=wording.locale)
    sign_in(page, "official-fr")
    answer = page.goto(f"/intake/candidates/{two_pacts.signed.pk}/")
    assert answer.status == 403
    assert said(page.get_by_role("heading", level=1)) == wording.not_allowed
    assert said(page.get_by_role("alert")) == wording.refusal
    assert_axe_clean(page, wording)

    page.goto("/intake/")
    signed = page.locator(f"#candidate-{two_pacts.signed.pk}")
    assert signed.is_visible()  # read, not reviewed
    assert signed.get_by_role("button").count() == 0 and signed.locator("textarea").count() == 0
    # France is a party to the other agreement: its candidate has the buttons, so their absence above is the rule.
    talks = page.locator(f"#candidate-{two_pacts.talks.pk}")
    assert talks.get_by_role("button", name=wording.accept_cite, exact=True).is_visible()
    assert Candidate.objects.get(pk=two_pacts.signed.pk).review == "pending"
