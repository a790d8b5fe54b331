"""Done-when of issue #16: the seeded record exported to XLSX from SQLite and imported into an empty PostgreSQL
database serves the same API documents (row ids and the moments rows were written aside: they are the new
database's own)."""

import json
from pathlib import Path

from tests.transfer.test_transfer import (  # noqa: F401 - empty_postgresql_database is a fixture
    _finish,
    _run,
    _start,
    all_pages,
    empty_postgresql_database,
)

SERVE = (
    "import json, os; from tests.interchange.test_round_trip import served_record; "
    "open(os.environ['TRANSFER_OUT'], 'w').write(json.dumps(served_record()))"
)
LISTS = [
    "states",
    "groupings",
    "agreement-types",
    "agreements",
    "rounds",
    "milestones",
    "sources",
    "events",
    "citations",
]
# What a database gives each row itself: its id (in links too), when it was written, and its version (ETag).
OWN = {
    "id", "recorded_at", "created_at", "updated_at", "version", "url", "changes_url",
    "event", "round", "milestone", "participation",  # a citation's fact, by id
}  # fmt: skip


def served_record() -> dict[str, object]:
    """What the API serves anyone of the record: every list (all pages), each agreement with its durations and
    comparables. (Run in a subprocess on each database.)"""
    from django.test import Client

    client = Client()
    documents: dict[str, object] = {name: all_pages(client, f"/api/v1/{name}/?page_size=200") for name in LISTS}
    for page in documents["agreements"]:
        for agreement in page["results"]:
            for view in ("", "durations/", "comparables/"):
                url = f"/api/v1/agreements/{agreement['slug']}/{view}"
                documents[url] = all_pages(client, url)
    return documents


def _served(database_url: str, out: Path) -> dict[str, object]:
    _finish(_start(database_url, "shell", "-c", SERVE, TRANSFER_OUT=str(out)))
    return json.loads(out.read_text())


def _without_own(value: object) -> object:
    if isinstance(value, dict):
        return {key: _without_own(item) for key, item in value.items() if key not in OWN}
    if isinstance(value, list):
        return [_without_own(item) for item in value]
    return value


def _by_slug_and_date(documents: dict[str, object]) -> dict[str, object]:
    """Lists whose order follows row ids (sources by id) sorted by their content instead."""
    for name in ("sources", "events", "milestones", "rounds", "citations"):
        for page in documents.get(name, []):
            page["results"] = sorted(page["results"], key=lambda row: json.dumps(row, sort_keys=True))
    return documents


def test_the_seeded_record_exported_to_xlsx_and_imported_into_empty_postgresql_serves_the_same_api(
    tmp_path: Path,
    empty_postgresql_database: str,  # noqa: F811 - the fixture
) -> None:
    sqlite = f"sqlite:///{tmp_path / 'source.sqlite3'}"
    postgresql = empty_postgresql_database
    migrating = _start(postgresql, "migrate", "--noinput")
    _run(sqlite, "migrate", "--noinput")
    _run(sqlite, "seed")
    workbook = tmp_path / "record.xlsx"
    _finish(_start(sqlite, "export_records", str(workbook)))
    assert workbook.stat().st_size > 10_000
    _finish(migrating)
    _finish(_start(postgresql, "import_records", str(workbook)))
    source = _by_slug_and_date(_without_own(_served(sqlite, tmp_path / "sqlite.json")))
    target = _by_slug_and_date(_without_own(_served(postgresql, tmp_path / "postgresql.json")))
    assert source.keys() == target.keys()
    for name in source:
        assert target[name] == source[name], (name, _first_difference(source[name], target[name]))


def _first_difference(a: object, b: object, path: str = "") -> str:
    if isinstance(a, dict) and isinstance(b, dict):
        for key in sorted(set(a) | set(b)):
            if a.get(key) != b.get(key):
                return _first_difference(a.get(key), b.get(key), f"{path}.{key}")
    if isinstance(a, list) and isinstance(b, list) and len(a) == len(b):
        for index, (x, y) in enumerate(zip(a, b, strict=True)):
            if x != y:
                return _first_difference(x, y, f"{path}[{index}]")
    return f"{path}: {a!r:.300} != {b!r:.300}"
