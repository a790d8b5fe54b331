"""The whole record as one JSON document (issue #7): a backup that round-trips without loss, and the way to
move a deployment between SQLite and PostgreSQL (`manage.py export_record` / `import_record`).

The document is one JSON object, the header first, then every table's rows:

    {"format": "raa-tracker-record", "version": 1, "exported_at": "2025-01-31T09:00:00.123456+00:00",
     "database": "sqlite",
     "migrations": {"auth": "0012_alter_user_first_name_max_length", "parties": "0001_initial", ...},
     "counts": {"auth.group": 0, ..., "negotiations.statusevent": 31, ...},
     "tables": [{"model": "parties.state", "fields": ["id", "created_at", ...], "rows": [[1, "...", ...], ...]},
                ...]}

`migrations` is the latest applied migration of each exported app: rows fit a database only at the same
state, so the import refuses any other. Tables come in dependency order, rows by primary key, one array per
row in the order of `fields` (the model's concrete fields; a relation holds the related row's id). Ids are
kept, so URLs, API ids and references stay valid; timestamps are kept to the microsecond (the import INSERTs
rows as they are, without save(), so auto_now and auto_now_add do not replace them).

Exported: every table of auth (users with their password hashes, groups), parties, negotiations, accounts
(profiles, API tokens, which exist only as digests) and notifications, many-to-many tables included.
Notifications and delivery attempts are part of it: a notification's unique key is the ledger that makes
reminders exactly-once (without it the new deployment's sweep would send again every reminder whose window
is still open), pending and digest-held notices would otherwise be lost, and users and webhook consumers
read the attempt log. The document thus holds password hashes and webhook secrets: it is as private as the
database. What is left out, and why, is in LEFT_OUT.
"""

import datetime
import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import BinaryIO

import orjson
from django.apps import apps
from django.core.exceptions import ValidationError
from django.core.management.color import no_style
from django.core.serializers.json import DjangoJSONEncoder
from django.db import DEFAULT_DB_ALIAS, DatabaseError, IntegrityError, connections, transaction
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.migrations.loader import MigrationLoader
from django.db.models import Field, Model
from django.utils import timezone

from raa_tracker.jsonstream import JsonStreamError, JsonStreamReader

FORMAT = "raa-tracker-record"
VERSION = 1

# Every table of these apps is exported, except those in LEFT_OUT.
EXPORTED_APPS = ("auth", "parties", "negotiations", "accounts", "notifications")

# Models and apps that are not exported, and why (a test checks that every installed model is one or the other).
LEFT_OUT = {
    "auth.permission": "created by migrate; groups and users refer to permissions by natural key",
    "contenttypes": "created by migrate; nothing exported refers to them by id",
    "admin": "the admin's own log of its form edits, by content type id; the record's history is its event log",
    "sessions": "sign-ins do not move; users sign in again",
    "axes": "failed sign-ins and lockouts are short-lived",
    "record_cache": "the cache's generation token, which the import's own writes replace",
}

BATCH = 1000  # rows read or written at a time
PROGRESS_EVERY = 100_000  # rows between progress lines of a large table

Progress = Callable[[str], None]


def _silent(line: str) -> None:
    """The default progress callback: says nothing."""


class TransferError(Exception):
    """The document cannot be imported here; the message says why. Nothing has been written."""


@dataclass
class TransferReport:
    counts: dict[str, int]  # rows per table, in the document's order
    seconds: float
    size: int  # bytes written or read

    @property
    def rows(self) -> int:
        return sum(self.counts.values())

    def summary(self) -> str:
        tables = ", ".join(f"{label} {count:,}" for label, count in self.counts.items() if count)
        return f"{self.rows:,} rows in {self.seconds:.1f} s, {human_size(self.size)} ({tables or 'no rows'})"


def human_size(size: int) -> str:
    for unit, factor in (("GB", 1e9), ("MB", 1e6), ("kB", 1e3)):
        if size >= factor:
            return f"{size / factor:.1f} {unit}"
    return f"{size} bytes"


def exported_models() -> list[type[Model]]:
    """Every exported table (many-to-many tables included), each after the tables that it refers to."""
    remaining = [
        model
        for label in EXPORTED_APPS
        for model in apps.get_app_config(label).get_models(include_auto_created=True)
        if model._meta.managed and not model._meta.proxy and model._meta.label_lower not in LEFT_OUT
    ]
    ordered = []
    while remaining:
        ready = next(model for model in remaining if not (_referenced(model) & (set(remaining) - {model})))
        ordered.append(ready)
        remaining.remove(ready)
    return ordered


def _referenced(model: type[Model]) -> set[type[Model]]:
    return {field.related_model for field in model._meta.concrete_fields if field.is_relation}


def _by_natural_key(model: type[Model], exported: list[type[Model]]) -> list[Field]:
    """Relations to tables that are not exported: written as the related row's natural key, not its id."""
    fields = [f for f in model._meta.concrete_fields if f.is_relation and f.related_model not in exported]
    for field in fields:
        if not hasattr(field.related_model, "natural_key"):
            raise TypeError(
                f"{model._meta.label_lower}.{field.name} refers to a table that is neither exported "
                "nor identified by a natural key; export it or add it to LEFT_OUT with a reason."
            )
    return fields


def migration_state(connection: BaseDatabaseWrapper) -> dict[str, str]:
    """The latest applied migration of each exported app (several, comma-separated, before a merge)."""
    loader = MigrationLoader(connection, ignore_no_migrations=True)
    applied = set(loader.applied_migrations or ())
    state = {}
    for app in EXPORTED_APPS:
        mine = {key for key in applied if key[0] == app}
        latest = []
        for key in mine:
            node = loader.graph.node_map.get(key)
            if node is None or not any(child.key in mine for child in node.children):
                latest.append(key[1])
        state[app] = ", ".join(sorted(latest))
    return state


def _json_default(value: object) -> object:
    """Values that JSON has no type for: dates and times in ISO 8601 with every digit, the rest as Django does."""
    if isinstance(value, datetime.date | datetime.time):
        return value.isoformat()  # DjangoJSONEncoder would cut times to milliseconds
    return DjangoJSONEncoder().default(value)


class _Writer:
    """Writes the document piece by piece: one row per line, or every value indented with `indent`."""

    def __init__(self, stream: BinaryIO, indent: int | None) -> None:
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
    *, stream: BinaryIO, progress: Progress = _silent, indent: int | None = None, using: str = DEFAULT_DB_ALIAS
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
            for field in _by_natural_key(model, models):
                related = field.related_model._base_manager.using(using).select_related()
                keys = {obj.pk: list(obj.natural_key()) for obj in related}
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
                if done % PROGRESS_EVERY == 0 and done < total:
                    progress(f"{label}: {done:,}/{total:,}")
            writer.end_table()
            progress(f"{label}: {done:,}/{total:,}")
        writer.end_document()
    stream.flush()
    return TransferReport(counts=counts, seconds=time.monotonic() - started, size=writer.size)


def import_record(*, stream: BinaryIO, progress: Progress = _silent, using: str = DEFAULT_DB_ALIAS) -> TransferReport:
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
    batch: list[list[object]] = []
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
        if done % PROGRESS_EVERY == 0 and done < total:
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
) -> list[tuple[int, Callable[[object], object]]]:
    """For each concrete field, in the model's order: its position in a document row, and how to turn the JSON
    value into the database's parameter (checking its type on the way)."""
    natural = _by_natural_key(model, exported)
    readers = []
    for field in model._meta.concrete_fields:
        kind = (field.target_field if field.is_relation else field).get_internal_type()
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


def _expect(kind: type, field: Field) -> Callable[[object], object]:
    """Values that JSON and the database share (numbers, strings, booleans) go as they are, once checked."""

    def read(value: object) -> object:
        if value is None or type(value) is kind:
            return value
        raise ValidationError(f"{field.name} must be {kind.__name__} or null, not {value!r}")

    return read


def _prepared(field: Field, connection: BaseDatabaseWrapper, value: object) -> object:
    return field.get_db_prep_save(value, connection)


def _natural_key_lookup(field: Field, using: str) -> Callable[[object], object]:
    manager = field.related_model._default_manager.db_manager(using)
    found: dict[tuple, object] = {}

    def lookup(key: object) -> object:
        if key is None:
            return None
        if not isinstance(key, list):
            raise TransferError(f"{field.name} must be a natural key (an array), not {key!r}")
        if tuple(key) not in found:
            try:
                found[tuple(key)] = manager.get_by_natural_key(*key).pk
            except (field.related_model.DoesNotExist, TypeError):
                raise TransferError(f"{field.name} {key!r} does not exist in this database") from None
        return found[tuple(key)]

    return lookup


class _Inserter:
    """INSERTs rows as they are, with their ids and timestamps: no save(), so no auto_now and no signals.

    The database's constraints and triggers (the record cache's) apply as to any other write."""

    def __init__(self, model: type[Model], connection: BaseDatabaseWrapper) -> None:
        self.label = model._meta.label_lower
        self.connection = connection
        quote = connection.ops.quote_name
        fields = model._meta.concrete_fields
        columns = ", ".join(quote(field.column) for field in fields)
        self.head = f"INSERT INTO {quote(model._meta.db_table)} ({columns}) VALUES "  # noqa: S608 - names from the model
        self.placeholder = "(" + ", ".join(["%s"] * len(fields)) + ")"

    def __call__(self, rows: list[list[object]], first: int) -> None:
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
