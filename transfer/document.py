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

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol, cast

from django.apps import apps
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.migrations.loader import MigrationLoader
from django.db.models import Model
from django.db.models.fields.related import RelatedField

FORMAT = "raa-tracker-record"
VERSION = 1

# Every table of these apps is exported, except those in LEFT_OUT.
EXPORTED_APPS = ("auth", "parties", "negotiations", "accounts", "intake", "notifications")

# Models and apps that are not exported, and why (a test checks that every installed model is one or the other).
LEFT_OUT = {
    "auth.permission": "created by migrate; groups and users refer to permissions by natural key",
    "contenttypes": "created by migrate; nothing exported refers to them by id",
    "admin": "the admin's own log of its form edits, by content type id; the record's history is its event log",
    "sessions": "sign-ins do not move; users sign in again",
    "axes": "failed sign-ins and lockouts are short-lived",
    "record_cache": "the cache's generation token, which the import's own writes replace",
    "interchange": "files previewed on the import page and not applied: kept a day, uploaded again if need be",
}

BATCH = 1000  # rows read or written at a time
PROGRESS_EVERY = 100_000  # rows between progress lines of a large table

Progress = Callable[[str], None]


def silent(line: str) -> None:
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
    return {field.related_model for field in model._meta.concrete_fields if isinstance(field, RelatedField)}


def by_natural_key(model: type[Model], exported: list[type[Model]]) -> list[RelatedField[Any, Any]]:
    """Relations to tables that are not exported: written as the related row's natural key, not its id."""
    fields = [f for f in model._meta.concrete_fields if isinstance(f, RelatedField) and f.related_model not in exported]
    for field in fields:
        if not hasattr(field.related_model, "natural_key"):
            raise TypeError(
                f"{model._meta.label_lower}.{field.name} refers to a table that is neither exported "
                "nor identified by a natural key; export it or add it to LEFT_OUT with a reason."
            )
    return fields


class _NaturallyKeyed(Protocol):
    def natural_key(self) -> tuple[Any, ...]: ...


class NaturalKeyManager(Protocol):
    def get_by_natural_key(self, *key: Any) -> Model: ...


def natural_key(obj: Model) -> list[Any]:
    """The natural key of a row of a table that by_natural_key accepted (it checks that the model has one)."""
    return list(cast(_NaturallyKeyed, obj).natural_key())


def natural_key_manager(model: type[Model], using: str) -> NaturalKeyManager:
    """The manager that finds rows of a table that by_natural_key accepted by their natural key."""
    return cast(NaturalKeyManager, model._default_manager.db_manager(using))


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
