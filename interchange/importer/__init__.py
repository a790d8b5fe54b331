"""Importing a record file (docs/import-format.md): every row checked, then written through the services.

The import runs in one transaction and writes as it reads, so a later row sees what an earlier one created
(an event of an agreement the same file adds) and every rule is the services' own: the lifecycle, the
evidence rule, the permissions. Each row ends created, changed (field: old → new), unchanged or refused. A
dry run, or a file with any refused row, rolls the transaction back: the preview is exactly what applying
would do, and applying writes everything or nothing. Rows are matched to the stored record by the keys of
the format, so importing the same file twice changes nothing the second time.

Rows stream from the reader; what the import keeps grows only with the keys it has seen (a duplicate key
is an error) and, for the dashboard and the API, the rows' results.
"""

import hashlib
import time
from collections.abc import Callable
from typing import IO

from django.contrib.auth.models import User
from django.db import transaction
from django.utils.translation import gettext as _

from raa_tracker import provenance

from ..reading import open_record
from .report import (
    CHANGED,
    CREATED,
    OUTCOME_LABELS,
    OUTCOMES,
    REFUSED,
    UNCHANGED,
    FieldChange,
    ImportReport,
    Problem,
    RowResult,
)
from .sheets import Import
from .values import format_date, parse_date

__all__ = [
    "CHANGED", "CREATED", "OUTCOMES", "OUTCOME_LABELS", "REFUSED", "UNCHANGED", "FieldChange", "ImportReport",
    "Problem", "RowResult", "file_digest", "format_date", "import_records", "parse_date",
]  # fmt: skip


class _Rollback(Exception):
    """Leaves the import's transaction without writing (a dry run, or a file with refused rows)."""


def file_digest(stream: IO[bytes]) -> str:
    stream.seek(0)
    digest = hashlib.sha256()
    for chunk in iter(lambda: stream.read(1 << 20), b""):
        digest.update(chunk)
    stream.seek(0)
    return digest.hexdigest()


def import_records(
    stream: IO[bytes],
    *,
    name: str,
    actor: User | None,
    dry_run: bool = True,
    kind: str | None = None,
    sheet: str | None = None,
    on_row: Callable[[RowResult], None] | None = None,
    keep_rows: bool = True,
    system: str | None = None,
    on_sheet: Callable[[str, int | None], None] | None = None,
) -> ImportReport:
    """Check (and unless `dry_run`, write) the record file `name` for `actor` (None: the application, as the
    seed). Raises FileRefused for a file that cannot be read at all; every other fault is in the report."""
    started = time.monotonic()
    digest = file_digest(stream)
    record = open_record(name, stream, kind=kind, sheet=sheet)
    report = ImportReport(name=name, digest=digest, kind=record.kind, dry_run=dry_run)
    context = provenance.writing(
        channel=provenance.Channel.IMPORT,
        system="" if actor is not None else (system or f"import {name}"),
        note=_("import of %(name)s (sha256 %(digest)s)") % {"name": name, "digest": digest[:16]},
        batch=True,
    )
    try:
        with context, transaction.atomic():
            Import(record, actor, report, on_row, keep_rows, on_sheet).run()
            report.applied = not dry_run and report.ok
            if not report.applied:
                raise _Rollback
    except _Rollback:
        pass
    finally:
        record.close()
    report.seconds = time.monotonic() - started
    return report
