"""Export and import of the whole record (issue #7): a round trip without loss, refusals that write nothing,
and the move of a deployment from SQLite to an empty PostgreSQL database with the API serving the same documents."""

import datetime
import io
import json
import os
import re
import secrets
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test import Client
from django.utils import timezone

from accounts.models import TokenScope
from accounts.services import profile_for, token_create
from interchange.reading import open_record
from interchange.seed import RECORD_FILE
from negotiations.choices import Status
from negotiations.models import Agreement, Change, Source, StatusEvent
from notifications.choices import Channel, Kind, NotificationState
from notifications.models import DeliveryAttempt, Notification, WebhookEndpoint
from notifications.services import calendar_feed_reset, watch_set
from parties.models import State
from record_cache.models import Generation
from tests.conftest import database_text, need_service
from tests.factories import transition
from transfer import document
from transfer.document import LEFT_OUT, exported_models
from transfer.export import export_record
from transfer.importer import import_record
from transfer.jsonstream import JsonStreamReader

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[2]
OFFICIAL = "transfer-official"


def add_people_and_history() -> str:
    """On top of the seeded record, one of everything a deployment holds besides it: users with profiles, a group
    and permissions, an API token, a correction, a watch with a webhook, a private calendar, a notification and
    its delivery attempt. Returns the token's key. (Also run by the SQLite → PostgreSQL test in a subprocess.)"""
    User = get_user_model()
    admin = User.objects.create_user("transfer-admin", password="pw", is_superuser=True, is_staff=True)
    official = User.objects.create_user(OFFICIAL, password="pw", email="official@example.org")
    profile = profile_for(official)
    profile.states.add(State.objects.get(alpha3="JPN"))
    profile.language, profile.time_zone = "de", "Asia/Tokyo"
    profile.save()
    editors = Group.objects.create(name="editors")
    editors.permissions.add(Permission.objects.get(codename="change_agreement"))
    official.groups.add(editors)
    official.user_permissions.add(Permission.objects.get(codename="view_source"))
    _, key = token_create(user=official, scope=TokenScope.WRITE, name="transfer", expires_in=datetime.timedelta(days=9))
    france_japan = Agreement.objects.get(slug="france-japan-raa")
    wrong = transition(france_japan, Status.SIGNED, on=datetime.date(2025, 3, 1), actor=official)
    transition(
        france_japan,
        Status.SUSPENDED,
        on=datetime.date(2025, 3, 1),
        actor=admin,
        corrects=wrong,
        correction_reason="A test's wrong entry: nothing was signed.",
    )
    # Made directly, not through the services: no DNS look-up of the URL, and nothing queued on a broker.
    endpoint = WebhookEndpoint.objects.create(
        user=official, url="https://hooks.example.org/raa", secret="whsec_" + "A" * 40, events=[Kind.STATUS_CHANGED]
    )
    watch_set(user=official, agreement=france_japan, webhooks=[endpoint], lead_days=[14, 3], overdue=False)
    calendar_feed_reset(user=official)
    notice = Notification.objects.create(
        key=f"event:{wrong.pk}:{official.pk}:webhook:{endpoint.pk}",
        user=official,
        channel=Channel.WEBHOOK,
        endpoint=endpoint,
        kind=Kind.STATUS_CHANGED,
        event=wrong,
        state=NotificationState.SENT,
        attempts=1,
        sent_at=timezone.now(),
        payload={"größe": [1, 2.5, None]},
    )
    DeliveryAttempt.objects.create(notification=notice, ok=True, http_status=204, duration_ms=12)
    return key


def all_pages(client: Client, url: str) -> list[object]:
    """Every page of a list (or the one document of a detail), following `next`."""
    found = []
    while url:
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code, response.content[:300])
        found.append(response.json())
        url = found[-1].get("next") if isinstance(found[-1], dict) else None
    return found


def served_documents(client: Client) -> dict[str, object]:
    """What the API serves: every list (all pages), each agreement with its durations and comparables, the status
    counts, and what the client's user sees of their own watches, webhooks, deliveries and tokens."""

    def pages(url: str) -> list[object]:
        return all_pages(client, url)

    lists = [
        "states",
        "groupings",
        "agreement-types",
        "agreements",
        "rounds",
        "milestones",
        "sources",
        "events",
        "watches",
        "webhooks",
        "tokens",
    ]
    documents: dict[str, object] = {name: pages(f"/api/v1/{name}/?page_size=200") for name in lists}
    documents["status-counts"] = pages("/api/v1/analysis/status-counts/?from=2014-01-01&to=2025-12-31&interval=year")
    for page in documents["agreements"]:
        for agreement in page["results"]:
            for view in ("", "durations/", "comparables/"):
                url = f"/api/v1/agreements/{agreement['slug']}/{view}"
                documents[url] = pages(url)
    for page in documents["webhooks"]:
        for endpoint in page["results"]:
            url = f"/api/v1/webhooks/{endpoint['id']}/deliveries/"
            documents[url] = pages(url)
    return documents


def _official_client() -> Client:
    client = Client()
    client.force_login(get_user_model().objects.get(username=OFFICIAL))
    return client


def _export(**options: object) -> bytes:
    stream = io.BytesIO()
    export_record(stream=stream, **options)
    return stream.getvalue()


def _without_export_time(document: bytes) -> bytes:
    return re.sub(rb'"exported_at": ?"[^"]*"', b'"exported_at": ""', document, count=1)


def _flush_record() -> None:
    """Delete every exported row, leaving the database as `migrate` made it (within the test's transaction)."""
    with connection.cursor() as cursor:
        for model in reversed(exported_models()):
            cursor.execute(f"DELETE FROM {connection.ops.quote_name(model._meta.db_table)}")


def _record_is_empty() -> bool:
    return not any(model._base_manager.exists() for model in exported_models())


def _write(tmp_path: Path, document: bytes | dict) -> str:
    path = tmp_path / "record.json"
    path.write_bytes(document if isinstance(document, bytes) else json.dumps(document).encode())
    return str(path)


@pytest.fixture
def no_throttling(settings: object) -> None:
    settings.API_THROTTLE_RATES = {"anonymous": "100000/minute", "user": "100000/minute"}


def test_every_table_is_exported_or_left_out_for_a_reason() -> None:
    exported = exported_models()
    labels = [model._meta.label_lower for model in exported]
    for model in apps.get_models(include_auto_created=True):
        label = model._meta.label_lower
        reason = LEFT_OUT.get(label) or LEFT_OUT.get(model._meta.app_label)
        assert label in labels or reason, f"{label}: export it, or add it to LEFT_OUT with the reason"
    # Dependency order: every table comes after the exported tables it refers to.
    for position, model in enumerate(exported):
        for field in model._meta.concrete_fields:
            if field.is_relation and field.related_model in exported and field.related_model is not model:
                assert exported.index(field.related_model) < position, (model, field)
    assert {"notifications.notification", "accounts.apitoken", "parties.grouping_members"} <= set(labels)


def test_round_trip_restores_the_same_record_to_the_microsecond(tmp_path: Path, no_throttling: None) -> None:
    key = add_people_and_history()
    stamp = datetime.datetime(2024, 5, 2, 9, 1, 2, 345678, datetime.UTC)
    Agreement.objects.filter(slug="japan-uk-raa").update(updated_at=stamp)
    served = served_documents(_official_client())
    changes = list(Change.objects.order_by("id").values())  # the change log, with its actors and channels
    assert any(row["user_name"] == OFFICIAL for row in changes) and any(not row["user_name"] for row in changes)
    first = _export()
    path = _write(tmp_path, first)

    _flush_record()
    assert _record_is_empty()
    generation = Generation.objects.get().token
    call_command("import_record", path, stderr=io.StringIO())
    assert Generation.objects.get().token != generation  # the record cache's triggers saw the import

    assert _without_export_time(_export()) == _without_export_time(first)
    assert list(Change.objects.order_by("id").values()) == changes  # the change log survives, row for row
    assert Agreement.objects.get(slug="japan-uk-raa").updated_at == stamp  # auto_now did not replace it
    correction = StatusEvent.objects.get(corrects__isnull=False)
    assert correction.corrects.status == Status.SIGNED and correction.recorded_by.username == "transfer-admin"
    assert get_user_model().objects.get(username=OFFICIAL).check_password("pw")
    assert get_user_model().objects.get(username=OFFICIAL).has_perm("negotiations.change_agreement")
    assert served_documents(_official_client()) == served
    assert Client(headers={"Authorization": f"Token {key}"}).get("/api/v1/tokens/").status_code == 200
    # New rows get fresh ids after the imported ones.
    sources = next(t for t in json.loads(first)["tables"] if t["model"] == "negotiations.source")
    assert Source.objects.create(title="New", publisher="Someone").pk > max(row[0] for row in sources["rows"])


def test_progress_lines_and_summary_are_printed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(document, "PROGRESS_EVERY", 100)
    path = str(tmp_path / "record.json")
    err = io.StringIO()
    call_command("export_record", path, stderr=err)
    assert "  parties.state: 100/249\n  parties.state: 200/249\n  parties.state: 249/249\n" in err.getvalue()
    assert "  notifications.watch: 0/0\n" in err.getvalue()
    summary = err.getvalue().splitlines()[-1]
    assert re.fullmatch(
        rf"Exported to {re.escape(path)}: [\d,]+ rows in [\d.]+ s, [\d.]+ kB \(.*parties\.state 249,.*\)\.", summary
    )
    assert not Path(path + ".partial").exists()

    _flush_record()
    err = io.StringIO()
    call_command("import_record", path, stderr=err)
    assert "  parties.state: 200/249\n  parties.state: 249/249\n" in err.getvalue()
    assert re.fullmatch(
        rf"Imported from {re.escape(path)}: [\d,]+ rows in [\d.]+ s, [\d.]+ kB \(.*\)\.",
        err.getvalue().splitlines()[-1],
    )


def test_indented_and_standard_output_exports_hold_the_same_document(tmp_path: Path) -> None:
    compact = json.loads(_export())
    out = io.StringIO()
    call_command("export_record", "-", "--indent", "2", stdout=out, stderr=io.StringIO())
    assert out.getvalue().startswith('{\n  "format": "raa-tracker-record",\n')
    indented = json.loads(out.getvalue())
    for parsed in (compact, indented):
        parsed.pop("exported_at")
    assert indented == compact
    assert (
        compact["counts"]["parties.state"]
        == State.objects.count()
        == len(next(t for t in compact["tables"] if t["model"] == "parties.state")["rows"])
    )


def test_documents_pass_through_standard_output_and_input() -> None:
    out = io.StringIO()
    call_command("export_record", "-", stdout=out, stderr=io.StringIO())
    _flush_record()
    err = io.StringIO()
    call_command("import_record", "-", stdin=io.BytesIO(out.getvalue().encode()), stderr=err)
    assert "Imported from -: " in err.getvalue()
    assert _without_export_time(_export()) == _without_export_time(out.getvalue().encode())


def test_the_reader_copes_with_any_chunk_boundary(monkeypatch: pytest.MonkeyPatch) -> None:
    """Values, keys, numbers and multi-byte characters (Åland, Côte d'Ivoire, en dashes) split between reads."""
    document = _export(indent=1)
    _flush_record()
    monkeypatch.setattr(JsonStreamReader, "CHUNK_BYTES", 7)
    import_record(stream=io.BytesIO(document))
    assert _without_export_time(_export(indent=1)) == _without_export_time(document)


def test_import_refuses_a_database_that_holds_data(tmp_path: Path) -> None:
    path = _write(tmp_path, _export())
    before = database_text()
    with pytest.raises(CommandError, match=r"already holds data \(parties.state, .*\); import_record loads"):
        call_command("import_record", path, stderr=io.StringIO())
    assert database_text() == before


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (b"hello", r"expected an object, found 'h' at line 1 column 1 \(character 1\)"),
        (
            b'{\n"format": "raa-tracker-record",\n"version": 1,,\n}',
            r"expected a key \(a string in double quotes\) at line 3 column 14 \(character 48\)",
        ),
        (b'{"format": "raa-tracker-record", "version": 1', r"expected ',' or '}', found the end of the document"),
        (b"\xff\xfe{}", r"invalid UTF-8 at byte 1\."),
    ],
)
def test_malformed_json_is_refused_with_its_position(tmp_path: Path, text: bytes, message: str) -> None:
    with pytest.raises(CommandError, match="Nothing imported. The document is not a valid record: " + message):
        call_command("import_record", _write(tmp_path, text), stderr=io.StringIO())


def test_a_document_cut_short_writes_nothing(tmp_path: Path) -> None:
    document = _export()
    cut = document[: document.index(b'"model":"negotiations.statusevent"') + 500]
    _flush_record()
    with pytest.raises(CommandError, match=r"not a valid record: .* at line \d+ column \d+"):
        call_command("import_record", _write(tmp_path, cut), stderr=io.StringIO())
    assert _record_is_empty()


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"format": "something-else"}, "not a record written by export_record: its format is 'something-else'"),
        ({"version": 2}, "format version 2; this version of RAA Tracker reads version 1"),
        ({"version": "1"}, "format version '1'; this version of RAA Tracker reads version 1"),
        (
            {"migrations": {"negotiations": "0001_initial"}},
            r"migration state differs from this database's \(accounts: document None, database '0\d{3}_\w+'; .*"
            r"negotiations: document '0001_initial', database '0\d{3}_\w+'; .*Export and import with the same version",
        ),
    ],
)
def test_another_format_version_or_migration_state_is_refused(tmp_path: Path, change: dict, message: str) -> None:
    document = json.loads(_export())
    document.update(change)
    before = database_text()
    with pytest.raises(CommandError, match=message):
        call_command("import_record", _write(tmp_path, document), stderr=io.StringIO())
    assert database_text() == before


def test_a_broken_reference_is_refused_and_nothing_is_written(tmp_path: Path) -> None:
    document = json.loads(_export())
    participations = next(t for t in document["tables"] if t["model"] == "negotiations.participation")
    participations["rows"][0][participations["fields"].index("state")] = 999999
    _flush_record()
    with pytest.raises(
        CommandError, match=r"(?s)refers to rows that it does not contain: .*negotiations_participation.*999999"
    ):
        call_command("import_record", _write(tmp_path, document), stderr=io.StringIO())
    assert _record_is_empty()


def test_a_row_of_the_wrong_shape_or_type_is_refused_naming_it(tmp_path: Path) -> None:
    document = json.loads(_export())
    agreements = next(t for t in document["tables"] if t["model"] == "negotiations.agreement")
    agreements["rows"][1][agreements["fields"].index("status_since")] = "last spring"
    _flush_record()
    with pytest.raises(CommandError, match=r"row 2 of negotiations.agreement: .*last spring.* at line \d+"):
        call_command("import_record", _write(tmp_path, document), stderr=io.StringIO())
    assert _record_is_empty()


# The move of a deployment, as an operator makes it: separate processes, a file, two databases.


def _seeded_rows(sheet: str) -> int:
    """How many rows of a sheet the seeded record file holds."""
    with RECORD_FILE.open("rb") as stream:
        return sum(1 for _row in open_record(RECORD_FILE.name, stream).sheet(sheet).rows)


def _environment(database_url: str) -> dict[str, str]:
    unset = ("DATABASE_URL", "REDIS_URL", "DJANGO_ALLOW_ASYNC_UNSAFE")
    return {k: v for k, v in os.environ.items() if k not in unset} | {
        "DEBUG": "true",
        "DATABASE_URL": database_url,
        "DATABASE_CONN_MAX_AGE": "0",
        "RECORD_CACHE_SECONDS": "0",
        "ALLOWED_HOSTS": "testserver",
        "API_THROTTLE_ANONYMOUS": "100000/minute",
        "API_THROTTLE_USER": "100000/minute",
    }


def _start(database_url: str, *args: str, **env: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=_environment(database_url) | env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _finish(process: subprocess.Popen) -> str:
    """Wait for a manage.py process; its stderr, which carries the progress lines."""
    out, err = process.communicate(timeout=300)
    assert process.returncode == 0, f"{process.args[2:]} failed:\n{out[-2000:]}\n{err[-3000:]}"
    return err


def _run(database_url: str, *args: str) -> str:
    return _finish(_start(database_url, *args))


SERVE = (
    "import json, os; from tests.transfer.test_transfer import _official_client, served_documents; "
    "open(os.environ['TRANSFER_OUT'], 'w').write(json.dumps(served_documents(_official_client())))"
)


def _serve(database_url: str, out: Path) -> subprocess.Popen:
    """A process that writes what the API serves from this database to `out`."""
    return _start(database_url, "shell", "-c", SERVE, TRANSFER_OUT=str(out))


@pytest.fixture
def empty_postgresql_database() -> Iterator[str]:
    """A new PostgreSQL database (dropped afterwards), collated like SQLite so that lists sort alike."""
    import psycopg2

    try:
        admin = psycopg2.connect(host="127.0.0.1", port=5432, user="postgres", dbname="postgres", connect_timeout=3)
    except psycopg2.OperationalError as error:
        need_service(f"PostgreSQL is needed at 127.0.0.1:5432 (user postgres) to move a record into it: {error}")
    admin.autocommit = True
    name = f"raa_transfer_{secrets.token_hex(4)}"
    with admin.cursor() as cursor:
        cursor.execute(f"CREATE DATABASE {name} TEMPLATE template0 ENCODING 'UTF8' LC_COLLATE 'C' LC_CTYPE 'C'")
    try:
        yield f"postgres://postgres@127.0.0.1:5432/{name}"
    finally:
        with admin.cursor() as cursor:
            cursor.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        admin.close()


def test_a_record_exported_from_sqlite_and_imported_into_empty_postgresql_serves_the_same_api(
    tmp_path: Path, empty_postgresql_database: str
) -> None:
    """Done-when of issue #7, item 5: SQLite → export → empty PostgreSQL → import → the API returns the same."""
    sqlite = f"sqlite:///{tmp_path / 'source.sqlite3'}"
    postgresql = empty_postgresql_database
    migrating = _start(postgresql, "migrate", "--noinput")  # meanwhile the source is built
    _run(sqlite, "migrate", "--noinput")
    key_file = tmp_path / "key"
    _run(
        sqlite,
        "shell",
        "-c",
        "from django.core.management import call_command; "
        "from tests.transfer.test_transfer import add_people_and_history; "
        f"call_command('seed'); open({str(key_file)!r}, 'w').write(add_people_and_history())",
    )
    document = tmp_path / "record.json"
    progress = _run(sqlite, "export_record", str(document))
    events = _seeded_rows("events") + 2  # add_people_and_history records two more
    assert f"  negotiations.statusevent: {events}/{events}" in progress and f"Exported to {document}: " in progress

    serving_source = _serve(sqlite, tmp_path / "sqlite.json")
    _finish(migrating)
    progress = _run(postgresql, "import_record", str(document))
    assert f"  negotiations.statusevent: {events}/{events}" in progress and f"Imported from {document}: " in progress
    again = tmp_path / "again.json"
    _run(postgresql, "export_record", str(again))
    _finish(_serve(postgresql, tmp_path / "postgresql.json"))
    _finish(serving_source)

    source, target = json.loads(document.read_bytes()), json.loads(again.read_bytes())
    assert (source.pop("database"), target.pop("database")) == ("sqlite", "postgresql")
    source.pop("exported_at"), target.pop("exported_at")
    assert target == source
    served = json.loads((tmp_path / "sqlite.json").read_text())
    assert len(served["agreements"][0]["results"]) == _seeded_rows("agreements")
    assert len(served["events"][0]["results"]) == events
    assert json.loads((tmp_path / "postgresql.json").read_text()) == served
    # The token (stored as a digest) and the password hashes moved too.
    check = (
        "from django.contrib.auth import get_user_model; from django.test import Client; "
        f"ok = Client(headers={{'Authorization': 'Token {key_file.read_text()}'}}).get('/api/v1/tokens/').status_code; "
        "print(ok, get_user_model().objects.get(username='transfer-official').check_password('pw'))"
    )
    assert _start(postgresql, "shell", "-c", check).communicate(timeout=120)[0].split()[-2:] == ["200", "True"]
