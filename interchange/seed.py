"""The seed is an import: states from ISO 3166-1, groupings, and the verified record of shared/docs/DOMAIN.md and
RECORD.md (negotiations/data/record.yaml, in the interchange format), loaded by the same importer that reads an
analyst's workbook, as the application itself. Loading it again changes nothing."""

import tomllib
from collections.abc import Callable
from pathlib import Path

from django.db import transaction

import negotiations
import parties
from parties.models import State
from parties.services import grouping_upsert, states_load_from_iso

from .importer import ImportReport, RowResult, import_records

RECORD_FILE = Path(negotiations.__file__).resolve().parent / "data" / "record.yaml"
GROUPINGS_FILE = Path(parties.__file__).resolve().parent / "data" / "groupings.toml"


class SeedError(ValueError):
    """The record file cannot be loaded; each problem names the sheet, row or line, column and rule."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("\n".join(problems))


def seed_record(
    report: Callable[[str], None] = lambda line: None,
    path: Path = RECORD_FILE,
    on_row: Callable[[RowResult], None] | None = None,
    on_sheet: Callable[[str, int | None], None] | None = None,
) -> ImportReport:
    """Load states, groupings and the record file (in one transaction each); raises SeedError naming every
    problem of the file, which then stores none of it."""
    created, updated = states_load_from_iso()
    report(f"states: {State.objects.count()} ISO 3166-1 entries ({created} created, {updated} updated)")
    groupings = load_groupings()
    report(f"groupings: {groupings}")
    try:
        with path.open("rb") as stream:
            result = import_records(
                stream,
                name=path.name,
                actor=None,
                dry_run=False,
                keep_rows=False,
                on_row=on_row,
                system="seed",
                on_sheet=on_sheet,
            )
    except OSError as error:
        raise SeedError([f"{path}: cannot be read ({error.strerror or error})"]) from None
    if not result.ok:
        raise SeedError([f"{path.name}: {problem}" for problem in result.problems])
    for sheet, counts in result.counts.items():
        report(f"{sheet}: " + ", ".join(f"{n} {outcome}" for outcome, n in counts.items() if n))
    return result


@transaction.atomic
def load_groupings(path: Path = GROUPINGS_FILE) -> int:
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    for code, grouping in data["groupings"].items():
        grouping_upsert(code=code, name=grouping["name"], member_codes=grouping["members"])
    return len(data["groupings"])
