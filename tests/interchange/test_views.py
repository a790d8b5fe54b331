"""The dashboard's import page (preview, errors beside their rows, apply) and the agreement list's downloads."""

import io

import pytest
from django.http.multipartparser import MultiPartParser
from django.test import Client, override_settings

from interchange.importer import import_records
from interchange.models import PendingImport
from negotiations.models import Agreement, Change

from .builders import xlsx
from .test_import import ALPHA, GOOD, _with_mistakes

pytestmark = pytest.mark.django_db


def _client(user: object) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _upload(data: bytes, name: str) -> io.BytesIO:
    upload = io.BytesIO(data)
    upload.name = name
    return upload


def test_only_officials_and_administrators_import(analyst: object, official_jp: object) -> None:
    assert Client().get("/import/").status_code == 302
    assert _client(analyst).get("/import/").status_code == 403
    page = _client(official_jp).get("/import/")
    assert page.status_code == 200 and 'enctype="multipart/form-data"' in page.content.decode()


def test_the_preview_lists_each_row_and_apply_writes_it(official_jp: object) -> None:
    client = _client(official_jp)
    page = client.post("/import/", {"file": _upload(xlsx(GOOD), "record.xlsx")})
    text = page.content.decode()
    assert page.status_code == 200 and "No errors." in text and "Apply: write these changes" in text
    assert "test-alpha-raa negotiating 2024-09-01" in text and "outcome-created" in text
    assert not Agreement.objects.filter(slug=ALPHA).exists()  # a preview writes nothing
    pending = PendingImport.objects.get(user=official_jp)
    answer = client.post("/import/", {"apply": pending.pk, "digest": pending.digest})
    assert answer.status_code == 302 and answer["Location"] == "/changes/"
    alpha = Agreement.objects.get(slug=ALPHA)
    assert alpha.status == "negotiating"
    assert Change.objects.filter(agreement=alpha, user=official_jp, channel="import").exists()
    assert not PendingImport.objects.exists()
    again = client.post("/import/", {"apply": pending.pk, "digest": pending.digest}, follow=True)
    assert "expired or was applied already" in again.content.decode()


def test_errors_are_shown_beside_their_rows_and_nothing_is_kept(administrator: object) -> None:
    sheets, _expected = _with_mistakes()
    page = _client(administrator).post("/import/", {"file": _upload(xlsx(sheets), "mistakes.xlsx")})
    text = page.content.decode()
    assert page.status_code == 422 and "Nothing was written: 30 errors" in text
    assert 'id="row-events-8"' in text and "Cannot move from negotiating to talks_agreed" in text
    assert "agreements, row 1, colour: unknown column" in text  # the header's problem, above the table
    assert not PendingImport.objects.exists() and not Agreement.objects.filter(slug=ALPHA).exists()


def test_a_file_that_is_no_record_is_refused_beside_the_field(official_jp: object) -> None:
    page = _client(official_jp).post("/import/", {"file": _upload(b"hello", "record.xlsx")})
    assert page.status_code == 400 and "is not an XLSX workbook" in page.content.decode()


def test_an_official_cannot_apply_another_users_preview(official_jp: object, official_fr: object) -> None:
    _client(official_jp).post("/import/", {"file": _upload(xlsx(GOOD), "record.xlsx")})
    pending = PendingImport.objects.get()
    answer = _client(official_fr).post("/import/", {"apply": pending.pk, "digest": pending.digest}, follow=True)
    assert "expired or was applied already" in answer.content.decode()
    assert not Agreement.objects.filter(slug=ALPHA).exists()


def test_the_list_downloads_the_filtered_agreements_as_a_workbook_that_imports_unchanged(administrator: object) -> None:
    listing = Client().get("/agreements/?type=RAA").content.decode()
    assert "format=xlsx" in listing and "format=ods" in listing and "format=csv" in listing
    for kind in ("xlsx", "ods"):
        response = Client().get(f"/api/v1/agreements/?type=RAA&format={kind}")
        assert response.status_code == 200
        assert response["Content-Disposition"] == f'attachment; filename="agreements.{kind}"'
        data = b"".join(response.streaming_content)
        report = import_records(io.BytesIO(data), name=f"agreements.{kind}", actor=administrator, dry_run=True)
        assert report.ok and report.total("unchanged") == report.rows_read, [str(p) for p in report.problems]
        raa = Agreement.objects.filter(type__code="RAA").count()
        assert report.counts["agreements"]["unchanged"] == raa
    assert Client().get("/api/v1/agreements/?format=docx").status_code == 400


@override_settings(IMPORT_MAX_BYTES=10_000)
def test_a_file_too_large_is_refused_by_its_declared_size_beside_the_field(
    official_jp: object, monkeypatch: pytest.MonkeyPatch
) -> None:
    def never(*args: object) -> None:
        raise AssertionError("the upload was read: it should have been refused by its Content-Length")

    monkeypatch.setattr(MultiPartParser, "parse", never)  # nothing may read, let alone store, the body
    page = _client(official_jp).post("/import/", {"file": _upload(b"x" * 200_000, "events.csv")})
    text = page.content.decode()
    assert page.status_code == 413 and "MB" in text and 'class="errorlist' in text
    assert not PendingImport.objects.exists()


def test_the_import_page_still_refuses_a_post_without_its_csrf_token(official_jp: object) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(official_jp)
    assert client.post("/import/", {"file": _upload(xlsx(GOOD), "record.xlsx")}).status_code == 403
    assert not PendingImport.objects.exists()
