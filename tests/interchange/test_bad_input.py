"""Files and values that once reached a 500 or a wrong answer: each now a clear refusal (or a correct import)."""

import copy
import io
import re
import zipfile

import pytest

from interchange.importer import import_records
from interchange.models import PendingImport
from interchange.reading import FileRefused
from negotiations.models import Agreement, NegotiationRound, StatusEvent
from parties.models import Grouping

from .builders import as_csv, as_yaml, ods, xlsx
from .test_import import ALPHA, GOOD
from .test_views import _client, _upload

pytestmark = pytest.mark.django_db


def _import(data: bytes, name: str, actor: object, **options: object) -> object:
    return import_records(io.BytesIO(data), name=name, actor=actor, dry_run=False, **options)


def _rewritten(workbook: bytes, part: str, change: object) -> bytes:
    """The workbook with one of its zip parts changed by `change(text) -> text`."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(workbook)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as copy_:
        for member in source.infolist():
            data = source.read(member)
            if member.filename == part:
                data = change(data.decode()).encode()  # type: ignore[operator]
            copy_.writestr(member, data)
    return out.getvalue()


def _problems(report: object) -> list[tuple[str, int, str, str]]:
    return [(p.sheet, p.row, p.column, p.rule) for p in report.problems]  # type: ignore[attr-defined]


def test_a_csv_file_previews_and_applies_from_the_dashboard(administrator: object) -> None:
    _import(xlsx(GOOD), "record.xlsx", administrator)
    rows = [
        ["agreement", "status", "effective_on", "no_source_reason"],
        [ALPHA, "agreed_in_principle", "2025-02", "A briefing."],
    ]
    client = _client(administrator)
    page = client.post("/import/", {"file": _upload(as_csv(rows), "events.csv")})
    assert page.status_code == 200 and "Apply: write these changes" in page.content.decode()
    pending = PendingImport.objects.get()
    answer = client.post("/import/", {"apply": pending.pk, "digest": pending.digest})
    assert answer.status_code == 302
    assert Agreement.objects.get(slug=ALPHA).status == "agreed_in_principle"


def test_a_file_with_a_long_name_previews_and_applies(administrator: object) -> None:
    name = "analyst's record " * 15 + ".xlsx"  # 260 characters, as a browser may send
    client = _client(administrator)
    assert client.post("/import/", {"file": _upload(xlsx(GOOD), name)}).status_code == 200
    pending = PendingImport.objects.get()
    assert len(pending.name) <= 200 and pending.name.endswith(".xlsx")
    assert client.post("/import/", {"apply": pending.pk, "digest": pending.digest}).status_code == 302
    assert Agreement.objects.filter(slug=ALPHA).exists()


def test_a_workbook_of_another_version_of_the_format_is_refused(administrator: object) -> None:
    sheets = {"about": [["format", "raa-tracker-interchange"], ["version", 2]], **GOOD}
    with pytest.raises(FileRefused, match="version 2 of the format"):
        _import(xlsx(sheets), "record.xlsx", administrator)
    with pytest.raises(FileRefused, match="version 2 of the format"):
        _import(ods(sheets), "record.ods", administrator)
    assert not Agreement.objects.filter(slug=ALPHA).exists()


def test_a_round_number_in_other_digits_is_not_a_number(administrator: object) -> None:
    _import(xlsx(GOOD), "record.xlsx", administrator)
    rows = [["agreement", "number", "starts_on", "no_source_reason"], [ALPHA, "²", "2025-07", "A briefing."]]
    report = _import(as_csv(rows), "rounds.csv", administrator)
    assert _problems(report) == [("rounds", 2, "number", "not-a-number")]
    assert NegotiationRound.objects.filter(agreement__slug=ALPHA).count() == 1


def test_a_grouping_code_the_model_refuses_is_an_error_on_its_row(administrator: object) -> None:
    sheets = {"groupings": [["code", "name", "members"], ["a-grouping-code-far-too-long", "Too long", "FRA JPN"]]}
    report = _import(xlsx(sheets), "record.xlsx", administrator)
    assert [(sheet, row, column) for sheet, row, column, _rule in _problems(report)] == [("groupings", 2, "code")]
    assert not Grouping.objects.filter(name="Too long").exists()


def test_a_damaged_sheet_is_refused_and_nothing_is_written(administrator: object) -> None:
    workbook = xlsx(GOOD)
    with zipfile.ZipFile(io.BytesIO(workbook)) as archive:
        last = max(name for name in archive.namelist() if name.startswith("xl/worksheets/sheet"))
    damaged = _rewritten(workbook, last, lambda text: text[: len(text) // 2])  # cut off mid-element
    with pytest.raises(FileRefused, match="cannot be read"):
        _import(damaged, "record.xlsx", administrator)
    assert not Agreement.objects.filter(slug=ALPHA).exists()


def test_an_ods_cell_repeated_a_nonsense_number_of_times_is_refused(administrator: object) -> None:
    def repeat(text: str) -> str:
        return re.sub(r"<table:table-cell ", '<table:table-cell table:number-columns-repeated="many" ', text, count=3)

    with pytest.raises(FileRefused, match="cannot be read"):
        _import(_rewritten(ods(GOOD), "content.xml", repeat), "record.ods", administrator)
    assert not Agreement.objects.filter(slug=ALPHA).exists()


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (b"format: raa-tracker-interchange\n? [a, b]\n: 1\n", "a key that is a list"),
        (b"sources: " + b"[" * 2000 + b"]" * 2000 + b"\n", "nests"),
    ],
)
def test_yaml_that_no_record_is_made_of_is_refused(text: bytes, message: str, administrator: object) -> None:
    with pytest.raises(FileRefused, match=message):
        _import(text, "record.yaml", administrator)


def test_the_api_refuses_a_json_number_beyond_sixty_four_bits_and_names_json(administrator: object) -> None:
    client = _client(administrator)
    record = {"format": "raa-tracker-interchange", "version": 1, "rounds": [{"agreement": ALPHA, "number": 2**70}]}
    response = client.post("/api/v1/imports/", record, content_type="application/json")
    assert response.status_code == 400 and "64 bits" in response.json()["detail"]
    record["rounds"] = []
    record["sources"] = [{"key": "s1", "title": "Talks open", "publisher": "Example Ministry"}]
    response = client.post("/api/v1/imports/", record, content_type="application/json")
    assert response.status_code == 200 and response.json()["kind"] == "json"


def test_the_api_refuses_a_content_length_that_is_no_number(administrator: object) -> None:
    response = _client(administrator).post(
        "/api/v1/imports/", b"{}", content_type="application/json", headers={"Content-Length": "lots"}
    )
    assert response.status_code == 400 and "Content-Length" in response.json()["detail"]


def test_text_beginning_with_equals_is_exported_as_text_and_imports_unchanged(administrator: object) -> None:
    sheets = copy.deepcopy(GOOD)
    sheets["events"][1][4] = "=the ministers' words, as a spreadsheet would not take them"
    _import(as_yaml(sheets), "record.yaml", administrator)
    agreement = Agreement.objects.get(slug=ALPHA)
    agreement.summary = "Talks \x0bresumed."  # a control character no workbook may hold
    agreement.save()
    download = _client(administrator).get("/api/v1/agreements/?format=xlsx")
    assert download.status_code == 200
    workbook = b"".join(download.streaming_content) if download.streaming else download.content
    report = import_records(io.BytesIO(workbook), name="download.xlsx", actor=administrator, dry_run=True)
    assert report.ok, _problems(report)
    events = [row for row in report.rows if row.sheet == "events" and ALPHA in str(row.key)]
    assert len(events) == 2 and {row.outcome for row in events} == {"unchanged"}
    changed = [(row.sheet, row.key, [(c.field, c.new) for c in row.changes]) for row in report.rows if row.changes]
    assert changed == [("agreements", ALPHA, [("summary", "Talks resumed.")])]
    assert StatusEvent.objects.filter(agreement=agreement, note__startswith="=the ministers").exists()
