"""The import page in a real browser: a workbook with mistakes is answered row by row and nothing is written; a
good one is previewed, applied with one button and lands on the change log; both pages pass axe; German works.

The workbooks are built in the test (tests/interchange/builders.py); the mistakes file is the one the importer's
own tests check error by error (tests/interchange/test_import.py), the good file is this test's own.
"""

import pytest

from interchange.models import PendingImport
from negotiations.models import Agreement, AgreementType, Change, Source, StatusEvent
from tests.interchange.builders import Sheets, xlsx
from tests.interchange.test_import import ALPHA, _with_mistakes

from .conftest import assert_accessible, make_user, sign_in

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
SLUG = "test-japan-norway-raa"
TITLE = "Japan–Norway Reciprocal Access Agreement (test)"
# Invented for this test: no such publication, agreement or talks exist.
OWN: Sheets = {
    "sources": [
        ["key", "title", "publisher", "url", "published_on", "language"],
        [
            "n1",
            "Fjord and island ministers agree to draft an access pact",
            "Northwind Gazette",
            "https://example.org/northwind-gazette/access-pact-draft",
            "2025-03-04",
            "en",
        ],
    ],
    "agreements": [
        ["slug", "title", "type", "parties", "summary"],
        [SLUG, TITLE, "RAA", "JPN NOR", "An agreement made up for the browser test of the import page."],
    ],
    "events": [
        ["agreement", "status", "effective_on", "place", "note", "source"],
        [SLUG, "talks_agreed", "2025-03-04", "Oslo", "Ministers agree to open talks.", "n1"],
    ],
    "milestones": [
        ["agreement", "title", "due_on", "kind", "status", "source"],
        [SLUG, "Aim to conclude the draft", "2027-06-30", "target_conclusion", "planned", "n1"],
    ],
}
OWN_ROWS = sum(len(rows) - 1 for rows in OWN.values())


def _record_size() -> tuple[int, ...]:
    return (
        Agreement.objects.count(),
        AgreementType.objects.count(),
        StatusEvent.objects.count(),
        Source.objects.count(),
        Change.objects.count(),
    )


def _sign_in_in_any_language(page: object, username: str) -> None:
    """conftest's sign_in finds the fields by their English labels; these are found by their names."""
    page.goto("/accounts/login/")
    page.locator("input[name=username]").fill(username)
    page.locator("input[name=password]").fill("demo-password")
    with page.expect_navigation():
        page.locator("input[name=password]").press("Enter")


def _upload(page: object, data: bytes, name: str) -> int:
    """Choose the file on the import page and check it; the status the page answers with."""
    page.goto("/import/")
    page.locator("input[type=file]").set_input_files(files=[{"name": name, "mimeType": XLSX, "buffer": data}])
    with page.expect_response(lambda r: r.url.endswith("/import/") and r.request.method == "POST") as answer:
        page.locator("form.record-form button[type=submit]").click()
    page.wait_for_load_state()
    return answer.value.status


def test_a_workbook_with_mistakes_shows_each_error_beside_its_row_and_writes_nothing(
    new_page: object, axe_source: str
) -> None:
    make_user("admin-b", superuser=True)  # the file adds agreement types too, which only administrators may
    sheets, expected = _with_mistakes()
    before = _record_size()
    page = new_page()
    sign_in(page, "admin-b")

    assert _upload(page, xlsx(sheets), "mistakes.xlsx") == 422
    summary = page.locator(".error-summary")
    assert summary.get_attribute("role") == "alert"
    assert f"Nothing was written: {len(expected)} errors" in summary.inner_text()
    # The header's problem has no row of its own: it is listed above the table.
    assert "agreements, row 1, colour: unknown column" in summary.inner_text()

    table = page.locator("table.import-rows")
    refused = {(sheet, row) for sheet, row, _column, _rule in expected if row > 1}
    assert table.locator("tbody tr.outcome-refused").count() == len(refused)
    for sheet, row in refused:
        assert page.locator(f"#row-{sheet}-{row}").count() == 1, f"{sheet} row {row} is not shown as refused"

    # Each error in the last cell of its own row, naming the column and the rule.
    lifecycle = page.locator("#row-events-8 td").last.locator("ul.errorlist")
    assert "Cannot move from negotiating to talks_agreed" in lifecycle.inner_text()
    assert lifecycle.locator("strong").inner_text() == "status"
    assert lifecycle.locator("code").inner_text() == "lifecycle"
    unknown_type = page.locator("#row-agreements-4 td").last.locator("ul.errorlist")
    assert "unknown agreement type 'XYZ'" in unknown_type.inner_text()
    assert unknown_type.locator("code").inner_text() == "unknown-type"
    future = page.locator("#row-sources-5 td").last.locator("ul.errorlist")
    assert future.locator("strong").inner_text() == "published_on"
    assert future.locator("code").inner_text() == "future-date"
    # A good row of the same file is listed without an error.
    good = table.locator("tbody tr", has=page.get_by_role("cell", name=ALPHA, exact=True)).first
    assert good.locator("ul.errorlist").count() == 0

    assert page.get_by_role("button", name="Apply: write these changes to the record").count() == 0
    assert _record_size() == before
    assert not Agreement.objects.filter(slug__startswith="test-").exists()
    assert not AgreementType.objects.filter(code="TST").exists()
    assert not PendingImport.objects.exists()
    assert_accessible(page, axe_source)


def test_an_official_previews_a_good_workbook_and_applies_it(new_page: object, axe_source: str) -> None:
    official = make_user("official-jp", ["JPN"])
    page = new_page()
    sign_in(page, "official-jp")
    page.goto("/import/")
    assert page.get_by_role("heading", level=1).inner_text() == "Import records"
    assert_accessible(page, axe_source)

    assert _upload(page, xlsx(OWN), "norway.xlsx") == 200
    preview = page.get_by_role("region", name="Preview of norway.xlsx")
    assert "No errors." in preview.get_by_role("status").inner_text()
    rows = page.locator("table.import-rows tbody tr")
    assert rows.count() == OWN_ROWS
    assert page.locator("table.import-rows tbody tr.outcome-created").count() == OWN_ROWS
    assert page.locator("table.import-rows ul.errorlist").count() == 0
    assert page.locator(".error-summary").count() == 0
    assert SLUG in page.locator("table.import-rows").inner_text()
    assert not Agreement.objects.filter(slug=SLUG).exists()  # a preview writes nothing
    apply = page.get_by_role("button", name="Apply: write these changes to the record")
    assert apply.is_visible()
    assert_accessible(page, axe_source)

    apply.click()
    page.wait_for_url("**/changes/")
    message = page.get_by_role("status").first.inner_text()
    assert "Imported norway.xlsx:" in message and "applied" in message
    agreement = Agreement.objects.get(slug=SLUG)
    assert agreement.title == TITLE and agreement.status == "talks_agreed"
    assert sorted(agreement.parties.values_list("alpha3", flat=True)) == ["JPN", "NOR"]
    assert agreement.milestones.get().title == "Aim to conclude the draft"
    assert Change.objects.filter(agreement=agreement, user=official, channel="import").exists()
    assert TITLE in page.get_by_role("main").inner_text()  # the change log lists what was imported
    assert not PendingImport.objects.exists()


def test_the_change_log_with_the_success_message_passes_axe(new_page: object, axe_source: str) -> None:
    make_user("official-jp", ["JPN"])
    page = new_page()
    sign_in(page, "official-jp")
    assert _upload(page, xlsx(OWN), "norway.xlsx") == 200
    page.get_by_role("button", name="Apply: write these changes to the record").click()
    page.wait_for_url("**/changes/")
    assert "Imported norway.xlsx:" in page.get_by_role("status").first.inner_text()
    assert_accessible(page, axe_source)


def test_the_import_page_speaks_german(new_page: object, axe_source: str) -> None:
    make_user("official-jp", ["JPN"])
    page = new_page(locale="de-DE")
    _sign_in_in_any_language(page, "official-jp")
    page.goto("/import/")
    assert page.locator("html").get_attribute("lang") == "de"
    # The translations of locale/de: "Import records", "Check the file", "Apply: write these changes to the record".
    assert page.get_by_role("heading", level=1).inner_text() == "Daten importieren"
    assert page.get_by_role("button", name="Datei prüfen").is_visible()
    assert _upload(page, xlsx(OWN), "norway.xlsx") == 200
    assert page.get_by_role("button", name="Übernehmen: diese Änderungen in den Datenbestand schreiben").is_visible()
    assert_accessible(page, axe_source)
