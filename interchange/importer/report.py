"""What an import says of each row and of the file: the outcomes, the problems, the report."""

from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

CREATED, CHANGED, UNCHANGED, REFUSED = "created", "changed", "unchanged", "refused"
OUTCOMES = (CREATED, CHANGED, UNCHANGED, REFUSED)
# What a row's outcome reads as on the page and in a summary (the codes above are the API's).
OUTCOME_LABELS = {
    CREATED: gettext_lazy("created"),
    CHANGED: gettext_lazy("changed"),
    UNCHANGED: gettext_lazy("unchanged"),
    REFUSED: gettext_lazy("refused"),
}


@dataclass
class Problem:
    """One broken rule, where it is: the sheet, the row (or YAML line), the column."""

    sheet: str
    where: str
    column: str
    rule: str
    message: str
    row: int | None = None

    def __str__(self) -> str:
        place = ", ".join(part for part in (self.sheet, self.where, self.column) if part)
        return f"{place}: {self.message} [{self.rule}]"

    def as_dict(self) -> dict[str, object]:
        return {
            "sheet": self.sheet,
            "row": self.row,
            "where": self.where,
            "column": self.column,
            "rule": self.rule,
            "message": self.message,
        }


@dataclass
class FieldChange:
    field: str
    old: str
    new: str


@dataclass
class RowResult:
    sheet: str
    row: int
    where: str
    key: str
    outcome: str = UNCHANGED
    changes: list[FieldChange] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    @property
    def outcome_label(self) -> str:
        return str(OUTCOME_LABELS[self.outcome])

    def as_dict(self) -> dict[str, object]:
        return {
            "sheet": self.sheet,
            "row": self.row,
            "where": self.where,
            "key": self.key,
            "outcome": self.outcome,
            "changes": [{"field": c.field, "old": c.old, "new": c.new} for c in self.changes],
            "errors": [problem.as_dict() for problem in self.problems],
        }


@dataclass
class ImportReport:
    name: str
    digest: str
    kind: str
    dry_run: bool
    applied: bool = False
    counts: dict[str, dict[str, int]] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    rows: list[RowResult] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def rows_read(self) -> int:
        return sum(sum(outcomes.values()) for outcomes in self.counts.values())

    def total(self, outcome: str) -> int:
        return sum(outcomes.get(outcome, 0) for outcomes in self.counts.values())

    def summary(self) -> str:
        parts = [f"{OUTCOME_LABELS[outcome]} {self.total(outcome)}" for outcome in OUTCOMES]
        verb = _("applied") if self.applied else (_("dry run") if self.dry_run else _("nothing written"))
        return _("%(rows)s rows (%(parts)s); %(errors)s errors; %(verb)s.") % {
            "rows": self.rows_read,
            "parts": ", ".join(parts),
            "errors": len(self.problems),
            "verb": verb,
        }

    def as_dict(self) -> dict[str, object]:
        return {
            "file": self.name,
            "sha256": self.digest,
            "kind": self.kind,
            "dry_run": self.dry_run,
            "applied": self.applied,
            "counts": self.counts,
            "errors": [problem.as_dict() for problem in self.problems],
            "rows": [row.as_dict() for row in self.rows],
        }
