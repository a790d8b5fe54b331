"""Reading a record document into an empty database, in one transaction, every value's type checked."""

from __future__ import annotations

import time
from collections.abc import Callable
from functools import partial
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.color import no_style
from django.db import DEFAULT_DB_ALIAS, DatabaseError, IntegrityError, connections, transaction
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import Field, Model
from django.db.models.fields.related import RelatedField

from . import document
from .document import (
    BATCH,
    FORMAT,
    VERSION,
    Progress,
    TransferError,
    TransferReport,
    by_natural_key,
    exported_models,
    migration_state,
    natural_key_manager,
    silent,
)
from .jsonstream import ByteSource, JsonStreamError, JsonStreamReader

# A value as handed to the database driver: what a field's get_db_prep_save() returns, which may be one of the
# driver's adapter objects (a JSON value on PostgreSQL), so more than the plain types Django's stubs list.
DatabaseValue = Any


def import_record(*, stream: ByteSource, progress: Progress = silent, using: str = DEFAULT_DB_ALIAS) -> TransferReport:
    """Load a document written by export_record into an empty database at the same migration state.

    Everything is written in one transaction: a refused or broken document leaves the database as it was.
    Rows are restored history, INSERTed as they are (no services, no full_clean, no auto_now): each value's
    type is checked, the database's own constraints still apply, and the record cache's triggers see the
    writes and invalidate it."""
    started = time.monotonic()
    connection = connections[using]
    models = {model._meta.label_lower: model for model in exported_models()}
    reader = JsonStreamReader(stream)
    header: dict[str, object] = {}
    counts: dict[str, int] = {}
    try:
        with transaction.atomic(using=using):
            tables_seen = False
            for key in reader.members():
                if key != "tables":
                    header[key] = reader.value()
                    continue
                if tables_seen:
                    reader.fail("a second list of tables")
                tables_seen = True
                expected = _check_header(header, connection, models, using)
                for _ in reader.elements():
                    _import_table(reader, models, expected, counts, connection, using, progress)
            reader.end()
            if not tables_seen:
                _check_header(header, connection, models, using)
                raise TransferError("The document has no tables.")
            missing = [label for label in models if label not in counts]
            if missing:
                raise TransferError(f"The document lacks the tables {', '.join(missing)}.")
            progress("references between the tables: checking")
            try:
                connection.check_constraints(table_names=[model._meta.db_table for model in models.values()])
            except IntegrityError as error:
                raise TransferError(f"The document refers to rows that it does not contain: {error}") from error
            with connection.cursor() as cursor:
                # New rows get ids after the imported ones (PostgreSQL's sequences; SQLite keeps up by itself).
                for statement in connection.ops.sequence_reset_sql(no_style(), list(models.values())):
                    cursor.execute(statement)
    except JsonStreamError as error:
        raise TransferError(f"The document is not a valid record: {error}.") from None
    return TransferReport(counts=counts, seconds=time.monotonic() - started, size=reader.bytes_read)


def _check_header(
    header: dict[str, object], connection: BaseDatabaseWrapper, models: dict[str, type[Model]], using: str
) -> dict[str, int]:
    """Refuse a document of another kind, version or migration state, or a database that holds data.

    Returns the row count of each table that the header announces."""
    if header.get("format") != FORMAT:
        raise TransferError(
            f"This is not a record written by export_record: its format is {header.get('format')!r}, "
            f"expected {FORMAT!r} (the header must come before the tables)."
        )
    version = header.get("version")
    if type(version) is not int or version != VERSION:
        raise TransferError(
            f"The document has format version {version!r}; this version of RAA Tracker reads version {VERSION}."
        )
    theirs = header.get("migrations")
    ours = migration_state(connection)
    if theirs != ours:
        theirs = theirs if isinstance(theirs, dict) else {}
        differences = "; ".join(
            f"{app}: document {theirs.get(app)!r}, database {ours.get(app)!r}"
            for app in sorted(set(ours) | set(theirs))
            if theirs.get(app) != ours.get(app)
        )
        raise TransferError(
            f"The document's migration state differs from this database's ({differences}). Export and import "
            "with the same version of RAA Tracker, after `manage.py migrate` on both databases."
        )
    counts = header.get("counts")
    if (
        not isinstance(counts, dict)
        or set(counts) != set(models)
        or any(type(n) is not int or n < 0 for n in counts.values())
    ):
        raise TransferError(f"The header's counts must give the number of rows of each of {', '.join(models)}.")
    occupied = [label for label, model in models.items() if model._base_manager.using(using).exists()]
    if occupied:
        raise TransferError(
            f"The database already holds data ({', '.join(occupied)}); import_record loads into an empty "
            "database only. Create a new database, run `manage.py migrate` on it, and import there."
        )
    return counts


def _import_table(
    reader: JsonStreamReader,
    models: dict[str, type[Model]],
    expected: dict[str, int],
    counts: dict[str, int],
    connection: BaseDatabaseWrapper,
    using: str,
    progress: Progress,
) -> None:
    """Read one table's entry: its model and fields, then its rows, inserted in batches."""
    table: dict[str, object] = {}
    for key in reader.members():
        if key != "rows":
            table[key] = reader.value()
            continue
        label = table.get("model")
        if label not in models:
            reader.fail(f"unknown table {label!r} (the model and its fields come before the rows)")
        if label in counts:
            reader.fail(f"the table {label} appears twice")
        model = models[label]
        names = table.get("fields")
        ours = [field.name for field in model._meta.concrete_fields]
        if not isinstance(names, list) or sorted(map(str, names)) != sorted(ours):
            reader.fail(f"{label} has the fields {names!r}; this version has {ours}")
        counts[label] = _import_rows(reader, model, names, models, expected[label], connection, using, progress)
    if "model" not in table or table["model"] not in counts:
        reader.fail("a table without rows")


def _import_rows(
    reader: JsonStreamReader,
    model: type[Model],
    names: list[str],
    models: dict[str, type[Model]],
    total: int,
    connection: BaseDatabaseWrapper,
    using: str,
    progress: Progress,
) -> int:
    label = model._meta.label_lower
    readers = _column_readers(model, names, list(models.values()), connection, using)
    insert = _Inserter(model, connection)
    batch: list[list[DatabaseValue]] = []
    done = 0
    for number in reader.elements():
        row = reader.value()
        if not isinstance(row, list) or len(row) != len(names):
            reader.fail(f"row {number + 1} of {label} is not an array of {len(names)} values")
        try:
            batch.append([read(row[index]) for index, read in readers])
        except (ValidationError, TransferError) as error:
            message = "; ".join(error.messages) if isinstance(error, ValidationError) else str(error)
            reader.fail(f"row {number + 1} of {label}: {message}")
        done += 1
        if len(batch) == BATCH:
            insert(batch, first=done - len(batch) + 1)
            batch = []
        if done % document.PROGRESS_EVERY == 0 and done < total:
            progress(f"{label}: {done:,}/{total:,}")
    if batch:
        insert(batch, first=done - len(batch) + 1)
    if done != total:
        raise TransferError(f"{label} has {done:,} rows in the document, but its header announces {total:,}.")
    progress(f"{label}: {done:,}/{total:,}")
    return done


_INTEGER_TYPES = {
    "AutoField",
    "BigAutoField",
    "SmallAutoField",
    "IntegerField",
    "BigIntegerField",
    "SmallIntegerField",
    "PositiveIntegerField",
    "PositiveBigIntegerField",
    "PositiveSmallIntegerField",
}
_TEXT_TYPES = {"CharField", "TextField", "SlugField"}


def _column_readers(
    model: type[Model], names: list[str], exported: list[type[Model]], connection: BaseDatabaseWrapper, using: str
) -> list[tuple[int, Callable[[object], DatabaseValue]]]:
    """For each concrete field, in the model's order: its position in a document row, and how to turn the JSON
    value into the database's parameter (checking its type on the way)."""
    natural = by_natural_key(model, exported)
    readers = []
    for field in model._meta.concrete_fields:
        kind = (field.target_field if isinstance(field, RelatedField) else field).get_internal_type()
        if field in natural:
            read = _natural_key_lookup(field, using)
        elif kind in _INTEGER_TYPES:
            read = _expect(int, field)
        elif kind in _TEXT_TYPES:
            read = _expect(str, field)
        elif kind == "BooleanField":
            read = _expect(bool, field)
        else:  # dates, times, JSON and the rest: parsed, checked and adapted by the field itself
            read = partial(_prepared, field, connection)
        readers.append((names.index(field.name), read))
    return readers


def _expect(kind: type, field: Field) -> Callable[[object], DatabaseValue]:
    """Values that JSON and the database share (numbers, strings, booleans) go as they are, once checked."""

    def read(value: object) -> DatabaseValue:
        if value is None or type(value) is kind:
            return value
        raise ValidationError(f"{field.name} must be {kind.__name__} or null, not {value!r}")

    return read


def _prepared(field: Field, connection: BaseDatabaseWrapper, value: object) -> DatabaseValue:
    return field.get_db_prep_save(value, connection)


def _natural_key_lookup(field: RelatedField[Any, Any], using: str) -> Callable[[object], DatabaseValue]:
    manager = natural_key_manager(field.related_model, using)
    found: dict[tuple, object] = {}

    def lookup(key: object) -> DatabaseValue:
        if key is None:
            return None
        if not isinstance(key, list):
            raise TransferError(f"{field.name} must be a natural key (an array), not {key!r}")
        if tuple(key) not in found:
            try:
                found[tuple(key)] = manager.get_by_natural_key(*key).pk
            # A relation's model is concrete, so it has DoesNotExist; the plugin grants it to concrete models only.
            except (field.related_model.DoesNotExist, TypeError):  # type: ignore[attr-defined]
                raise TransferError(f"{field.name} {key!r} does not exist in this database") from None
        return found[tuple(key)]

    return lookup


def _column(field: Field) -> str:
    assert field.column is not None  # only many-to-many fields have none, and they are not concrete
    return field.column


class _Inserter:
    """INSERTs rows as they are, with their ids and timestamps: no save(), so no auto_now and no signals.

    The database's constraints and triggers (the record cache's) apply as to any other write."""

    def __init__(self, model: type[Model], connection: BaseDatabaseWrapper) -> None:
        self.label = model._meta.label_lower
        self.connection = connection
        quote = connection.ops.quote_name
        fields = model._meta.concrete_fields
        columns = ", ".join(quote(_column(field)) for field in fields)
        self.head = f"INSERT INTO {quote(model._meta.db_table)} ({columns}) VALUES "  # noqa: S608 - names from the model
        self.placeholder = "(" + ", ".join(["%s"] * len(fields)) + ")"

    def __call__(self, rows: list[list[DatabaseValue]], first: int) -> None:
        try:
            with self.connection.cursor() as cursor:
                if self.connection.vendor == "sqlite":
                    # One prepared statement for all rows (SQLite takes at most 999 parameters per statement).
                    cursor.executemany(self.head + self.placeholder, rows)
                else:
                    # One statement for the batch: a round trip per row would cost minutes for a large record.
                    params = [value for row in rows for value in row]
                    cursor.execute(self.head + ", ".join([self.placeholder] * len(rows)), params)
        except DatabaseError as error:
            last = first + len(rows) - 1
            raise TransferError(f"{self.label}, rows {first:,} to {last:,}, could not be stored: {error}") from error
        if self.connection.queries_logged:
            self.connection.queries_log.clear()  # DEBUG keeps every statement; a large import would fill memory
