"""The extraction measured on the labelled articles, and the seed article read as the issue asks."""

import datetime
import os
from pathlib import Path

import pytest

from intake.extraction.dates import find_dates
from intake.extraction.engine import extract
from intake.extraction.states import find_states
from tests.intake.scoring import FOLDER, LANGUAGES, score

# The first set, written with the rules; the second, third and fourth, written afterwards by someone who had not
# read them, measured, then used to widen them (their READMEs give the figures before); the unseen set, written
# last, is never used to change the rules.
SETS = {
    "labelled": FOLDER,
    "validation": FOLDER / "validation",
    "heldout": FOLDER / "heldout",
    "tuning": FOLDER / "tuning",
}
# The floors hold on the first set; the later ones, whose misses widened the rules, guard what was
# won from them.
FLOORS = {"labelled": (0.95, 0.85), "validation": (0.95, 0.85), "heldout": (0.85, 0.85), "tuning": (0.85, 0.85)}


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("name", list(SETS))
def test_precision_and_recall_on_the_labelled_articles(name: str, language: str, capsys: pytest.CaptureFixture) -> None:
    result = score(language, SETS[name])
    with capsys.disabled():
        print(
            f"\n[intake] {name} {language}: precision {result.precision:.3f}, recall {result.recall:.3f} "
            f"({result.true_positives} found, {len(result.false_positives)} wrong, "
            f"{len(result.false_negatives)} missed)"
        )
    misses = result.false_positives + result.false_negatives
    precision_floor, recall_floor = FLOORS[name]
    assert result.precision >= precision_floor and result.recall >= recall_floor, misses


# Written last, after the rules were widened, and never used to change them: what the extraction does on text
# it was not fitted to. Its figures are printed; the floors only catch a change that makes it much worse.
UNSEEN_FLOOR = 0.5


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_unseen_articles_are_measured(language: str, capsys: pytest.CaptureFixture) -> None:
    if not (FOLDER / "unseen" / f"{language}.yaml").exists():
        pytest.fail("the unseen set (tests/intake/articles/unseen) is missing")
    result = score(language, FOLDER / "unseen")
    with capsys.disabled():
        print(
            f"\n[intake] unseen {language}: precision {result.precision:.3f}, recall {result.recall:.3f} "
            f"({result.true_positives} found, {len(result.false_positives)} wrong, "
            f"{len(result.false_negatives)} missed)"
        )
    assert result.precision >= UNSEEN_FLOOR and result.recall >= UNSEEN_FLOOR


def _seed_article() -> Path | None:
    """The German report the project began with: kept outside the repository (never copied into it)."""
    named = os.environ.get("RAA_SEED_ARTICLE")
    candidates = [Path(named)] if named else []
    root = Path(__file__).resolve().parents[2]
    candidates += [parent / "shared/docs/000_90ac1f9ae7119c16.txt" for parent in (root, root.parent, Path("/work"))]
    return next((path for path in candidates if path.is_file()), None)


def test_the_seed_article_yields_the_talks_and_the_earlier_signatures() -> None:
    path = _seed_article()
    if path is None:
        pytest.skip("the seed article (shared/docs/000_90ac1f9ae7119c16.txt) is not beside this checkout")
    findings = extract(path.read_text(encoding="utf-8"), "de", datetime.date(2024, 5, 3))
    facts = {(f.parties, f.type, f.kind, f.status or f.milestone_kind, f.effective_on, f.precision) for f in findings}
    assert (("FRA", "JPN"), "RAA", "status", "talks_agreed", datetime.date(2024, 5, 2), "day") in facts
    assert (("AUS", "JPN"), "RAA", "status", "signed", None, "") in facts
    assert (("GBR", "JPN"), "RAA", "status", "signed", None, "") in facts
    # "es könnte etwa ein Jahr dauern, bis ein Abkommen ... abgeschlossen ist": at most a milestone.
    for finding in findings:
        if finding.parties == ("FRA", "JPN") and finding.kind == "status":
            assert finding.status == "talks_agreed", finding


@pytest.mark.django_db
def test_the_seed_article_corroborates_the_seeded_record(analyst: object) -> None:
    """Submitted as an analyst would, the report's facts are those the record already holds, as of its date."""
    from intake.choices import Relation
    from intake.services import article_submit

    path = _seed_article()
    if path is None:
        pytest.skip("the seed article (shared/docs/000_90ac1f9ae7119c16.txt) is not beside this checkout")
    article, _ = article_submit(
        actor=analyst, text=path.read_text(encoding="utf-8"), published_on=datetime.date(2024, 5, 3), publisher="Seed"
    )
    found = {
        (tuple(sorted(c.parties.values_list("alpha3", flat=True))), c.status): c
        for c in article.candidates.filter(kind="status")
    }
    talks = found[(("FRA", "JPN"), "talks_agreed")]
    assert talks.relation == Relation.CORROBORATES and talks.matched_event.effective_on == datetime.date(2024, 5, 2)
    for partner in ("AUS", "GBR"):
        signed = found[(tuple(sorted((partner, "JPN"))), "signed")]
        assert signed.relation == Relation.CORROBORATES and signed.agreement is not None
    assert not article.candidates.filter(parties__alpha3="FRA", kind="status").exclude(status="talks_agreed")


@pytest.mark.parametrize(
    ("text", "language", "codes"),
    [
        (
            "Tokyo and Paris agreed; Japanese and French officials met in Manila.",
            "en",
            ["JPN", "FRA", "JPN", "FRA", "PHL"],
        ),
        ("Das Abkommen zwischen Japans Regierung und dem Vereinigten Königreich", "de", ["JPN", "GBR"]),
        ("l'accord franco-japonais et le Sénat philippin", "fr", ["FRA", "JPN", "PHL"]),
        ("日豪円滑化協定と日英伊の協力、フィリピン", "ja", ["JPN", "AUS", "JPN", "GBR", "ITA", "PHL"]),
    ],
)
def test_states_are_found_by_name_adjective_capital_and_kanji_compound(text: str, language: str, codes: list) -> None:
    assert [mention.code for mention in find_states(text, language)] == codes


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("exercises in the Indo-Pacific and the Indian Ocean", "en"),
        ("Übungen im Indischen Ozean und im Südchinesischen Meer", "de"),
        ("インド太平洋とインド洋での訓練、8日に", "ja"),
    ],
)
def test_seas_and_regions_named_after_states_are_no_state(text: str, language: str) -> None:
    assert find_states(text, language) == []


@pytest.mark.parametrize(
    ("text", "language", "expected"),
    [
        ("signed on Thursday", "en", (datetime.date(2024, 5, 2), "day", False)),
        ("am Donnerstag", "de", (datetime.date(2024, 5, 2), "day", False)),
        ("jeudi dernier", "fr", (datetime.date(2024, 5, 2), "day", False)),
        ("岸田首相は2日", "ja", (datetime.date(2024, 5, 2), "day", False)),
        ("岸田首相は１２日", "ja", (datetime.date(2024, 4, 12), "day", False)),  # full-width, still to come: April
        ("in January", "en", (datetime.date(2024, 1, 1), "month", False)),
        ("im Dezember", "de", (datetime.date(2023, 12, 1), "month", False)),  # not yet this year: last year's
        ("昨年7月", "ja", (datetime.date(2023, 7, 1), "month", False)),
        ("en 2019", "fr", (datetime.date(2019, 1, 1), "year", False)),
        ("by the end of March 2026", "en", (datetime.date(2026, 3, 31), "day", True)),
        ("bis Ende 2025", "de", (datetime.date(2025, 12, 31), "day", True)),
        ("d'ici la fin de l'année", "fr", (datetime.date(2024, 12, 31), "day", True)),
        ("年内の妥結", "ja", (datetime.date(2024, 12, 31), "day", True)),
    ],
)
def test_dates_resolve_against_the_publication_date(text: str, language: str, expected: tuple) -> None:
    published = datetime.date(2024, 5, 3)  # a Friday
    [mention] = find_dates(text, language, published)
    assert (mention.on, mention.precision, mention.target) == expected


def test_a_hedge_or_denial_is_no_step_but_a_dated_plan_is_a_milestone() -> None:
    published = datetime.date(2025, 3, 1)
    hoped = extract("Japan and Canada hope to sign an information security agreement soon.", "en", published)
    denied = extract("Tokyo denied that Japan and Italy had signed a reciprocal access agreement.", "en", published)
    planned = extract(
        "Japan and Canada aim to sign an information security agreement by the end of June 2025.", "en", published
    )
    assert hoped == [] and denied == []
    [milestone] = planned
    assert (milestone.kind, milestone.milestone_kind, milestone.effective_on) == (
        "milestone",
        "signature",
        datetime.date(2025, 6, 30),
    )


def test_every_finding_keeps_its_sentence_offsets_and_cues() -> None:
    text = "Opening words here.\n\nJapan and the Philippines signed a reciprocal access agreement on Monday.\n"
    [finding] = extract(text, "en", datetime.date(2024, 7, 9))
    assert text[finding.evidence_start : finding.evidence_end] == finding.evidence
    assert finding.evidence.startswith("Japan and the Philippines signed")
    assert finding.cues == ["signed", "Monday"] and 0 < finding.confidence <= 1
