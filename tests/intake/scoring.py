"""Scores the extraction against the labelled articles: run `python -m tests.intake.scoring [language] [-v]`."""

import sys
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from intake.extraction.engine import Finding, extract

FOLDER = Path(__file__).parent / "articles"
LANGUAGES = ("en", "de", "fr", "ja")


def label_key(label: dict) -> tuple:
    """What must agree for a finding to count as the label: parties, type, step and date with its precision."""
    kind = label["kind"]
    value = {
        "status": label.get("status"),
        "participation": (label.get("step"), label.get("party")),
        "round": label.get("number"),
        "milestone": label.get("milestone"),
    }[kind]
    date = label.get("effective_on")
    return (tuple(label["parties"]), label["type"], kind, value, str(date) if date else None, label.get("precision"))


def finding_key(finding: Finding) -> tuple:
    value = {
        "status": finding.status,
        "participation": (finding.step, finding.party),
        "round": finding.number,
        "milestone": finding.milestone_kind,
    }[finding.kind]
    date = str(finding.effective_on) if finding.effective_on else None
    return (finding.parties, finding.type, finding.kind, value, date, finding.precision or None)


@dataclass
class Score:
    language: str
    true_positives: int = 0
    false_positives: list = field(default_factory=list)
    false_negatives: list = field(default_factory=list)

    @property
    def precision(self) -> float:
        found = self.true_positives + len(self.false_positives)
        return self.true_positives / found if found else 1.0

    @property
    def recall(self) -> float:
        labelled = self.true_positives + len(self.false_negatives)
        return self.true_positives / labelled if labelled else 1.0


def articles(language: str, folder: Path = FOLDER) -> list[dict]:
    return yaml.safe_load((folder / f"{language}.yaml").read_text(encoding="utf-8"))["articles"]


def score(language: str, folder: Path = FOLDER) -> Score:
    result = Score(language)
    for article in articles(language, folder):
        expected = [label_key(label) for label in article["candidates"]]
        found = [
            finding_key(finding)
            for finding in extract(article["text"], language, article["published_on"], article["title"])
        ]
        remaining = list(expected)
        for key in found:
            if key in remaining:
                remaining.remove(key)
                result.true_positives += 1
            else:
                result.false_positives.append((article["id"], key))
        result.false_negatives += [(article["id"], key) for key in remaining]
    return result


if __name__ == "__main__":
    chosen = [arg for arg in sys.argv[1:] if not arg.startswith("-")] or LANGUAGES
    sets = {"--validation": "validation", "--heldout": "heldout", "--tuning": "tuning", "--unseen": "unseen"}
    folder = next((FOLDER / name for flag, name in sets.items() if flag in sys.argv), FOLDER)
    for language in chosen:
        result = score(language, folder)
        print(
            f"{language}: precision {result.precision:.3f} recall {result.recall:.3f} "
            f"(tp {result.true_positives}, fp {len(result.false_positives)}, fn {len(result.false_negatives)})"
        )
        if "-v" in sys.argv:
            for where, key in result.false_positives:
                print("   FP", where, key)
            for where, key in result.false_negatives:
                print("   FN", where, key)
