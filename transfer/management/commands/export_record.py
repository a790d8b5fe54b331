import sys
from pathlib import Path
from typing import Any, TextIO

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DEFAULT_DB_ALIAS

from transfer.document import TransferReport
from transfer.export import ByteSink, export_record


class _TextSink:
    """Lets the binary writer fill a text stream that has no bytes underneath (call_command's StringIO)."""

    def __init__(self, text: TextIO) -> None:
        self.text = text

    def write(self, data: bytes) -> int:
        self.text.write(data.decode())  # each piece written is whole JSON, so never a split character
        return len(data)

    def flush(self) -> None:
        self.text.flush()


class Command(BaseCommand):
    help = (
        "Write the whole record (users, parties, agreements and their history, watches, notifications) as one "
        "JSON document, for import_record into an empty database, SQLite or PostgreSQL."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", help="File to write, or - for standard output.")
        parser.add_argument(
            "--indent", type=int, help="Indent every value by this many spaces (default: one row per line)."
        )
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS, help="Database alias to export from.")

    def handle(self, *args: Any, path: str, indent: int | None, database: str, **options: Any) -> None:
        if indent is not None and indent < 0:
            raise CommandError("--indent must be 0 or more.")
        self.stderr.style_func = None  # progress on stderr is plain text, not an error; stdout may carry the document

        def progress(line: str) -> None:
            self.stderr.write(f"  {line}")

        if path == "-":
            out: TextIO = options.get("stdout") or sys.stdout
            stream: ByteSink = getattr(out, "buffer", None) or _TextSink(out)
            report = export_record(stream=stream, progress=progress, indent=indent, using=database)
            self._summary(report, "standard output")
            return
        target = Path(path)
        partial = target.with_name(target.name + ".partial")  # a failed export leaves no file that looks whole
        try:
            with open(partial, "wb", buffering=1 << 20) as stream:
                report = export_record(stream=stream, progress=progress, indent=indent, using=database)
            partial.replace(target)
        except OSError as error:
            partial.unlink(missing_ok=True)
            raise CommandError(f"Cannot write {path}: {error.strerror or error}.") from error
        except BaseException:
            partial.unlink(missing_ok=True)
            raise
        self._summary(report, str(target))

    def _summary(self, report: TransferReport, where: str) -> None:
        self.stderr.write(self.style.SUCCESS(f"Exported to {where}: {report.summary()}."))
