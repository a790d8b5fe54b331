import sys
from typing import IO, Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DEFAULT_DB_ALIAS

from transfer.document import TransferError
from transfer.importer import import_record


class Command(BaseCommand):
    help = (
        "Load a document written by export_record into an empty, migrated database (SQLite or PostgreSQL), "
        "in one transaction: a refused or broken document writes nothing."
    )

    stealth_options = ("stdin",)  # call_command(..., stdin=...) in place of standard input

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", help="File to read, or - for standard input.")
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS, help="Database alias to import into.")

    def handle(self, *args: Any, path: str, database: str, **options: Any) -> None:
        self.stderr.style_func = None  # progress on stderr is plain text, not an error

        def progress(line: str) -> None:
            self.stderr.write(f"  {line}")

        try:
            if path == "-":
                source: IO[Any] = options.get("stdin") or sys.stdin  # text, or bytes as call_command may give
                report = import_record(stream=getattr(source, "buffer", source), progress=progress, using=database)
            else:
                with open(path, "rb") as stream:
                    report = import_record(stream=stream, progress=progress, using=database)
        except OSError as error:
            raise CommandError(f"Cannot read {path}: {error.strerror or error}.") from error
        except TransferError as error:
            raise CommandError(f"Nothing imported. {error}") from error
        self.stderr.write(self.style.SUCCESS(f"Imported from {path}: {report.summary()}."))
