"""The intake's rules that the database holds: an article stored once, a candidate that says what it is."""

import datetime
from collections.abc import Callable

import pytest
from django.db import IntegrityError, transaction

from intake.models import Article, Candidate, Feed
from negotiations.models import Agreement

pytestmark = pytest.mark.django_db


def _refused(write: Callable[[], object]) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        write()


def _candidate(article: Article, **fields: object) -> Candidate:
    values: dict[str, object] = {
        "kind": "status", "status": "talks_agreed", "effective_on": datetime.date(2024, 5, 2), "precision": "day",
        "evidence": "The two governments agreed on Thursday to open talks.", "evidence_start": 0,
        "evidence_end": 54, "confidence": 0.9,
    } | fields  # fmt: skip
    return Candidate.objects.create(article=article, **values)


def test_the_same_text_the_same_address_and_the_same_feed_item_are_stored_once() -> None:
    feed = Feed.objects.create(url="https://example.org/feed.xml", publisher="Example Daily", language="en")
    Article.objects.create(title="Talks", text="Text.", digest="a" * 64, canonical_url="https://example.org/a")
    _refused(lambda: Article.objects.create(title="Again", digest="a" * 64))
    _refused(lambda: Article.objects.create(title="Again", canonical_url="https://example.org/a"))
    Article.objects.create(feed=feed, guid="item-1", title="From the feed")
    _refused(lambda: Article.objects.create(feed=feed, guid="item-1", title="Polled twice"))
    Article.objects.create(title="Pasted, no address")
    Article.objects.create(title="Pasted, no address either")  # blank keys are not keys
    assert Article.objects.count() == 4


def test_a_candidate_says_what_it_proposes_with_a_date_and_its_precision() -> None:
    article = Article.objects.create(title="Talks", text="The two governments agreed on Thursday to open talks.")
    _candidate(article)
    _refused(lambda: _candidate(article, status=""))  # a status change needs its status
    _refused(lambda: _candidate(article, kind="participation"))  # a party's step needs the step, not a status
    _refused(lambda: _candidate(article, precision=""))  # a date needs its precision
    _refused(lambda: _candidate(article, effective_on=None))  # and a precision needs its date
    _refused(lambda: _candidate(article, confidence=1.5))
    _refused(lambda: _candidate(article, evidence_start=60, evidence_end=10))
    _refused(lambda: _candidate(article, review="rejected"))  # a rejection keeps its reason
    _candidate(article, review="rejected", review_reason="The article reports a hope, not a signature.")
    _candidate(article, kind="participation", status="", step="signature", effective_on=None, precision="")
    assert article.candidates.count() == 3


def test_a_candidate_matches_at_most_one_fact_of_the_record() -> None:
    article = Article.objects.create(title="Talks", text="Text.")
    agreement = Agreement.objects.get(slug="japan-australia-raa")
    event, participation = agreement.events.get(status="signed"), agreement.participations.first()
    _candidate(article, agreement=agreement, relation="corroborates", matched_event=event)
    _refused(lambda: _candidate(article, matched_event=event, matched_participation=participation))
    _candidate(article, agreement=agreement, relation="contradicts", matched_participation=participation)
    assert [c.relation for c in article.candidates.order_by("id")] == ["corroborates", "contradicts"]
