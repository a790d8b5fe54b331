"""Importing record files (docs/import-format.md): every mistake named by sheet, row, column and rule, nothing
written unless everything is right, the same content in every encoding, and bad files refused with a 4xx."""

import copy
import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client, override_settings

from interchange import exporter
from interchange.importer import ImportReport, import_records
from interchange.reading import FileRefused
from negotiations.models import Agreement, Change, Milestone, Source, StatusEvent

from .builders import Sheets, as_csv, as_yaml, ods, xlsx, zip_bomb

pytestmark = pytest.mark.django_db

ALPHA, BETA = "test-alpha-raa", "test-beta-acsa"
URL = "https://example.org/alpha-talks"

GOOD: Sheets = {
    "sources": [
        ["key", "title", "publisher", "url", "published_on", "language"],
        ["s1", "Leaders agree to open talks", "Example Ministry", URL, "2024-05-02", "en"],
        ["s2", "Ambassador on the talks", "Example Times", None, "2024-06", None],
    ],
    "agreements": [
        ["slug", "title", "type", "parties", "summary", "target_conclusion_on"],
        [ALPHA, "Alpha Reciprocal Access Agreement", "RAA", "FRA JPN", "A test agreement.", None],
        [BETA, "Beta ACSA", "ACSA", "ITA, JPN", None, None],
    ],
    "parties": [
        ["agreement", "state", "signed_on", "approval_body", "approval_status", "approval_decided_on", "source"],
        [BETA, "JPN", "2024-11-25", "Diet", "approved", "2025-06", "s1"],
    ],
    "events": [
        ["agreement", "status", "effective_on", "place", "note", "source"],
        [ALPHA, "talks_agreed", "2024-05-02", "Paris", "Leaders agree.", "s1"],
        [ALPHA, "negotiating", "2024-09", None, None, "s2"],
        [BETA, "signed", "2024-11-25", "Rome", None, "s1"],
        [BETA, "talks_agreed", "2024-06-14", None, None, "s1"],  # before the signature: placed in date order
    ],
    "rounds": [
        ["agreement", "number", "starts_on", "ends_on", "place", "host", "source"],
        [ALPHA, 1, "2025-06", None, "Paris", "FRA", "s1"],
    ],
    "milestones": [
        ["agreement", "title", "due_on", "kind", "status", "completed_on", "source"],
        [ALPHA, "Aim to conclude", "2030-12-31", "target_conclusion", "planned", None, "s2"],
        [ALPHA, "7th 2+2 meeting", "2023-05", "other", "done", None, "s2"],
    ],
    "citations": [
        ["agreement", "fact", "status", "date", "number", "title", "state", "source", "role", "quote"],
        [ALPHA, "event", "talks_agreed", "2024-05-02", None, None, None, "s2", "states", None],
    ],
}


def _with_mistakes() -> tuple[Sheets, set[tuple[str, int, str, str]]]:
    """GOOD with thirty mistakes of different kinds added, and the (sheet, row, column, rule) each must give."""
    sheets = copy.deepcopy(GOOD)
    sheets["agreement_types"] = [
        ["code", "name", "description"],
        ["TST", "Test type", None],
        [None, "A type without a code", None],
        ["bad code", "Lower-case code", None],
    ]
    sheets["sources"] += [
        ["s3", "T", "P", None, "2024-13-01", None],
        ["s4", "T", "P", None, "2031-01-01", None],
        ["s1", "Again", "P", "https://example.org/z", None, None],
        ["s5", None, "P", None, None, None],
        ["s6", "T", "P", "not an address", None, None],
    ]
    sheets["agreements"][0].append("colour")
    sheets["agreements"] += [
        ["test-gamma", "Gamma", "XYZ", "FRA JPN", None, None],
        ["test-delta", "Delta", "RAA", "JPN ZZZ", None, None],
        ["test-epsilon", "Epsilon", "RAA", "FRA JPN", None, "2025-03"],
        [ALPHA, "Alpha again", "RAA", "FRA JPN", None, None],
        ["test-zeta", '=CONCATENATE("a","b")', "RAA", "FRA JPN", None, None],
        ["test-eta", "Eta", "RAA", "JPN", None, None],
    ]
    sheets["parties"] += [
        ["test-nowhere", "JPN", None, None, None, None, None],
        [BETA, "USA", None, None, None, None, None],
        [BETA, "ITA", None, None, "maybe", None, None],
    ]
    sheets["events"] += [
        [ALPHA, "concluded", "2025-01-01", None, None, "s1"],
        [ALPHA, "signed", "2031-05-01", None, None, "s1"],
        [ALPHA, "talks_agreed", "2024-10-01", None, None, "s1"],
        [ALPHA, "agreed_in_principle", "2025-02-01", None, None, "nope"],
        [ALPHA, "negotiating", "2024-09", None, None, "s2"],
        [ALPHA, "suspended", None, None, None, "s1"],
    ]
    sheets["rounds"] += [
        [ALPHA, "first", "2025-07-01", None, None, None, "s1"],
        [ALPHA, 2, "2025-07-10", "2025-07-01", None, None, "s1"],
    ]
    sheets["milestones"] += [
        [ALPHA, "Vote", "2025-01-10", "other", "planned", "2025-01-10", "s1"],
        [ALPHA, "Party", "2025-02-01", "party", None, None, "s1"],
    ]
    sheets["citations"] += [
        [ALPHA, "speech", None, None, None, None, None, "s1", None, None],
        [ALPHA, "event", "signed", "2020-01-01", None, None, None, "s1", None, None],
        [ALPHA, "round", None, None, 1, None, None, "s2", "supports", None],
    ]
    expected = {
        ("agreement_types", 3, "code", "required"),
        ("agreement_types", 4, "code", "invalid"),
        ("sources", 4, "published_on", "not-a-date"),
        ("sources", 5, "published_on", "future-date"),
        ("sources", 6, "key", "duplicate-key"),
        ("sources", 7, "title", "required"),
        ("sources", 8, "url", "invalid"),
        ("agreements", 1, "colour", "unknown-column"),
        ("agreements", 4, "type", "unknown-type"),
        ("agreements", 5, "parties", "unknown-state"),
        ("agreements", 6, "target_conclusion_on", "day-required"),
        ("agreements", 7, "slug", "duplicate-key"),
        ("agreements", 8, "title", "formula"),
        ("agreements", 9, "parties", "invalid"),
        ("parties", 3, "agreement", "unknown-agreement"),
        ("parties", 4, "state", "not-a-party"),
        ("parties", 5, "approval_status", "unknown-choice"),
        ("events", 6, "status", "unknown-choice"),
        ("events", 7, "effective_on", "future-date"),
        ("events", 8, "status", "lifecycle"),
        ("events", 9, "source", "undefined-source"),
        ("events", 10, "effective_on", "duplicate-key"),
        ("events", 11, "effective_on", "required"),
        ("rounds", 3, "number", "not-a-number"),
        ("rounds", 4, "ends_on", "invalid"),
        ("milestones", 4, "completed_on", "invalid"),
        ("milestones", 5, "kind", "unknown-choice"),
        ("citations", 3, "fact", "unknown-choice"),
        ("citations", 4, "fact", "unknown-fact"),
        ("citations", 5, "role", "unknown-choice"),
    }
    return sheets, expected


def _import(data: bytes, name: str, actor: object, *, dry_run: bool = False, **options: object) -> ImportReport:
    return import_records(io.BytesIO(data), name=name, actor=actor, dry_run=dry_run, **options)


def _record_size() -> tuple[int, int, int, int]:
    return Agreement.objects.count(), StatusEvent.objects.count(), Source.objects.count(), Change.objects.count()


def test_thirty_mistakes_give_thirty_errors_naming_sheet_row_column_and_rule_and_write_nothing(
    administrator: object,
) -> None:
    sheets, expected = _with_mistakes()
    before = _record_size()
    report = _import(xlsx(sheets), "mistakes.xlsx", administrator)
    found = {(p.sheet, p.row, p.column, p.rule) for p in report.problems}
    assert found == expected
    assert len(report.problems) == 30
    assert not report.applied and _record_size() == before
    assert not Agreement.objects.filter(slug__startswith="test-").exists()
    for problem in report.problems:
        text = str(problem)
        assert (
            text.startswith(f"{problem.sheet}, row {problem.row}, {problem.column}: ") and f"[{problem.rule}]" in text
        )
    lifecycle = next(p for p in report.problems if p.rule == "lifecycle")
    assert "Cannot move from negotiating to talks_agreed" in lifecycle.message
    undefined = next(p for p in report.problems if p.rule == "undefined-source")
    assert "'nope'" in undefined.message


def test_the_fixed_file_imports_and_importing_it_again_changes_nothing(administrator: object) -> None:
    report = _import(xlsx(GOOD), "record.xlsx", administrator)
    assert report.ok and report.applied, [str(p) for p in report.problems]
    alpha = Agreement.objects.get(slug=ALPHA)
    assert (alpha.status, alpha.status_since.isoformat()) == ("negotiating", "2024-09-01")
    negotiating = alpha.events.get(status="negotiating")
    assert negotiating.date_precision == "month" and negotiating.source.publisher == "Example Times"
    beta = Agreement.objects.get(slug=BETA)
    assert beta.status == "signed" and [e.status for e in beta.events.order_by("effective_on")] == [
        "talks_agreed",
        "signed",
    ]
    step = beta.participations.get(state__alpha3="JPN")
    assert (step.approval_decided_on.isoformat(), step.approval_decided_precision) == ("2025-06-01", "month")
    meeting = Milestone.objects.get(agreement=alpha, title="7th 2+2 meeting")
    assert (meeting.due_precision, meeting.status) == ("month", "done")
    assert alpha.rounds.get(number=1).starts_precision == "month"
    changes = Change.objects.filter(agreement=alpha)
    assert changes.exists() and all(c.channel == "import" and c.user_name == administrator.username for c in changes)
    assert all(
        f"record.xlsx (sha256 {report.digest[:16]})" in c.message for c in changes if c.object_type != "citation"
    )

    before = _record_size()
    again = _import(xlsx(GOOD), "record.xlsx", administrator)
    assert again.ok and again.total("unchanged") == again.rows_read == 13
    assert _record_size() == before


def test_a_changed_row_shows_each_field_old_and_new_in_the_dry_run(administrator: object) -> None:
    _import(xlsx(GOOD), "record.xlsx", administrator)
    changed = copy.deepcopy(GOOD)
    changed["agreements"][1][1] = "Alpha RAA (renamed)"
    changed["milestones"][1][2] = "2031-06-30"  # another due date: another milestone (the key holds the date)
    report = _import(xlsx(changed), "record.xlsx", administrator, dry_run=True)
    rows = {(r.sheet, r.row): r for r in report.rows}
    assert rows[("agreements", 2)].outcome == "changed"
    assert [(c.field, c.old, c.new) for c in rows[("agreements", 2)].changes] == [
        ("title", "Alpha Reciprocal Access Agreement", "Alpha RAA (renamed)")
    ]
    assert rows[("milestones", 2)].outcome == "created" and rows[("events", 2)].outcome == "unchanged"
    assert Agreement.objects.get(slug=ALPHA).title == "Alpha Reciprocal Access Agreement"  # a dry run


def test_a_stored_status_change_is_never_edited_by_an_import(administrator: object) -> None:
    _import(xlsx(GOOD), "record.xlsx", administrator)
    edited = copy.deepcopy(GOOD)
    edited["events"][1][3] = "Tokyo"
    report = _import(xlsx(edited), "record.xlsx", administrator)
    assert [(p.sheet, p.row, p.rule) for p in report.problems] == [("events", 2, "event-immutable")]
    assert StatusEvent.objects.get(agreement__slug=ALPHA, status="talks_agreed").place == "Paris"


def test_an_official_of_france_cannot_import_rows_for_japan_australia(official_fr: object) -> None:
    sheets: Sheets = {
        "sources": GOOD["sources"][:2],
        "milestones": [
            ["agreement", "title", "due_on", "kind", "status", "source"],
            ["france-japan-raa", "Next ministers' meeting", "2027-03-01", "other", "planned", "s1"],
            ["japan-australia-raa", "Review of the agreement", "2027-03-01", "other", "planned", "s1"],
        ],
        "agreements": [
            ["slug", "title", "type", "parties"],
            ["japan-australia-raa", "Renamed by France", "RAA", "AUS JPN"],
        ],
    }
    before = _record_size()
    report = _import(xlsx(sheets), "france.xlsx", official_fr)
    refused = [(p.sheet, p.row, p.column, p.rule) for p in report.problems]
    assert refused == [("agreements", 2, "slug", "not-permitted"), ("milestones", 3, "agreement", "not-permitted")]
    assert all("Japan–Australia Reciprocal Access Agreement" in p.message for p in report.problems)
    assert _record_size() == before and not Milestone.objects.filter(title="Next ministers' meeting").exists()
    alone = {"sources": sheets["sources"], "milestones": sheets["milestones"][:2]}
    assert _import(xlsx(alone), "france.xlsx", official_fr).applied


def test_a_person_imports_facts_only_with_their_evidence(official_jp: object) -> None:
    sheets = {
        "events": [["agreement", "status", "effective_on"], ["france-japan-raa", "agreed_in_principle", "2025-01-10"]]
    }
    report = _import(xlsx(sheets), "events.xlsx", official_jp)
    assert [(p.column, p.rule) for p in report.problems] == [("source", "invalid")]
    sheets["events"][0].append("no_source_reason")
    sheets["events"][1].append("Told at a briefing on 10 January 2025.")
    assert _import(xlsx(sheets), "events.xlsx", official_jp).applied


def _snapshot() -> dict[str, object]:
    """The test agreements as the exporter sees them, source keys replaced by what they name."""
    document = exporter.document(Agreement.objects.filter(slug__startswith="test-"))
    names = {s["key"]: (s["publisher"], s["title"]) for s in document["sources"]}
    for rows in document.values():
        if isinstance(rows, list):
            for row in rows:
                for column in ("key", "source"):
                    if column in row:
                        row[column] = names[row[column]]
    return document


@pytest.mark.parametrize("encode", [xlsx, ods, as_yaml], ids=["xlsx", "ods", "yaml"])
def test_xlsx_ods_and_yaml_of_the_same_content_give_the_same_record(encode: object, administrator: object) -> None:
    name = {"xlsx": "record.xlsx", "ods": "record.ods", "as_yaml": "record.yaml"}[encode.__name__]
    report = _import(encode(GOOD), name, administrator)
    assert report.ok and report.applied, [str(p) for p in report.problems]
    assert _snapshot() == EXPECTED_SNAPSHOT


EXPECTED_SNAPSHOT: dict[str, object] = {}


@pytest.fixture(autouse=True, scope="module")
def _expected_snapshot(django_db_setup: None, django_db_blocker: object) -> None:
    """The record the XLSX file gives, to compare the other encodings with (rolled back after)."""
    from django.contrib.auth import get_user_model
    from django.db import transaction

    with django_db_blocker.unblock(), transaction.atomic():
        admin = get_user_model().objects.create_superuser("snapshot-admin", "s@example.org", "pw")
        _import(xlsx(GOOD), "record.xlsx", admin)
        EXPECTED_SNAPSHOT.update(_snapshot())
        transaction.set_rollback(True)


def test_a_csv_sheet_imports_on_its_own(administrator: object) -> None:
    _import(xlsx(GOOD), "record.xlsx", administrator)
    rows = [
        ["agreement", "status", "effective_on", "no_source_reason"],
        [ALPHA, "agreed_in_principle", "2025-02", "Briefing."],
    ]
    report = _import(as_csv(rows), "events.csv", administrator)
    assert report.applied and report.counts["events"]["created"] == 1
    assert Agreement.objects.get(slug=ALPHA).status == "agreed_in_principle"
    report = _import(as_csv(rows), "upload.csv", administrator, sheet="events")
    assert report.ok and report.total("unchanged") == 1


@pytest.mark.parametrize(
    ("data", "name", "status", "message"),
    [
        (b"PK\x03\x04 not really", "record.xlsx", 415, "is not an XLSX workbook"),
        (b"just text", "record.ods", 415, "is not an ODS workbook"),
        (b"\xff\xfe\x00bad", "events.csv", 400, "not UTF-8"),
        (b"a: [1, 2", "record.yaml", 400, "not valid YAML"),
        (b"base: &a [1]\nmore: *a\n", "record.yaml", 400, "alias"),
        (b'{"format": "raa-tracker-interchange", "version": 2}', "record.json", 400, "version 2"),
        (b"%PDF-1.4", "record.pdf", 415, "XLSX, ODS, CSV, YAML or JSON"),
        (b"", "record.xlsx", 400, "empty"),
    ],
)
def test_files_that_are_not_records_are_refused_with_a_clear_message(
    data: bytes, name: str, status: int, message: str, administrator: object
) -> None:
    with pytest.raises(FileRefused) as refused:
        _import(data, name, administrator)
    assert refused.value.status == status and message in refused.value.message


def test_a_workbook_without_the_record_sheets_is_refused(administrator: object) -> None:
    with pytest.raises(FileRefused, match="none of the record's sheets"):
        _import(xlsx({"Sheet1": [["name"], ["x"]]}), "record.xlsx", administrator)
    report = _import(xlsx({"events": [["agreement", "status"], [ALPHA, "signed"]]}), "record.xlsx", administrator)
    assert [(p.sheet, p.column, p.rule) for p in report.problems] == [("events", "effective_on", "missing-column")]


# --- Through the API: malicious files get a 4xx and nothing is written ------------------------------------------


def _post(client: Client, data: bytes, name: str, query: str = "") -> object:
    upload = io.BytesIO(data)
    upload.name = name
    return client.post(f"/api/v1/imports/{query}", {"file": upload})


@pytest.fixture
def admin_client(administrator: object) -> Client:
    client = Client()
    client.force_login(administrator)
    return client


def test_the_api_dry_runs_by_default_and_applies_on_request(admin_client: Client) -> None:
    response = _post(admin_client, xlsx(GOOD), "record.xlsx")
    assert response.status_code == 200, response.content[:500]
    body = response.json()
    assert body["dry_run"] and not body["applied"] and body["counts"]["events"]["created"] == 4
    assert {row["outcome"] for row in body["rows"]} == {"created", "changed"}
    assert not Agreement.objects.filter(slug=ALPHA).exists()
    response = _post(admin_client, xlsx(GOOD), "record.xlsx", "?apply=true")
    assert response.status_code == 201 and response.json()["applied"]
    assert Agreement.objects.filter(slug=ALPHA).exists()


def test_the_api_answers_a_file_with_mistakes_with_a_422_naming_each(admin_client: Client) -> None:
    sheets, expected = _with_mistakes()
    before = _record_size()
    response = _post(admin_client, xlsx(sheets), "mistakes.xlsx", "?apply=true")
    assert response.status_code == 422 and response["Content-Type"] == "application/problem+json"
    body = response.json()
    assert {(e["sheet"], e["row"], e["column"], e["rule"]) for e in body["errors"]} == expected
    assert _record_size() == before


def test_a_formula_is_refused_never_evaluated(admin_client: Client) -> None:
    sheets = copy.deepcopy(GOOD)
    sheets["events"][2][4] = '=HYPERLINK("https://example.org/","x")'
    response = _post(admin_client, xlsx(sheets), "record.xlsx", "?apply=true")
    assert response.status_code == 422
    assert [(e["sheet"], e["row"], e["column"], e["rule"]) for e in response.json()["errors"]] == [
        ("events", 3, "note", "formula")
    ]
    response = _post(admin_client, ods(sheets), "record.ods", "?apply=true")
    assert response.status_code == 422 and response.json()["errors"][0]["rule"] == "formula"
    assert not Agreement.objects.filter(slug=ALPHA).exists()


def test_a_zip_bomb_is_refused_before_it_unpacks(admin_client: Client) -> None:
    bomb = zip_bomb(300)
    assert len(bomb) < 1_000_000
    before = _record_size()
    response = _post(admin_client, bomb, "record.xlsx", "?apply=true")
    assert response.status_code == 413 and "unpack" in response.json()["detail"]
    assert _record_size() == before


@override_settings(IMPORT_MAX_UNPACKED_BYTES=10**9)
def test_a_tightly_packed_part_is_refused_as_a_zip_bomb(admin_client: Client) -> None:
    response = _post(admin_client, zip_bomb(50), "record.xlsx", "?apply=true")
    assert response.status_code == 413 and "packed" in response.json()["detail"]


def test_fifty_megabytes_of_rows_are_refused_with_a_413(admin_client: Client) -> None:
    row = f"{ALPHA},negotiating,2024-09,,{'x' * 200}\n".encode()
    data = b"agreement,status,effective_on,place,note\n" + row * (50 * 1024 * 1024 // len(row))
    assert len(data) > 50_000_000
    before = _record_size()
    response = _post(admin_client, data, "events.csv", "?apply=true")
    assert response.status_code == 413 and "MB" in response.json()["detail"]
    assert _record_size() == before


def test_the_api_refuses_analysts_anonymous_and_unknown_parameters(analyst: object, admin_client: Client) -> None:
    assert _post(Client(), xlsx(GOOD), "record.xlsx").status_code in (401, 403)
    client = Client()
    client.force_login(analyst)
    assert _post(client, xlsx(GOOD), "record.xlsx").status_code == 403
    response = _post(admin_client, xlsx(GOOD), "record.xlsx", "?apply=yes&colour=red")
    assert response.status_code == 400 and set(response.json()["errors"]) == {"apply", "colour"}
    response = admin_client.post("/api/v1/imports/", {"upload": io.BytesIO(b"x")})
    assert response.status_code == 400 and set(response.json()["errors"]) >= {"file", "upload"}


# --- The command line ------------------------------------------------------------------------------------------


def test_the_command_shows_progress_errors_and_a_summary_and_dry_run_writes_nothing(tmp_path: object) -> None:
    path = tmp_path / "record.xlsx"
    path.write_bytes(xlsx(GOOD))
    out = io.StringIO()
    call_command("import_records", str(path), "--dry-run", stdout=out)
    text = out.getvalue()
    assert "rows read in" in text and "events: 4 created" in text and "dry run" in text
    assert not Agreement.objects.filter(slug=ALPHA).exists()
    call_command("import_records", str(path), stdout=io.StringIO())
    assert Agreement.objects.filter(slug=ALPHA).exists()
    sheets, _expected = _with_mistakes()
    bad = tmp_path / "mistakes.xlsx"
    bad.write_bytes(xlsx(sheets))
    out = io.StringIO()
    with pytest.raises(CommandError, match="Nothing was written: mend the 30 errors"):
        call_command("import_records", str(bad), stdout=out)
    assert "events, row 8 (test-alpha-raa talks_agreed 2024-10-01): refused" in out.getvalue()
    with pytest.raises(CommandError, match="is not an XLSX workbook"):
        (tmp_path / "fake.xlsx").write_bytes(b"hello")
        call_command("import_records", str(tmp_path / "fake.xlsx"), stdout=io.StringIO())


def test_a_back_dated_status_change_is_placed_in_order_and_the_lifecycle_still_holds(administrator: object) -> None:
    """Japan–Australia is in force; an earlier step is placed before the stored ones, one that would break the
    later history is refused (and nothing of the file is written)."""
    rows = [
        ["agreement", "status", "effective_on", "no_source_reason"],
        ["japan-australia-raa", "proposed", "2013-09", "A test's row: reported at a briefing."],
    ]
    agreement = Agreement.objects.get(slug="japan-australia-raa")
    before = (agreement.status, agreement.status_since)
    report = _import(as_csv(rows), "events.csv", administrator)
    assert report.applied, [str(p) for p in report.problems]
    agreement.refresh_from_db()
    assert (agreement.status, agreement.status_since) == before
    assert agreement.started_on.isoformat() == "2013-09-01"
    assert agreement.events.order_by("effective_on").first().status == "proposed"
    rows[1] = ["japan-australia-raa", "signed", "2019-01-10", "A test's row."]
    report = _import(as_csv(rows), "events.csv", administrator)
    assert [(p.row, p.column, p.rule) for p in report.problems] == [(2, "status", "lifecycle")]
    assert "would make the later change" in report.problems[0].message
    assert not agreement.events.filter(status="signed", effective_on="2019-01-10").exists()
