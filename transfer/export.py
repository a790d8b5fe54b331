"""Writing the record document: every exported table from one snapshot, row by row (see transfer.document)."""

import datetime
import json
import time
from typing import Protocol

import orjson
from django.core.serializers.json import DjangoJSONEncoder
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.utils import timezone

from . import document
from .document import (
    BATCH,
    FORMAT,
    VERSION,
    Progress,
    TransferReport,
    by_natural_key,
    exported_models,
    migration_state,
    natural_key,
    silent,
)


class ByteSink(Protocol):
    """Where the document goes: a binary file, or anything that takes bytes the same way."""

    def write(self, data: bytes, /) -> int: ...

    def flush(self) -> None: ...


def _json_default(value: object) -> object:
    """Values that JSON has no type for: dates and times in ISO 8601 with every digit, the rest as Django does."""
    if isinstance(value, datetime.date | datetime.time):
        return value.isoformat()  # DjangoJSONEncoder would cut times to milliseconds
    return DjangoJSONEncoder().default(value)


class _Writer:
    """Writes the document piece by piece: one row per line, or every value indented with `indent`."""

    def __init__(self, stream: ByteSink, indent: int | None) -> None:
        self.stream = stream
        self.indent = indent
        self.size = 0
        self._colon = b": " if indent is not None else b":"
        self._rows_in_table = 0

    def _write(self, data: bytes) -> None:
        self.stream.write(data)
        self.size += len(data)

    def _newline(self, level: int) -> bytes:
        return b"\n" + b" " * ((self.indent or 0) * level)

    def _dump(self, value: object, level: int) -> bytes:
        if self.indent is None:
            return orjson.dumps(value, default=_json_default)
        text = json.dumps(value, indent=self.indent, ensure_ascii=False, default=_json_default)
        return text.replace("\n", "\n" + " " * (self.indent * level)).encode()

    def _member(self, key: str, value: object, level: int) -> bytes:
        return self._newline(level) + self._dump(key, level) + self._colon + self._dump(value, level)

    def start_document(self, header: dict[str, object]) -> None:
        self._write(b"{" + b"".join(self._member(k, v, 1) + b"," for k, v in header.items()))
        self._write(self._newline(1) + b'"tables"' + self._colon + b"[")

    def start_table(self, label: str, names: list[str], first: bool) -> None:
        self._write(
            (b"" if first else b",")
            + self._newline(2)
            + b"{"
            + self._member("model", label, 3)
            + b","
            + self._member("fields", names, 3)
            + b","
            + self._newline(3)
            + b'"rows"'
            + self._colon
            + b"["
        )
        self._rows_in_table = 0

    def row(self, values: list[object] | tuple[object, ...]) -> None:
        self._write((b"," if self._rows_in_table else b"") + self._newline(4) + self._dump(values, 4))
        self._rows_in_table += 1

    def end_table(self) -> None:
        self._write((self._newline(3) if self._rows_in_table else b"") + b"]" + self._newline(2) + b"}")

    def end_document(self) -> None:
        self._write(self._newline(1) + b"]\n}\n")


def export_record(
    *, stream: ByteSink, progress: Progress = silent, indent: int | None = None, using: str = DEFAULT_DB_ALIAS
) -> TransferReport:
    """Write the whole record to `stream` (binary), table by table, from one consistent snapshot."""
    started = time.monotonic()
    connection = connections[using]
    models = exported_models()
    writer = _Writer(stream, indent)
    outermost = not connection.in_atomic_block
    with transaction.atomic(using=using):
        if outermost and connection.vendor == "postgresql":
            # Every table read from the same snapshot, so that counts and references agree while others write.
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        counts = {model._meta.label_lower: model._base_manager.using(using).count() for model in models}
        header = {
            "format": FORMAT,
            "version": VERSION,
            "exported_at": timezone.now(),
            "database": connection.vendor,
            "migrations": migration_state(connection),
            "counts": counts,
        }
        writer.start_document(header)
        for position, model in enumerate(models):
            label = model._meta.label_lower
            fields = model._meta.concrete_fields
            writer.start_table(label, [field.name for field in fields], first=position == 0)
            natural = []
            for field in by_natural_key(model, models):
                related = field.related_model._base_manager.using(using).select_related()
                keys = {obj.pk: natural_key(obj) for obj in related}
                natural.append((fields.index(field), keys))
            rows = (
                model._base_manager.using(using)
                .order_by("pk")
                .values_list(*[field.attname for field in fields])
                .iterator(chunk_size=BATCH)
            )
            done, total = 0, counts[label]
            for row in rows:
                if natural:
                    row = list(row)
                    for index, keys in natural:
                        row[index] = keys.get(row[index])
                writer.row(row)
                done += 1
                if done % document.PROGRESS_EVERY == 0 and done < total:
                    progress(f"{label}: {done:,}/{total:,}")
            writer.end_table()
            progress(f"{label}: {done:,}/{total:,}")
        writer.end_document()
    stream.flush()
    return TransferReport(counts=counts, seconds=time.monotonic() - started, size=writer.size)
