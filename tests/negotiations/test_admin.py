"""The admin writes through the services: refused moves and broken rules show beside the field, and the policy
holds for a staff official as it does in the API."""

import datetime
import json

import pytest
from django.test import Client
from django.urls import reverse

from negotiations.models import Agreement, NegotiationRound, StatusEvent

pytestmark = pytest.mark.django_db
ADD = "admin:negotiations_statusevent_add"


def _post(client: Client, agreement: Agreement, **fields: str) -> object:
    data = {
        "agreement": agreement.pk,
        "status": "",
        "effective_on": "2024-09-01",
        "date_precision": "day",
        "place": "",
        "source": "",
        "no_source_reason": "Announced at a briefing (test).",
        "note": "",
        "corrects": "",
        "correction_reason": "",
        **fields,
    }
    return client.post(reverse(ADD), data)


def test_admin_records_an_allowed_status_change(client: Client, administrator: object) -> None:
    client.force_login(administrator)
    agreement = Agreement.objects.get(slug="france-japan-raa")  # negotiating since September 2024
    response = _post(
        client, agreement, status="agreed_in_principle", effective_on="2025-03-01", note="Agreement announced."
    )
    assert response.status_code == 302
    agreement.refresh_from_db()
    assert agreement.status == "agreed_in_principle" and str(agreement.status_since) == "2025-03-01"
    assert agreement.events.order_by("-id").first().recorded_by == administrator


def test_admin_refuses_a_move_the_lifecycle_forbids(client: Client, administrator: object) -> None:
    client.force_login(administrator)
    agreement = Agreement.objects.get(slug="japan-australia-raa")
    count = StatusEvent.objects.count()
    response = _post(client, agreement, status="negotiating", effective_on="2024-01-01")
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert errors["status"] == ["Cannot move from in_force to negotiating. Allowed next: suspended, terminated."]
    assert StatusEvent.objects.count() == count
    agreement.refresh_from_db()
    assert agreement.status == "in_force"


def test_admin_shows_impossible_date_beside_the_field(client: Client, administrator: object) -> None:
    client.force_login(administrator)
    agreement = Agreement.objects.get(slug="france-japan-raa")
    response = _post(client, agreement, status="negotiating", effective_on="2024-02-30")
    assert response.status_code == 200
    assert "effective_on" in response.context["adminform"].form.errors


def test_admin_cannot_edit_or_delete_an_event(client: Client, administrator: object) -> None:
    client.force_login(administrator)
    event = StatusEvent.objects.first()
    change = client.post(reverse("admin:negotiations_statusevent_change", args=[event.pk]), {"note": "x"})
    assert change.status_code == 403
    delete = client.post(reverse("admin:negotiations_statusevent_delete", args=[event.pk]), {"post": "yes"})
    assert delete.status_code == 403
    assert StatusEvent.objects.filter(pk=event.pk, note=event.note).exists()


def test_admin_adds_an_agreement_with_two_parties_and_no_status(client: Client, administrator: object) -> None:
    from negotiations.models import AgreementType
    from parties.models import State

    client.force_login(administrator)
    data = {
        "title": "Germany–Japan RAA",
        "slug": "germany-japan-raa",
        "type": AgreementType.objects.get(code="RAA").pk,
        "summary": "",
        "participations-TOTAL_FORMS": "1",
        "participations-INITIAL_FORMS": "0",
        "participations-0-state": State.objects.get(alpha3="DEU").pk,
        "participations-0-approval_status": "pending",
        "participations-0-approval_decided_precision": "day",
    }
    for prefix in ("rounds", "milestones", "events"):
        data |= {f"{prefix}-TOTAL_FORMS": "0", f"{prefix}-INITIAL_FORMS": "0"}
    response = client.post(reverse("admin:negotiations_agreement_add"), data)
    assert response.status_code == 200, "one party must be refused"
    assert not Agreement.objects.filter(slug="germany-japan-raa").exists()

    data |= {
        "participations-TOTAL_FORMS": "2",
        "participations-1-state": State.objects.get(alpha3="JPN").pk,
        "participations-1-approval_status": "pending",
        "participations-1-approval_decided_precision": "day",
    }
    response = client.post(reverse("admin:negotiations_agreement_add"), data)
    assert response.status_code == 302, response.context and response.context["errors"]
    agreement = Agreement.objects.get(slug="germany-japan-raa")
    assert agreement.status is None and agreement.created_by == administrator
    assert agreement.parties.count() == 2


def _round_data(negotiation_round: NegotiationRound, **fields: object) -> dict[str, object]:
    data = {
        "agreement": negotiation_round.agreement_id,
        "number": negotiation_round.number,
        "starts_on": negotiation_round.starts_on.isoformat(),
        "starts_precision": negotiation_round.starts_precision,
        "ends_on": negotiation_round.ends_on.isoformat() if negotiation_round.ends_on else "",
        "place": negotiation_round.place,
        "host": negotiation_round.host_id or "",
        "summary": negotiation_round.summary,
        "source": negotiation_round.source_id or "",
    }
    return data | fields


def test_a_round_edit_in_the_admin_runs_the_checks_of_the_api(client: Client, administrator: object) -> None:
    """The rule that a round stays with its agreement (written once, in services.round_update) holds in the
    admin, beside the field, as it does in the API."""
    client.force_login(administrator)
    ours = Agreement.objects.get(slug="france-japan-raa")
    mine = NegotiationRound.objects.create(agreement=ours, number=1, starts_on=datetime.date(2024, 9, 2))
    other = Agreement.objects.get(slug="japan-australia-raa")
    change = reverse("admin:negotiations_negotiationround_change", args=[mine.pk])

    moved = client.post(change, _round_data(mine, agreement=other.pk, place="Canberra"))
    assert moved.status_code == 200
    assert moved.context["adminform"].form.errors["agreement"] == ["A round or milestone stays with its agreement."]
    api = client.patch(
        f"/api/v1/rounds/{mine.pk}/",
        json.dumps({"agreement": other.slug, "place": "Canberra"}),
        content_type="application/json",
    )
    assert api.status_code == 400 and api.json()["errors"]["agreement"] == [
        "A round or milestone stays with its agreement."
    ]
    mine.refresh_from_db()
    assert (mine.agreement, mine.place) == (ours, "")

    backwards = client.post(change, _round_data(mine, ends_on="2024-09-01"))
    assert backwards.status_code == 200 and "ends_on" in backwards.context["adminform"].form.errors

    saved = client.post(change, _round_data(mine, place="Tokyo"))
    assert saved.status_code == 302
    mine.refresh_from_db()
    assert mine.place == "Tokyo"


def test_a_status_change_in_the_admin_runs_the_checks_of_the_api(client: Client, administrator: object) -> None:
    client.force_login(administrator)
    in_force = Agreement.objects.get(slug="japan-australia-raa")
    count = StatusEvent.objects.count()
    response = _post(client, in_force, status="negotiating", effective_on="2024-09-01")
    api = client.post(
        "/api/v1/agreements/japan-australia-raa/transition/",
        json.dumps({"status": "negotiating", "effective_on": "2024-09-01", "no_source_reason": "A briefing."}),
        content_type="application/json",
    )
    assert response.status_code == 200 and api.status_code == 409
    assert response.context["adminform"].form.errors["status"][0].startswith(api.json()["detail"].split(".")[0])
    assert StatusEvent.objects.count() == count


def test_the_admin_keeps_the_slug_and_the_parties_rule(client: Client, administrator: object) -> None:
    client.force_login(administrator)
    agreement = Agreement.objects.get(slug="france-japan-raa")
    page = client.get(reverse("admin:negotiations_agreement_change", args=[agreement.pk]))
    assert page.status_code == 200 and 'name="slug"' not in page.content.decode()
    participation = agreement.participations.first()
    change = client.get(reverse("admin:negotiations_participation_change", args=[participation.pk]))
    assert change.status_code == 200 and 'name="state"' not in change.content.decode()
    assert client.get(reverse("admin:negotiations_participation_add")).status_code == 403
