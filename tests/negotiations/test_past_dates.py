"""What has happened is not dated in the future: one rule of the models, held by every door."""

import datetime
import io

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from interchange.importer import import_records
from negotiations import services
from negotiations.models import Agreement, Milestone, NegotiationRound, Source

pytestmark = pytest.mark.django_db

TOMORROW = datetime.date.today() + datetime.timedelta(days=1)


def test_a_source_published_tomorrow_is_refused_by_the_service_and_the_api(administrator: object) -> None:
    with pytest.raises(ValidationError) as refused:
        services.source_record(actor=administrator, title="Talks", publisher="Example", published_on=TOMORROW)
    assert [error.code for error in refused.value.error_dict["published_on"]] == ["future-date"]
    client = Client()
    client.force_login(administrator)
    body = {"title": "Talks", "publisher": "Example", "published_on": TOMORROW.isoformat()}
    response = client.post("/api/v1/sources/", body, content_type="application/json")
    assert response.status_code == 400 and "published_on" in response.json()["errors"]
    assert not Source.objects.filter(title="Talks").exists()


def test_a_party_cannot_have_signed_tomorrow_nor_a_milestone_be_done_tomorrow(
    administrator: object, japan_australia: Agreement
) -> None:
    party = japan_australia.participations.get(state__alpha3="JPN")
    with pytest.raises(ValidationError) as refused:
        services.participation_update(actor=administrator, participation=party, signed_on=TOMORROW)
    assert set(refused.value.message_dict) == {"signed_on"}
    milestone = Milestone.objects.create(agreement=japan_australia, title="Vote", due_on=datetime.date(2024, 1, 1))
    with pytest.raises(ValidationError) as refused:
        services.milestone_update(
            actor=administrator, milestone=milestone, status="done", completed_on=TOMORROW, no_source_reason="Test."
        )
    assert set(refused.value.message_dict) == {"completed_on"}


def test_the_import_takes_a_round_scheduled_ahead_as_the_forms_do_and_refuses_a_future_signature(
    administrator: object, japan_australia: Agreement
) -> None:
    ahead = (datetime.date.today() + datetime.timedelta(days=40)).isoformat()
    record = (
        "format: raa-tracker-interchange\nversion: 1\n"
        f"rounds:\n- {{agreement: japan-australia-raa, number: 9, starts_on: '{ahead}', no_source_reason: Planned.}}\n"
        f"parties:\n- {{agreement: japan-australia-raa, state: JPN, signed_on: '{TOMORROW.isoformat()}'}}\n"
    ).encode()
    report = import_records(io.BytesIO(record), name="record.yaml", actor=administrator, dry_run=True)
    assert [(p.sheet, p.column, p.rule) for p in report.problems] == [("parties", "signed_on", "future-date")]
    assert next(row for row in report.rows if row.sheet == "rounds").outcome == "created"
    assert not NegotiationRound.objects.filter(agreement=japan_australia, number=9).exists()  # a dry run
