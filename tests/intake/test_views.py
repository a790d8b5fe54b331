"""The review pages, as a reader, an analyst and the officials use them (no JavaScript)."""

import datetime

import pytest
from django.test import Client

from intake import services
from intake.models import Article, Candidate
from negotiations.models import Citation

pytestmark = pytest.mark.django_db

# Written for these tests: Japan and Australia signed their RAA in January 2022 (the record has it).
TEXT = (
    "Australia and Japan signed a reciprocal access agreement in January 2022.\n\n"
    "France and Japan agreed on Thursday to begin formal negotiations on a reciprocal access agreement."
)


def _client(user: object | None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def _article(user: object) -> Article:
    article, _ = services.article_submit(
        actor=user, text=TEXT, published_on=datetime.date(2024, 5, 3), title="Two pacts", publisher="Example Daily"
    )
    return article


def test_an_analyst_submits_an_article_and_sees_its_evidence_marked(analyst) -> None:
    client = _client(analyst)
    page = client.get("/intake/articles/new/")
    assert page.status_code == 200 and 'name="text"' in page.content.decode()
    answer = client.post(
        "/intake/articles/new/",
        {"text": TEXT, "published_on": "2024-05-03", "title": "Two pacts", "publisher": "Example Daily"},
    )
    article = Article.objects.get()
    assert answer.status_code == 302 and answer["Location"] == f"/intake/articles/{article.pk}/"
    html = client.get(answer["Location"]).content.decode()
    candidate = article.candidates.get(parties__alpha3="AUS")
    assert f'<mark id="evidence-{candidate.pk}">Australia and Japan signed' in html
    assert "<mark>signed</mark>" in html and "<mark>January 2022</mark>" in html
    assert "Accept" not in html.split('id="candidates-heading"')[1].split("<form")[0]  # an analyst reviews nothing


def test_a_submission_without_a_date_is_refused_beside_the_field(analyst) -> None:
    answer = _client(analyst).post("/intake/articles/new/", {"text": TEXT})
    html = answer.content.decode()
    assert answer.status_code == 200 and Article.objects.count() == 0
    assert 'id="id_published_on_error"' in html and "Give the date the article was published" in html


def test_the_inbox_lists_pending_candidates_and_an_official_accepts_one(analyst, official_jp) -> None:
    article = _article(analyst)
    candidate = article.candidates.get(parties__alpha3="AUS")
    client = _client(official_jp)
    html = client.get("/intake/").content.decode()
    assert f'id="candidate-{candidate.pk}"' in html and "Accept: cite the article" in html
    answer = client.post(f"/intake/candidates/{candidate.pk}/decide/", {"action": "accept", "next": "/intake/"})
    assert answer.status_code == 302
    candidate.refresh_from_db()
    assert candidate.review == "accepted" and Citation.objects.filter(source__articles=article).exists()
    assert f'id="candidate-{candidate.pk}"' not in client.get("/intake/").content.decode()


def test_an_official_of_france_cannot_review_japan_and_australia(analyst, official_fr) -> None:
    candidate = _article(analyst).candidates.get(parties__alpha3="AUS")
    client = _client(official_fr)
    assert client.get(f"/intake/candidates/{candidate.pk}/").status_code == 403
    client.post(f"/intake/candidates/{candidate.pk}/decide/", {"action": "reject", "reason": "no"})
    assert Candidate.objects.get(pk=candidate.pk).review == "pending"


def test_edit_then_accept_shows_a_refused_move_beside_the_form(analyst, official_jp) -> None:
    candidate = _article(analyst).candidates.get(parties__alpha3="FRA")
    client = _client(official_jp)
    page = client.get(f"/intake/candidates/{candidate.pk}/")
    assert page.status_code == 200 and 'name="status"' in page.content.decode()
    # France–Japan talks were agreed and then negotiated: back to "talks agreed" on another day is no move.
    answer = client.post(
        f"/intake/candidates/{candidate.pk}/",
        {"action": "accept", "type": "RAA", "status": "terminated", "effective_on": "2024-05-02", "precision": "day"},
    )
    assert answer.status_code == 400 and "Nothing was saved" in answer.content.decode()
    assert Candidate.objects.get(pk=candidate.pk).review == "pending"


def test_rejecting_needs_a_reason_and_keeps_it(analyst, official_jp) -> None:
    candidate = _article(analyst).candidates.get(parties__alpha3="AUS")
    client = _client(official_jp)
    answer = client.post(f"/intake/candidates/{candidate.pk}/", {"action": "reject", "reason": ""})
    assert answer.status_code == 400 and 'id="id_reason_error"' in answer.content.decode()
    client.post(f"/intake/candidates/{candidate.pk}/", {"action": "reject", "reason": "Recorded already."})
    candidate.refresh_from_db()
    assert (candidate.review, candidate.review_reason) == ("rejected", "Recorded already.")


def test_the_agreement_page_shows_its_candidates_from_the_news(analyst, japan_australia) -> None:
    candidate = _article(analyst).candidates.get(parties__alpha3="AUS")
    html = Client().get(japan_australia.get_absolute_url()).content.decode()
    assert 'id="from-the-news"' in html and f"#evidence-{candidate.pk}" in html
