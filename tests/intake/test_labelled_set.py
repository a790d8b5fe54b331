"""The labelled articles (tests/intake/articles) are well formed: the extraction is measured against them."""

import datetime
from pathlib import Path

import pycountry
import pytest
import yaml

from negotiations.choices import MilestoneKind, Status

FOLDER = Path(__file__).parent / "articles"
LANGUAGES = ("en", "de", "fr", "ja")
TYPES = {"RAA", "SOFA", "ACSA", "ISA", "FTA", "EPA", "DEA", "VFA", "DCA", "MDT"}
STEPS = {"signature", "approval", "notes_exchanged", "entry_into_force"}
KEYS = {"parties", "type", "kind", "status", "step", "party", "number", "milestone", "effective_on", "precision"}
STATES = {country.alpha_3 for country in pycountry.countries}


def _articles(language: str) -> list[dict]:
    document = yaml.safe_load((FOLDER / f"{language}.yaml").read_text(encoding="utf-8"))
    assert document["language"] == language
    return document["articles"]


@pytest.mark.parametrize("language", LANGUAGES)
def test_each_language_has_at_least_ten_articles_with_distinct_ids(language: str) -> None:
    articles = _articles(language)
    ids = [article["id"] for article in articles]
    assert len(articles) >= 10 and len(set(ids)) == len(ids)


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_label_is_a_fact_the_record_could_hold(language: str) -> None:
    for article in _articles(language):
        where = article["id"]
        published = article["published_on"]
        assert isinstance(published, datetime.date) and published <= datetime.date(2026, 12, 4), where
        assert article["title"].strip() and article["publisher"].strip() and len(article["text"]) > 80, where
        for candidate in article["candidates"]:
            assert set(candidate) <= KEYS, (where, set(candidate) - KEYS)
            assert candidate["parties"] == sorted(candidate["parties"]) and len(candidate["parties"]) >= 2, where
            assert set(candidate["parties"]) <= STATES and candidate["type"] in TYPES, where
            kind = candidate["kind"]
            assert kind in ("status", "round", "milestone", "participation"), where
            assert (kind == "status") == ("status" in candidate), where
            assert (kind == "participation") == ("step" in candidate), where
            assert (kind == "milestone") == ("milestone" in candidate), where
            if kind == "status":
                assert candidate["status"] in Status.values and candidate["status"] != "proposed", where
            if kind == "participation":
                assert candidate["step"] in STEPS, where
                # One party's step names the party; an exchange of notes may be the two parties' joint act.
                assert candidate.get("party") in candidate["parties"] or (
                    candidate["step"] == "notes_exchanged" and "party" not in candidate
                ), where
            if kind == "milestone":
                assert candidate["milestone"] in MilestoneKind.values, where
            date, precision = candidate.get("effective_on"), candidate.get("precision")
            assert (date is None) == (precision is None), where
            if date is not None:
                assert isinstance(date, datetime.date) and precision in ("day", "month", "year"), where
                assert precision != "month" or date.day == 1, where
                assert precision != "year" or (date.month, date.day) == (1, 1), where
                assert kind == "milestone" or date <= published, (where, "a step after its report")


def test_the_set_covers_what_the_issue_names() -> None:
    covered = {cover for language in LANGUAGES for article in _articles(language) for cover in article["covers"]}
    assert {"no-step", "hope", "denial", "two-steps", "several-agreements", "weekday-date"} <= covered
    for language in LANGUAGES:
        articles = _articles(language)
        assert any(not article["candidates"] for article in articles), language  # an article with no new step
        assert any("weekday-date" in article["covers"] for article in articles), language
