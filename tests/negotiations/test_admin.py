"""A status change in the admin goes through the lifecycle service: refused moves show beside the field."""

import pytest
from django.test import Client
from django.urls import reverse

from negotiations.models import Agreement, StatusEvent

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
        "note": "",
        "corrects": "",
        "correction_reason": "",
        **fields,
    }
    return client.post(reverse(ADD), data)


def test_admin_records_an_allowed_status_change(client: Client, administrator: object) -> None:
    client.force_login(administrator)
    agreement = Agreement.objects.get(slug="france-japan-raa")
    response = _post(client, agreement, status="negotiating", note="First round announced.")
    assert response.status_code == 302
    agreement.refresh_from_db()
    assert agreement.status == "negotiating" and str(agreement.status_since) == "2024-09-01"
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
