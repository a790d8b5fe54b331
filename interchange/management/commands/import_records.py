import sys
from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser

from interchange.importer import RowResult, import_records
from interchange.progress import RowCounter
from interchange.reading import FileRefused


class Command(BaseCommand):
    help = (
        "Import agreements, their parties' steps, status changes, rounds, milestones, sources and citations from "
        "a workbook (XLSX, ODS), a CSV sheet, YAML or JSON (docs/import-format.md). Writes everything or nothing."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="the file to import (its name's ending says its kind)")
        parser.add_argument("--dry-run", action="store_true", help="check and show what would change; write nothing")
        parser.add_argument("--sheet", help="for a CSV file: the sheet it holds (default: the file's name, events.csv)")
        parser.add_argument("--as-user", help="import as this user, with their permissions (default: the application)")
        parser.add_argument("--show", choices=["errors", "changes", "all"], default="errors", help="which rows to list")

    def handle(self, *args: object, **options: Any) -> None:
        path = Path(options["file"])
        actor = None
        if options["as_user"]:
            actor = get_user_model().objects.filter(username=options["as_user"]).first()
            if actor is None:
                raise CommandError(f"No user {options['as_user']!r}.")
        counter = RowCounter(self.stdout, interactive=sys.stdout.isatty())
        show = options["show"]

        def on_row(result: RowResult) -> None:
            counter.count(result)
            listed = show == "all" or result.problems or (show == "changes" and result.outcome != "unchanged")
            if listed:
                counter.clear()
                self.stdout.write(_describe(result))

        try:
            with path.open("rb") as stream:
                report = import_records(
                    stream,
                    name=path.name,
                    actor=actor,
                    dry_run=options["dry_run"],
                    sheet=options["sheet"],
                    on_row=on_row,
                    keep_rows=False,
                    on_sheet=counter.start,
                )
        except OSError as error:
            raise CommandError(f"{path}: cannot be read ({error.strerror or error})") from None
        except FileRefused as refused:
            raise CommandError(f"{path.name}: {refused.message} Nothing was written.") from None
        counter.done()
        for problem in report.problems:
            if problem.row is None or problem.row == 1:  # the file's shape; the rows' own were listed above
                self.stdout.write(f"  {problem}")
        for sheet, counts in report.counts.items():
            parts = ", ".join(f"{n} {outcome}" for outcome, n in counts.items() if n)
            self.stdout.write(f"  {sheet}: {parts or 'no rows'}")
        summary = f"{path.name} (sha256 {report.digest[:16]}…): {report.summary()} ({report.seconds:.1f} s)"
        if not report.ok:
            raise CommandError(f"{summary} Nothing was written: mend the {len(report.problems)} errors above.")
        self.stdout.write(self.style.SUCCESS(summary))


def _describe(result: RowResult) -> str:
    head = f"  {result.sheet}, {result.where} ({result.key}): {result.outcome}"
    lines = [head]
    lines += [f"      {change.field}: {change.old or '–'} → {change.new or '–'}" for change in result.changes]
    lines += [f"      {problem.column}: {problem.message} [{problem.rule}]" for problem in result.problems]
    return "\n".join(lines)
