"""The change log through the dashboard's forms and the admin (issue #15): every form that writes the record
leaves one change row per object it touched, naming the user and the channel, with the fields before and after."""

import datetime

import pytest
from django.test import Client
from django.urls import reverse

from negotiations.models import Agreement, AgreementType, Change, Milestone, NegotiationRound, Source
from parties.models import State
from raa_tracker.versions import version_of
from tests.factories import MilestoneFactory, NegotiationRoundFactory, SourceFactory

pytestmark = pytest.mark.django_db

NO_SOURCE = {"no_public_source": "on", "no_source_reason": "Told at a briefing (test)."}


def _rows_of(client: Client, method: str, url: str, data: dict) -> list[Change]:
    start = Change.objects.order_by("-id").values_list("id", flat=True).first() or 0
    response = client.post(url, data) if method == "POST" else client.get(url)
    assert response.status_code == 302, getattr(response, "context", None) and (
        response.context.get("form")
        and response.context["form"].errors
        or response.context.get("adminform")
        and response.context["adminform"].form.errors
        or response.context.get("errors")
    )
    return list(Change.objects.filter(pk__gt=start).order_by("id"))


def _page_version(client: Client, url: str) -> str:
    return client.get(url).content.decode().split('name="version" value="')[1].split('"')[0]


# The dashboard -------------------------------------------------------------------------------------------------


def test_the_dashboards_forms_each_leave_their_rows(
    client: Client, official_fr: object, france_japan: Agreement
) -> None:
    client.force_login(official_fr)
    slug = france_japan.slug

    status_url = f"/agreements/{slug}/status/"  # France–Japan is negotiating since September 2024
    version = _page_version(client, status_url)
    data = {"version": version, "status": "agreed_in_principle", "effective_on": "2025-01-15"}
    rows = _rows_of(client, "POST", status_url, data | {"date_precision": "day"} | NO_SOURCE)
    assert [(r.object_type, r.action, r.after["no_source_reason"]) for r in rows] == [
        ("event", "create", "Told at a briefing (test).")
    ]

    rows = _rows_of(
        client,
        "POST",
        f"/agreements/{slug}/rounds/new/",
        {"number": "1", "starts_on": "2024-09-02", "place": "Paris", "new_source_title": "Communiqué (test)",
         "new_source_publisher": "Ministry (test)"},
    )  # fmt: skip
    assert [(r.object_type, r.action) for r in rows] == [("source", "create"), ("round", "create")]
    negotiation_round = NegotiationRound.objects.get(agreement=france_japan, number=1)
    assert rows[1].source_id == negotiation_round.source_id

    edit = f"/agreements/{slug}/rounds/{negotiation_round.pk}/"
    rows = _rows_of(
        client,
        "POST",
        edit,
        {"version": _page_version(client, edit), "number": "1", "starts_on": "2024-09-02", "place": "Tokyo",
         "source": negotiation_round.source_id},
    )  # fmt: skip
    assert [(r.action, r.before, r.after) for r in rows] == [("change", {"place": "Paris"}, {"place": "Tokyo"})]

    rows = _rows_of(
        client,
        "POST",
        f"/agreements/{slug}/milestones/new/",
        {"kind": "signature", "title": "Signing (test)", "due_on": "2025-06-01", "status": "planned"} | NO_SOURCE,
    )
    assert [(r.object_type, r.action) for r in rows] == [("milestone", "create")]
    milestone = Milestone.objects.get(agreement=france_japan, title="Signing (test)")
    rows = _rows_of(
        client, "POST", f"/agreements/{slug}/milestones/{milestone.pk}/done/", {"version": version_of(milestone)}
    )
    assert [r.after for r in rows] == [{"status": "done", "completed_on": datetime.date.today().isoformat()}]

    rows = _rows_of(
        client, "POST", "/sources/new/", {"title": "Statement (test)", "publisher": "MOFA", "language": "en"}
    )
    assert [(r.object_type, r.action, r.agreement_id) for r in rows] == [("source", "create", None)]

    source = Source.objects.get(title="Statement (test)")
    rows = _rows_of(
        client,
        "POST",
        f"/agreements/{slug}/confirm/",
        {"version": version_of(Agreement.objects.get(pk=france_japan.pk)), "source": source.pk},
    )
    assert [(r.object_type, r.source_id) for r in rows] == [("agreement", source.pk)]

    everything = Change.objects.filter(user=official_fr)
    assert {(r.channel, r.user_name) for r in everything} == {("dashboard", "official-fr")}
    assert everything.count() == 8 and all(len(r.request_id) == 32 for r in everything)


# The admin -----------------------------------------------------------------------------------------------------


def _admin(client: Client, administrator: object) -> Client:
    client.force_login(administrator)
    return client


def test_the_admin_adds_and_changes_an_agreement_with_its_parties(client: Client, administrator: object) -> None:
    _admin(client, administrator)
    data = {
        "title": "Germany–Japan RAA (test)",
        "slug": "germany-japan-test",
        "type": AgreementType.objects.get(code="RAA").pk,
        "summary": "",
        "participations-TOTAL_FORMS": "2",
        "participations-INITIAL_FORMS": "0",
    }
    for number, code in enumerate(["DEU", "JPN"]):
        data |= {
            f"participations-{number}-state": State.objects.get(alpha3=code).pk,
            f"participations-{number}-approval_status": "pending",
            f"participations-{number}-approval_decided_precision": "day",
        }
    for prefix in ("rounds", "milestones", "events"):
        data |= {f"{prefix}-TOTAL_FORMS": "0", f"{prefix}-INITIAL_FORMS": "0"}
    rows = _rows_of(client, "POST", reverse("admin:negotiations_agreement_add"), data)
    assert sorted((r.object_type, r.object_repr) for r in rows) == [
        ("agreement", "Germany–Japan RAA (test)"),
        ("participation", "DEU"),
        ("participation", "JPN"),
    ]
    assert {(r.channel, r.user_name) for r in rows} == {("admin", "admin")}


def test_the_admin_writes_rounds_milestones_and_sources_with_one_row_each(
    client: Client, administrator: object, japan_australia: Agreement
) -> None:
    _admin(client, administrator)
    negotiation_round = NegotiationRoundFactory(agreement=japan_australia, starts_on=datetime.date(2020, 1, 1))
    rows = _rows_of(
        client,
        "POST",
        reverse("admin:negotiations_negotiationround_delete", args=[negotiation_round.pk]),
        {"post": "yes"},
    )
    assert [(r.object_type, r.action, r.object_id) for r in rows] == [("round", "delete", negotiation_round.pk)]

    milestone = MilestoneFactory(agreement=japan_australia, title="Review (test)")
    data = {
        "agreement": japan_australia.pk,
        "kind": milestone.kind,
        "title": "Review of the text (test)",
        "due_on": milestone.due_on.isoformat(),
        "due_precision": milestone.due_precision,
        "status": milestone.status,
        "completed_on": "",
        "responsible_party": "",
        "owner": "",
        "note": "",
        "source": "",
        "no_source_reason": "",
    }
    rows = _rows_of(client, "POST", reverse("admin:negotiations_milestone_change", args=[milestone.pk]), data)
    assert [(r.action, r.before, r.after) for r in rows] == [
        ("change", {"title": "Review (test)"}, {"title": "Review of the text (test)"})
    ]

    source = SourceFactory(title="Draft (test)")
    data = {
        "title": "Final (test)",
        "publisher": source.publisher,
        "url": source.url,
        "published_on": "",
        "published_precision": source.published_precision,
        "language": "en",
    }
    rows = _rows_of(client, "POST", reverse("admin:negotiations_source_change", args=[source.pk]), data)
    assert [(r.object_type, r.before["title"], r.after["title"]) for r in rows] == [
        ("source", "Draft (test)", "Final (test)")
    ]
    assert {r.channel for r in Change.objects.filter(user=administrator)} == {"admin"}


def test_the_admin_records_a_status_change_with_one_row(
    client: Client, administrator: object, france_japan: Agreement
) -> None:
    _admin(client, administrator)
    data = {
        "agreement": france_japan.pk,
        "status": "agreed_in_principle",  # France–Japan is negotiating since September 2024
        "effective_on": "2025-01-15",
        "date_precision": "day",
        "place": "",
        "source": france_japan.events.first().source_id,
        "no_source_reason": "",
        "note": "",
        "corrects": "",
        "correction_reason": "",
    }
    rows = _rows_of(client, "POST", reverse("admin:negotiations_statusevent_add"), data)
    assert [(r.object_type, r.channel, r.source_id) for r in rows] == [("event", "admin", data["source"])]
