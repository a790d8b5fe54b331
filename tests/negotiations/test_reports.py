"""Reporting an error (issue #15): an analyst reports, the official of a party sees it and corrects the fact
citing the report, or dismisses it; the reporter is told by e-mail exactly once; an official of another state
neither sees nor resolves it; anonymous reports only where the setting allows them, throttled."""

import pytest
from django.core import mail
from django.test import Client, override_settings

from accounts.models import TokenScope
from negotiations.choices import ReportStatus, Status
from negotiations.models import Agreement, Change, ErrorReport, StatusEvent
from notifications.models import Notification
from notifications.sweep import run_sweep
from tests.api.clients import assert_problem, send_json, session_client, token_client

pytestmark = pytest.mark.django_db


def _told() -> list[str]:
    """Deliver whatever is pending (as the workers would), then the subjects of the e-mails sent so far."""
    run_sweep(deliver_inline=True)
    return [message.subject for message in mail.outbox]


def test_an_analyst_reports_the_official_corrects_and_the_analyst_is_told_once(
    analyst: object, official_jp: object, official_fr: object, japan_australia: Agreement
) -> None:
    milestone = japan_australia.milestones.order_by("id").first()
    reporter = session_client(analyst)
    form = reporter.get(f"/agreements/{japan_australia.slug}/report/?milestone={milestone.pk}")
    assert form.status_code == 200 and milestone.title in form.content.decode()
    empty = reporter.post(f"/agreements/{japan_australia.slug}/report/?milestone={milestone.pk}", {"note": ""})
    assert 'id="id_note_error"' in empty.content.decode() and not ErrorReport.objects.exists()
    sent = reporter.post(
        f"/agreements/{japan_australia.slug}/report/?milestone={milestone.pk}",
        {"note": "The exchange took place a day later (test).", "source_url": "https://example.org/notes"},
    )
    assert sent.status_code == 302
    report = ErrorReport.objects.get()
    assert (report.milestone, report.reporter, report.status) == (milestone, analyst, ReportStatus.OPEN)

    queue = session_client(official_jp).get("/reports/").content.decode()
    assert "The exchange took place a day later (test)." in queue and "Mark corrected" in queue
    other = session_client(official_fr)
    assert "a day later" not in other.get("/reports/").content.decode()
    assert other.post(f"/reports/{report.pk}/resolve/", {"outcome": "dismiss", "reason": "No."}).status_code == 404
    assert other.get(f"/api/v1/reports/{report.pk}/").status_code == 404

    official = session_client(official_jp)
    response = official.post(
        f"/reports/{report.pk}/resolve/", {"outcome": "corrected", "resolution": "Moved to the next day (test)."}
    )
    assert response.status_code == 302
    report.refresh_from_db()
    assert (report.status, report.resolved_by) == (ReportStatus.CORRECTED, official_jp)
    assert _told() == ["Your report on Japan–Australia Reciprocal Access Agreement: corrected"]
    assert "Moved to the next day (test)." in mail.outbox[0].body and mail.outbox[0].to == [analyst.email]
    run_sweep(deliver_inline=True)
    assert len(mail.outbox) == 1  # exactly once, however often the sweep looks
    again = official.post(f"/reports/{report.pk}/resolve/", {"outcome": "dismiss", "reason": "Second thoughts."})
    assert again.status_code == 302 and ErrorReport.objects.get(pk=report.pk).status == ReportStatus.CORRECTED


def test_a_report_on_a_status_change_is_resolved_by_a_correction_citing_it(
    analyst: object, official_jp: object, japan_australia: Agreement
) -> None:
    event = japan_australia.events.order_by("effective_on", "id").first()
    filed = send_json(
        token_client(analyst, TokenScope.WRITE),
        "POST",
        "/api/v1/reports/",
        {"agreement": japan_australia.slug, "event": event.pk, "note": "Talks began mid-month (test)."},
    )
    assert filed.status_code == 201, filed.content
    report_id = filed.json()["id"]
    client = token_client(official_jp, TokenScope.WRITE)
    url = f"/api/v1/reports/{report_id}/correct/"
    missing = send_json(client, "POST", url, {"status": event.status, "effective_on": "2014-07-15"})
    assert_problem(missing, 400, "resolution")
    body = {
        "status": event.status,
        "effective_on": "2014-07-15",
        "date_precision": "day",
        "no_source_reason": "The delegation's notes (test).",
        "resolution": "The exact day is known (test).",
    }
    corrected = send_json(client, "POST", url, body)
    assert corrected.status_code == 201, corrected.content
    correction = StatusEvent.objects.get(pk=corrected.json()["id"])
    assert correction.corrects == event and correction.correction_reason.startswith(f"Report #{report_id}: ")
    assert Change.objects.filter(object_type="event", object_id=correction.pk, user=official_jp).count() == 1
    report = ErrorReport.objects.get(pk=report_id)
    assert (report.status, report.correction) == (ReportStatus.CORRECTED, correction)
    assert len(_told()) == 1
    # Officials still may not correct entries in general: only through a report on that entry.
    general = send_json(
        client,
        "POST",
        f"/api/v1/agreements/{japan_australia.slug}/transition/",
        {**{k: body[k] for k in ("status", "effective_on", "no_source_reason")}, "corrects": correction.pk,
         "correction_reason": "Again"},
    )  # fmt: skip
    assert general.status_code == 403


def test_a_dismissed_report_tells_the_reporter_once(
    analyst: object, official_jp: object, france_japan: Agreement
) -> None:
    report = send_json(
        session_client(analyst),
        "POST",
        "/api/v1/reports/",
        {"agreement": france_japan.slug, "note": "Talks are under way by now (test)."},
    ).json()
    client = session_client(official_jp)
    assert_problem(send_json(client, "POST", f"/api/v1/reports/{report['id']}/dismiss/", {}), 400, "reason")
    dismissed = send_json(client, "POST", f"/api/v1/reports/{report['id']}/dismiss/", {"reason": "Not yet (test)."})
    assert dismissed.status_code == 200 and dismissed.json()["status"] == "dismissed"
    assert _told() == ["Your report on France–Japan Reciprocal Access Agreement: dismissed"]
    assert "the record stands as it is" in mail.outbox[0].body
    assert Notification.objects.filter(report_id=report["id"]).count() == 1
    run_sweep(deliver_inline=True)
    assert len(mail.outbox) == 1


def test_reporting_needs_a_sign_in_unless_the_setting_allows_it(japan_australia: Agreement) -> None:
    anonymous = Client()
    page = anonymous.get(f"/agreements/{japan_australia.slug}/report/")
    assert page.status_code == 302 and "/accounts/login/" in page["Location"]
    body = {"agreement": japan_australia.slug, "note": "Wrong (test)."}
    assert send_json(anonymous, "POST", "/api/v1/reports/", body).status_code == 401
    assert "Report an error" not in anonymous.get(japan_australia.get_absolute_url()).content.decode()
    assert not ErrorReport.objects.exists()


@override_settings(ANONYMOUS_REPORTS=True)
def test_anonymous_reports_where_allowed_are_throttled(japan_australia: Agreement, settings: object) -> None:
    """The form and the API share one limit per address: reports through either count against both."""
    settings.API_THROTTLE_RATES = {**settings.API_THROTTLE_RATES, "reports": "3/hour"}
    anonymous = Client()
    assert "Report an error" in anonymous.get(japan_australia.get_absolute_url()).content.decode()
    body = {"agreement": japan_australia.slug, "note": "Wrong date (test)."}
    assert [send_json(anonymous, "POST", "/api/v1/reports/", body).status_code for _ in range(2)] == [201, 201]
    url = f"/agreements/{japan_australia.slug}/report/"
    assert anonymous.post(url, {"note": "Also wrong (test)."}).status_code == 302  # the third, through the form
    refused = anonymous.post(url, {"note": "Once more (test)."})
    assert refused.status_code == 200 and "Too many reports" in refused.content.decode()
    assert send_json(anonymous, "POST", "/api/v1/reports/", body).status_code == 429  # one counter for both
    assert ErrorReport.objects.filter(reporter=None).count() == 3
    assert anonymous.get("/api/v1/reports/").status_code == 401  # anonymous reporters read nothing


def test_a_report_names_a_fact_of_its_own_agreement(analyst: object, japan_australia: Agreement) -> None:
    other = Agreement.objects.get(slug="france-japan-raa").events.first()
    wrong = send_json(
        session_client(analyst),
        "POST",
        "/api/v1/reports/",
        {"agreement": japan_australia.slug, "event": other.pk, "note": "x"},
    )
    assert_problem(wrong, 400, "event")
    assert not ErrorReport.objects.exists()
    assert japan_australia.events.filter(status=Status.SIGNED).exists()
