import sys
import time
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.http import QueryDict

from interchange import exporter
from negotiations.filtersets import AgreementFilterSet
from negotiations.models import Agreement


class Command(BaseCommand):
    help = (
        "Export agreements in the interchange format (docs/import-format.md) as XLSX, ODS, YAML or JSON: the "
        "same sheets import_records reads. Filters as on the agreement list: --filter status=negotiating."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "file", help="where to write; its ending says the format (.xlsx, .ods, .yaml, .json); - for standard output"
        )
        parser.add_argument(
            "--format", choices=sorted(exporter.FORMATS), help="the format, when the file name does not say"
        )
        parser.add_argument(
            "--filter",
            action="append",
            default=[],
            metavar="NAME=VALUE",
            help="a filter of the agreement list (type=RAA, party=JPN, status=negotiating, q=...); may repeat",
        )

    def handle(self, *args: object, **options: Any) -> None:
        target = options["file"]
        kind = options["format"] or Path(target).suffix.lstrip(".").lower().replace("yml", "yaml")
        if kind not in exporter.FORMATS:
            raise CommandError(
                f"Say the format: a file ending in .xlsx, .ods, .yaml or .json, or --format (got {target!r})."
            )
        filters = QueryDict(mutable=True)  # as the list's query string: a filter may repeat (party=JPN party=FRA)
        for item in options["filter"]:
            name, sep, value = item.partition("=")
            if not sep:
                raise CommandError(f"--filter takes NAME=VALUE, got {item!r}.")
            filters.appendlist(name, value)
        filterset = AgreementFilterSet(filters, queryset=Agreement.objects.all())
        if not filterset.is_valid():
            problems = "; ".join(f"{name}: {' '.join(messages)}" for name, messages in filterset.errors.items())
            raise CommandError(f"Bad filter: {problems}")
        agreements = filterset.qs
        started = time.monotonic()
        count = agreements.count()
        self.stderr.write(f"  exporting {count:,} agreements as {kind} ...")

        def progress(sheet: str, rows: int, done: bool) -> None:
            self.stderr.write(f"  {sheet}: {rows:,} rows{'' if done else ' …'}")

        if target == "-":
            exporter.write(agreements, kind, sys.stdout.buffer, progress)
            return
        path = Path(target)
        try:
            with path.open("wb") as out:
                exporter.write(agreements, kind, out, progress)
        except OSError as error:
            raise CommandError(f"{path}: cannot be written ({error.strerror or error})") from None
        size = path.stat().st_size
        self.stdout.write(
            self.style.SUCCESS(
                f"Wrote {count:,} agreements to {path} ({size / 1e6:.1f} MB) in {time.monotonic() - started:.1f} s."
            )
        )
