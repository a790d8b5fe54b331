"""Articles through the services: stored once, read, matched with the record as of their date, reviewed."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from intake import services
from intake.choices import Relation, Review
from intake.models import Article, Candidate
from negotiations.lifecycle import TransitionRefused
from negotiations.models import Change, Citation, StatusEvent

pytestmark = pytest.mark.django_db

# Written for these tests (never a publication's words): France and Japan agree on Thursday 2 May 2024.
TALKS = (
    "Paris und Tokio haben sich am Donnerstag verständigt, Verhandlungen über ein Abkommen über den "
    "gegenseitigen Zugang ihrer Streitkräfte aufzunehmen.\n\n"
    "Japan hat bereits ähnliche Abkommen mit Australien und Großbritannien unterzeichnet."
)
PUBLISHED = datetime.date(2024, 5, 3)


def _submit(actor, text=TALKS, published_on=PUBLISHED, **fields):
    return services.article_submit(
        actor=actor, text=text, published_on=published_on, title="Zugangsabkommen", publisher="Beispiel-Zeitung",
        url=fields.pop("url", "https://news.example.org/zugang"), **fields,
    )  # fmt: skip


def _facts(article: Article) -> dict:
    return {
        (tuple(sorted(c.parties.values_list("alpha3", flat=True))), c.kind, c.status or c.step): c
        for c in article.candidates.all()
    }


def test_a_pasted_article_is_read_in_its_language_and_matched_with_the_record(analyst) -> None:
    article, created = _submit(analyst)
    assert created and article.language == "de" and article.extracted_at is not None
    facts = _facts(article)
    talks = facts[(("FRA", "JPN"), "status", "talks_agreed")]
    assert (talks.effective_on, talks.precision) == (datetime.date(2024, 5, 2), "day")
    assert talks.relation == Relation.CORROBORATES and talks.agreement.slug == "france-japan-raa"
    assert talks.matched_event.status == "talks_agreed" and talks.evidence.startswith("Paris und Tokio")
    assert TALKS[talks.evidence_start : talks.evidence_end] == talks.evidence
    for partner in ("AUS", "GBR"):
        signed = facts[(tuple(sorted([partner, "JPN"])), "status", "signed")]
        assert signed.relation == Relation.CORROBORATES and signed.effective_on is None


def test_the_same_text_twice_is_the_first_article(analyst) -> None:
    first, _ = _submit(analyst)
    again, created = _submit(analyst, text=TALKS.replace("\n\n", "\n\n  "), url="https://elsewhere.example.org/x")
    assert not created and again.pk == first.pk and Article.objects.count() == 1


def test_an_article_needs_a_signed_in_user_and_a_past_publication_date(analyst) -> None:
    with pytest.raises(PermissionDenied):
        _submit(None)
    with pytest.raises(ValidationError) as refused:
        _submit(analyst, published_on=datetime.date.today() + datetime.timedelta(days=2))
    assert "published_on" in refused.value.message_dict
    with pytest.raises(ValidationError) as refused:
        _submit(analyst, language="es")
    assert "language" in refused.value.message_dict and Article.objects.count() == 0


def test_a_contradicting_date_is_shown_as_such(analyst) -> None:
    text = TALKS.replace("am Donnerstag", "am Dienstag")  # 30 April: the record says 2 May
    article, _ = _submit(analyst, text=text)
    talks = _facts(article)[(("FRA", "JPN"), "status", "talks_agreed")]
    assert talks.relation == Relation.CONTRADICTS and talks.effective_on == datetime.date(2024, 4, 30)
    assert talks.matched_event.effective_on == datetime.date(2024, 5, 2)


def test_accepting_a_corroborating_candidate_cites_the_article(analyst, official_jp) -> None:
    article, _ = _submit(analyst)
    talks = _facts(article)[(("FRA", "JPN"), "status", "talks_agreed")]
    events = StatusEvent.objects.count()
    services.candidate_accept(actor=official_jp, candidate=talks)
    talks.refresh_from_db()
    article.refresh_from_db()
    assert talks.review == Review.ACCEPTED and talks.reviewed_by == official_jp
    assert StatusEvent.objects.count() == events  # the record had the fact: one more source, not a second event
    citation = Citation.objects.get(event=talks.matched_event, source=article.source)
    assert citation.quote == talks.evidence and article.source.publisher == "Beispiel-Zeitung"
    assert Change.objects.filter(object_type="citation", channel="intake", user=official_jp).exists()


def test_accepting_a_new_step_runs_the_lifecycle_and_logs_the_intake(analyst, official_jp, france_japan) -> None:
    text = (
        "Japan und Frankreich haben am 14. November 2025 eine grundsätzliche Einigung über ihr Abkommen über "
        "den gegenseitigen Zugang der Streitkräfte erzielt."
    )
    article, _ = _submit(analyst, text=text, published_on=datetime.date(2025, 11, 15))
    [candidate] = article.candidates.all()
    assert candidate.relation == Relation.PROPOSED and candidate.agreement == france_japan
    services.candidate_accept(actor=official_jp, candidate=candidate)
    event = france_japan.events.get(status="agreed_in_principle")
    assert event.effective_on == datetime.date(2025, 11, 14) and event.source == Article.objects.get().source
    assert Change.objects.filter(object_type="event", object_id=event.pk, channel="intake").exists()


def test_a_refused_move_is_shown_and_writes_nothing(analyst, official_jp, france_japan) -> None:
    text = "Japan und Frankreich haben ihr Abkommen über den gegenseitigen Zugang gekündigt, am 3. Mai 2024."
    article, _ = _submit(analyst, text=text, published_on=datetime.date(2024, 5, 4))
    [candidate] = article.candidates.all()
    events, sources = StatusEvent.objects.count(), Article.objects.get().source_id
    with pytest.raises(TransitionRefused):
        services.candidate_accept(actor=official_jp, candidate=candidate)
    candidate.refresh_from_db()
    assert candidate.review == Review.PENDING and StatusEvent.objects.count() == events
    assert Article.objects.get().source_id == sources  # the source made for it was rolled back too


def test_an_official_of_france_cannot_accept_a_candidate_for_japan_and_australia(analyst, official_fr) -> None:
    article, _ = _submit(analyst)
    signed = _facts(article)[(("AUS", "JPN"), "status", "signed")]
    with pytest.raises(PermissionDenied):
        services.candidate_accept(actor=official_fr, candidate=signed)
    with pytest.raises(PermissionDenied):
        services.candidate_reject(actor=official_fr, candidate=signed, reason="no")
    assert Candidate.objects.get(pk=signed.pk).review == Review.PENDING


def test_rejecting_keeps_the_candidate_with_its_reason_and_it_does_not_come_back(analyst, official_jp) -> None:
    article, _ = _submit(analyst)
    signed = _facts(article)[(("AUS", "JPN"), "status", "signed")]
    with pytest.raises(ValidationError) as refused:
        services.candidate_reject(actor=official_jp, candidate=signed, reason="  ")
    assert "reason" in refused.value.message_dict
    services.candidate_reject(actor=official_jp, candidate=signed, reason="Already recorded with its date.")
    services.article_extract(article)  # read again: the rejected fact stays rejected, once
    rejected = article.candidates.filter(review=Review.REJECTED)
    assert [c.review_reason for c in rejected] == ["Already recorded with its date."]
    assert not article.candidates.filter(review=Review.PENDING, status="signed", parties__alpha3="AUS").exists()
    with pytest.raises(ValidationError):
        services.candidate_accept(actor=official_jp, candidate=Candidate.objects.get(pk=signed.pk))


def test_edit_then_accept_gives_the_date_the_article_lacked(analyst, official_jp) -> None:
    text = "Japan und Mexiko haben ein Abkommen zum Schutz von Verschlusssachen bereits unterzeichnet."
    article, _ = _submit(analyst, text=text, published_on=datetime.date(2025, 7, 20))
    [candidate] = article.candidates.all()
    assert candidate.effective_on is None
    with pytest.raises(ValidationError) as refused:
        services.candidate_accept(actor=official_jp, candidate=candidate)
    assert "effective_on" in refused.value.message_dict
    with pytest.raises(ValidationError) as refused:
        services.candidate_accept(actor=official_jp, candidate=candidate, evidence="mine")
    assert "evidence" in refused.value.message_dict
    candidate = Candidate.objects.get(pk=candidate.pk)
    services.candidate_accept(
        actor=official_jp, candidate=candidate, effective_on=datetime.date(2025, 7, 18), precision="day"
    )
    agreement = Candidate.objects.get(pk=candidate.pk).agreement
    assert agreement.status == "signed" and agreement.status_since == datetime.date(2025, 7, 18)
