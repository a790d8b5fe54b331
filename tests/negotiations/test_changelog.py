"""The change log (issue #15): every write of the record leaves exactly one row per object it touched, with the
actor, channel, request id and only the fields that changed; a write that fails leaves none. Each door is tried:
the dashboard's forms, the API (session and token), the admin, a management command and a Celery task."""

import datetime
import json
import math

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import TokenScope
from negotiations import services, tasks
from negotiations.choices import ChangeAction, ChangedObject, MilestoneStatus, Status
from negotiations.lifecycle import TransitionRefused
from negotiations.models import Agreement, Change, NegotiationRound, Source
from raa_tracker import provenance
from raa_tracker.versions import StaleVersion, version_of
from tests.api.clients import send_json, session_client, token_client
from tests.factories import (
    AgreementFactory,
    MilestoneFactory,
    NegotiationRoundFactory,
    SourceFactory,
    StateFactory,
    transition,
)

pytestmark = pytest.mark.django_db


def _new_changes(since: int) -> list[Change]:
    return list(Change.objects.filter(pk__gt=since).order_by("id"))


def _last_id() -> int:
    return Change.objects.order_by("-id").values_list("id", flat=True).first() or 0


def _one(since: int) -> Change:
    rows = _new_changes(since)
    assert len(rows) == 1, [(r.action, r.object_type, r.before, r.after) for r in rows]
    return rows[0]


# Services, as the application and as a user -------------------------------------------------------------------


def test_a_round_created_changed_and_deleted_leaves_one_row_each(france_japan: Agreement, official_jp: object) -> None:
    start = _last_id()
    negotiation_round = services.round_record(
        actor=official_jp,
        no_source_reason="Told by the delegation (test).",
        agreement=france_japan,
        number=1,
        starts_on=datetime.date(2024, 9, 2),
        place="Paris",
    )
    created = _one(start)
    assert (created.action, created.object_type, created.object_id) == ("create", "round", negotiation_round.pk)
    assert created.before == {} and created.after["place"] == "Paris" and created.after["number"] == 1
    assert created.agreement_id == france_japan.pk and created.user == official_jp
    assert created.user_name == "official-jp" and created.channel == provenance.Channel.COMMAND

    start = _last_id()
    services.round_update(actor=official_jp, round=negotiation_round, place="Tokyo", ends_on=datetime.date(2024, 9, 3))
    changed = _one(start)
    assert changed.action == "change"
    assert changed.before == {"place": "Paris", "ends_on": None}
    assert changed.after == {"place": "Tokyo", "ends_on": "2024-09-03"}

    start = _last_id()
    services.record_delete(actor=official_jp, obj=NegotiationRound.objects.get(pk=negotiation_round.pk))
    deleted = _one(start)
    assert (deleted.action, deleted.object_id, deleted.after) == ("delete", negotiation_round.pk, {})
    assert deleted.before["place"] == "Tokyo"


def test_a_write_that_changes_nothing_leaves_no_row(japan_australia: Agreement, official_jp: object) -> None:
    milestone = japan_australia.milestones.first()
    start = _last_id()
    services.milestone_update(actor=official_jp, milestone=milestone, title=milestone.title)
    assert _new_changes(start) == []


def test_a_milestone_completed_names_the_fields_and_its_source(france_japan: Agreement, official_fr: object) -> None:
    source = SourceFactory()
    milestone = MilestoneFactory(agreement=france_japan, source=source)
    start = _last_id()
    services.milestone_complete(actor=official_fr, milestone=milestone, completed_on=datetime.date(2024, 10, 1))
    row = _one(start)
    assert row.before == {"status": "planned", "completed_on": None}
    assert row.after == {"status": "done", "completed_on": "2024-10-01"}
    assert row.source_id == source.pk and row.object_repr == milestone.title


def test_a_status_change_and_a_correction_leave_one_row_each(france_japan: Agreement, administrator: object) -> None:
    source = SourceFactory()
    start = _last_id()
    event = transition(  # France–Japan is negotiating since September 2024
        france_japan, Status.AGREED_IN_PRINCIPLE, on=datetime.date(2025, 1, 15), actor=administrator, source=source
    )
    rows = _new_changes(start)
    assert [(r.action, r.object_type) for r in rows] == [("create", "event")]
    assert rows[0].after["status"] == "agreed_in_principle" and rows[0].source_id == source.pk

    start = _last_id()
    services.agreement_transition(
        actor=administrator,
        no_source_reason="Told by the delegation (test).",
        agreement=france_japan,
        status=Status.AGREED_IN_PRINCIPLE,
        effective_on=datetime.date(2025, 1, 20),
        corrects=event,
        correction_reason="The agreement was announced on the twentieth.",
    )
    correction = _one(start)
    assert correction.after["corrects"] == event.pk
    assert correction.message == "The agreement was announced on the twentieth."


def test_an_agreement_and_its_parties_are_logged_as_they_change(administrator: object) -> None:
    first, second, third = StateFactory(), StateFactory(), StateFactory()
    start = _last_id()
    agreement = services.agreement_create(
        actor=administrator, title="A pact", slug="a-pact", type=Agreement.objects.first().type, parties=[first, second]
    )
    rows = _new_changes(start)
    assert sorted((r.object_type, r.object_repr) for r in rows) == sorted(
        [("agreement", "A pact"), ("participation", first.alpha3), ("participation", second.alpha3)]
    )
    assert {r.request_id for r in rows} == {""} and {r.agreement_id for r in rows} == {agreement.pk}

    start = _last_id()
    services.agreement_update(
        actor=administrator,
        agreement=agreement,
        title="A pact, renamed",
        participations=[{"state": first, "signed_on": datetime.date(2024, 1, 5)}, {"state": third}],
    )
    rows = {(r.object_type, r.action, r.object_repr): r for r in _new_changes(start)}
    assert set(rows) == {
        ("agreement", "change", "A pact, renamed"),
        ("participation", "change", first.alpha3),
        ("participation", "create", third.alpha3),
        ("participation", "delete", second.alpha3),
    }
    assert rows[("agreement", "change", "A pact, renamed")].before == {"title": "A pact"}
    assert rows[("participation", "change", first.alpha3)].after == {"signed_on": "2024-01-05"}


def test_a_source_is_logged_without_an_agreement(official_jp: object) -> None:
    start = _last_id()
    source = services.source_record(
        actor=official_jp, title="Communiqué", publisher="MOFA", url="https://example.org/c"
    )
    row = _one(start)
    assert (row.object_type, row.agreement_id, row.source_id) == ("source", None, None)
    start = _last_id()
    services.source_update(actor=official_jp, source=source, title="Joint communiqué")
    assert _one(start).after == {"title": "Joint communiqué"}


# Failed writes leave nothing ----------------------------------------------------------------------------------


def test_a_refused_transition_leaves_no_row(japan_australia: Agreement, official_jp: object) -> None:
    start = _last_id()
    with pytest.raises(TransitionRefused):
        services.agreement_transition(
            actor=official_jp,
            no_source_reason="Told by the delegation (test).",
            agreement=japan_australia,
            status=Status.NEGOTIATING,
            effective_on=datetime.date(2024, 1, 1),
        )
    assert _new_changes(start) == []


def test_a_validation_error_leaves_no_row(france_japan: Agreement, official_jp: object) -> None:
    negotiation_round = NegotiationRoundFactory(agreement=france_japan, starts_on=datetime.date(2024, 9, 2))
    start = _last_id()
    with pytest.raises(ValidationError):
        services.round_update(actor=official_jp, round=negotiation_round, ends_on=datetime.date(2024, 9, 1))
    with pytest.raises(ValidationError):
        services.round_record(
            actor=official_jp,
            no_source_reason="Told by the delegation (test).",
            agreement=france_japan,
            number=1,
            starts_on=datetime.date(2024, 1, 1),
        )
    assert _new_changes(start) == []


def test_a_stale_version_leaves_no_row(france_japan: Agreement, official_jp: object) -> None:
    milestone = MilestoneFactory(agreement=france_japan)
    version = version_of(milestone)
    services.milestone_update(actor=official_jp, milestone=milestone, title="First")
    start = _last_id()
    with pytest.raises(StaleVersion):
        services.milestone_update(actor=official_jp, milestone=milestone, expected_version=version, title="Second")
    assert _new_changes(start) == []


def test_a_refused_deletion_leaves_no_row(japan_australia: Agreement, administrator: object) -> None:
    cited = japan_australia.events.exclude(source=None).first().source
    start = _last_id()
    with pytest.raises(Exception):  # noqa: B017, PT011 - the database's PROTECT, as the API's 409 reports it
        services.record_delete(actor=administrator, obj=cited)
    assert _new_changes(start) == [] and Source.objects.filter(pk=cited.pk).exists()


# The doors: dashboard, API, admin, command, worker ------------------------------------------------------------


def test_the_dashboard_form_logs_its_user_channel_and_request_id(france_japan: Agreement, official_jp: object) -> None:
    client = session_client(official_jp)
    start = _last_id()
    response = client.post(
        reverse("round-create", args=[france_japan.slug]),
        {
            "number": 1,
            "starts_on": "2024-09-02",
            "place": "Paris",
            "no_public_source": "on",
            "no_source_reason": "Announced at a briefing.",
        },
        headers={"X-Request-ID": "dashboard-request-0001"},
    )
    assert response.status_code == 302, response.context["form"].errors
    row = _one(start)
    assert (row.channel, row.user_name, row.token_name) == ("dashboard", "official-jp", "")
    assert row.request_id == "dashboard-request-0001" == response["X-Request-ID"]


def test_the_api_logs_the_token_and_its_name(france_japan: Agreement, official_jp: object) -> None:
    client = token_client(official_jp, TokenScope.WRITE)
    start = _last_id()
    response = send_json(
        client,
        "POST",
        "/api/v1/milestones/",
        {
            "agreement": france_japan.slug,
            "title": "Second round",
            "due_on": "2025-01-15",
            "no_source_reason": "Planned, not announced.",
        },
    )
    assert response.status_code == 201, response.content
    row = _one(start)
    assert (row.channel, row.user_name, row.token_name) == ("api", "official-jp", "test")
    assert len(row.request_id) == 32 and response["X-Request-ID"] == row.request_id
    assert row.actor_label == "official-jp (API token “test”)"


def test_an_api_write_that_fails_leaves_no_row(france_japan: Agreement, official_jp: object) -> None:
    client = token_client(official_jp, TokenScope.WRITE)
    start = _last_id()
    response = send_json(client, "PATCH", f"/api/v1/agreements/{france_japan.slug}/", {"title": ""})
    assert response.status_code == 400
    response = send_json(
        client,
        "PATCH",
        f"/api/v1/agreements/{france_japan.slug}/",
        {"title": "Stale"},
        **{"If-Match": '"0-stale"'},
    )
    assert response.status_code == 412
    assert _new_changes(start) == []


def test_the_admin_logs_its_channel(client: Client, administrator: object, japan_australia: Agreement) -> None:
    client.force_login(administrator)
    negotiation_round = NegotiationRoundFactory(agreement=japan_australia, starts_on=datetime.date(2020, 1, 1))
    start = _last_id()
    data = {
        "agreement": japan_australia.pk,
        "number": negotiation_round.number,
        "starts_on": "2020-01-01",
        "starts_precision": "day",
        "ends_on": "",
        "place": "Canberra",
        "host": "",
        "summary": "",
        "source": "",
        "no_source_reason": "From the delegation's notes.",
    }
    response = client.post(reverse("admin:negotiations_negotiationround_change", args=[negotiation_round.pk]), data)
    assert response.status_code == 302, response.context and response.context["adminform"].form.errors
    row = _one(start)
    assert (row.channel, row.user_name, row.after["place"]) == ("admin", "admin", "Canberra")


def test_the_seed_command_logs_what_it_restores_as_the_system(japan_australia: Agreement) -> None:
    milestone = japan_australia.milestones.order_by("id").first()
    title = milestone.title
    milestone.delete()
    start = _last_id()
    call_command("seed", stdout=open("/dev/null", "w"))  # noqa: SIM115 - the command's progress is not tested here
    row = _one(start)
    assert (row.action, row.object_type, row.object_repr) == ("create", "milestone", title)
    assert (row.channel, row.system, row.user_name) == ("import", "seed", "")  # the seed is an import
    assert row.actor_label == "system (seed)" and row.message.startswith("import of record.yaml (sha256 ")


def test_the_worker_logs_the_task_that_wrote(administrator: object) -> None:
    agreement = AgreementFactory(history=[(Status.PROPOSED, datetime.date(2024, 1, 1))])
    for status in (Status.TALKS_AGREED, Status.NEGOTIATING, Status.SIGNED):
        transition(agreement, status, on=datetime.date(2024, 2, 1))
    Agreement.objects.filter(pk=agreement.pk).update(entry_into_force_scheduled_on=timezone.localdate())
    start = _last_id()
    tasks.enter_into_force.apply()
    row = _one(start)
    assert (row.channel, row.system, row.object_type) == ("worker", tasks.enter_into_force.name, "event")
    assert row.after["status"] == Status.IN_FORCE and len(row.request_id) >= 32


# One INSERT per write -----------------------------------------------------------------------------------------


def test_logging_a_write_is_one_insert(france_japan: Agreement, official_jp: object) -> None:
    milestone = MilestoneFactory(agreement=france_japan)
    with CaptureQueriesContext(connection) as queries:
        services.milestone_update(actor=official_jp, milestone=milestone, title="Renamed", note="Moved to Paris")
    inserts = [q["sql"] for q in queries if q["sql"].startswith("INSERT") and "negotiations_change" in q["sql"]]
    assert len(inserts) == 1
    assert Change.objects.filter(object_type=ChangedObject.MILESTONE, object_id=milestone.pk).count() == 1


# What readers see ---------------------------------------------------------------------------------------------


def test_the_agreement_page_shows_its_changes_field_by_field(france_japan: Agreement, official_jp: object) -> None:
    milestone = MilestoneFactory(agreement=france_japan, title="Text review")
    services.milestone_update(actor=official_jp, milestone=milestone, status=MilestoneStatus.CANCELLED)
    page = Client().get(france_japan.get_absolute_url()).content.decode()
    section = page[page.index('id="changes"') :]
    assert "Changes to this record" in section and "official-jp" in section
    assert "<del>planned</del> → <ins>cancelled</ins>" in section


def test_the_changes_page_filters_by_party_user_and_channel(
    france_japan: Agreement, japan_australia: Agreement, official_jp: object
) -> None:
    services.milestone_update(actor=official_jp, milestone=japan_australia.milestones.first(), note="Australian note")
    services.milestone_update(actor=official_jp, milestone=MilestoneFactory(agreement=france_japan), note="French note")
    client = Client()
    french = client.get("/changes/?party=FRA&actor=official-jp").content.decode()
    assert "French note" in french and "Australian note" not in french
    by_channel = client.get("/changes/?channel=api").content.decode()
    assert "French note" not in by_channel
    refused = client.get("/changes/?channel=carrier-pigeon")
    assert refused.status_code == 200 and "Select a valid choice" in refused.content.decode()


def test_the_atom_feed_lists_changes(france_japan: Agreement, official_jp: object) -> None:
    services.milestone_update(actor=official_jp, milestone=MilestoneFactory(agreement=france_japan), note="Postponed")
    feed = Client().get(reverse("feed-agreement-changes", args=[france_japan.slug]))
    assert feed.status_code == 200 and feed["Content-Type"].startswith("application/atom+xml")
    body = feed.content.decode()
    assert "official-jp (command)" in body and "Postponed" in body


def test_the_api_filters_changes_and_refuses_bad_parameters(france_japan: Agreement, official_jp: object) -> None:
    before = timezone.now()
    services.milestone_update(actor=official_jp, milestone=MilestoneFactory(agreement=france_japan), note="Later")
    client = session_client(official_jp)
    since = before.isoformat().replace("+00:00", "Z")
    body = client.get("/api/v1/changes/", {"agreement": france_japan.slug, "since": since, "actor": "official-jp"})
    assert body.status_code == 200
    results = body.json()["results"]
    assert [r["after"] for r in results] == [{"note": "Later"}]
    assert results[0]["actor"] == {"user": "official-jp", "token": "", "system": "", "label": "official-jp"}
    bad = client.get("/api/v1/changes/", {"since": "yesterday", "colour": "red"})
    assert bad.status_code == 400 and {"since", "colour"} <= set(bad.json()["errors"])
    assert send_json(client, "POST", "/api/v1/changes/", {"action": "create"}).status_code == 405


def test_ten_thousand_changes_page_through_with_a_stable_cursor(france_japan: Agreement) -> None:
    seeded = Change.objects.filter(agreement=france_japan, channel=provenance.Channel.IMPORT).count()  # the seed's
    Change.objects.bulk_create(
        Change(
            action=ChangeAction.CHANGE,
            object_type=ChangedObject.AGREEMENT,
            object_id=france_japan.pk,
            object_repr=france_japan.title,
            agreement=france_japan,
            channel=provenance.Channel.IMPORT,
            after={"summary": f"version {n}"},
            at=datetime.datetime(2025, 1, 1, tzinfo=datetime.UTC),  # one moment for all: order is by id
        )
        for n in range(10_000)
    )
    client = Client()
    url = f"/api/v1/changes/?agreement={france_japan.slug}&channel=import&page_size=200"
    seen: list[int] = []
    pages = 0
    while url:
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        if pages == 0:
            first_page_queries = len(queries)
        assert len(queries) == first_page_queries  # the same however deep the page
        body = response.json()
        seen += [row["id"] for row in body["results"]]
        if pages == 1:
            # A change written meanwhile appears on no later page: the cursor is stable.
            Change.objects.create(
                action=ChangeAction.CHANGE,
                object_type=ChangedObject.AGREEMENT,
                object_id=france_japan.pk,
                object_repr="meanwhile",
                agreement=france_japan,
                channel=provenance.Channel.IMPORT,
            )
        url = body["next"]
        pages += 1
    total = 10_000 + seeded
    assert pages == math.ceil(total / 200)
    assert len(seen) == total == len(set(seen)) and seen == sorted(seen, reverse=True)

    small = Client()
    with CaptureQueriesContext(connection) as few:
        small.get(f"/api/v1/changes/?agreement={france_japan.slug}&page_size=5")
    with CaptureQueriesContext(connection) as many:
        small.get(f"/api/v1/changes/?agreement={france_japan.slug}&page_size=200")
    assert len(few) == len(many)


def test_change_rows_outlive_a_deleted_agreement(administrator: object) -> None:
    agreement = AgreementFactory(title="Short-lived")
    pk = agreement.pk
    services.record_delete(actor=administrator, obj=agreement)
    rows = Change.objects.filter(agreement_id=pk)
    assert rows.filter(action="delete", object_type="agreement").count() == 1
    listed = session_client(administrator).get("/api/v1/changes/?actor=admin").json()["results"]
    assert listed[0]["agreement"] is None and listed[0]["agreement_id"] == pk
    page = Client().get("/changes/?actor=admin").content.decode()
    assert "deleted agreement" in page and "Short-lived" in page


def test_nobody_changes_the_log_in_the_admin(client: Client, administrator: object) -> None:
    client.force_login(administrator)
    row = Change.objects.first()
    assert client.get(reverse("admin:negotiations_change_changelist")).status_code == 200
    assert client.get(reverse("admin:negotiations_change_add")).status_code == 403
    assert client.post(reverse("admin:negotiations_change_delete", args=[row.pk]), {"post": "yes"}).status_code == 403
    assert Change.objects.filter(pk=row.pk).exists()
    assert json.dumps(row.after)  # a row's fields are JSON


# Every API write of the record, one row per object it touches ---------------------------------------------------

API_WRITES = [
    # (method, path template, body, expected rows as (object_type, action))
    ("POST", "/api/v1/agreements/", {"title": "A pact", "slug": "a-pact", "type": "RAA",
     "participations": [{"state": "JPN"}, {"state": "DEU"}]},
     [("agreement", "create"), ("participation", "create"), ("participation", "create")]),
    ("PATCH", "/api/v1/agreements/japan-australia-raa/", {"summary": "Changed (test)."}, [("agreement", "change")]),
    ("PATCH", "/api/v1/agreements/japan-australia-raa/", {"participations": [{"state": "JPN"},
     {"state": "AUS", "note": "Ratified (test)."}]}, [("participation", "change")]),
    ("POST", "/api/v1/agreements/france-japan-raa/transition/", {"status": "agreed_in_principle",
     "effective_on": "2025-01-15", "no_source_reason": "A briefing (test)."}, [("event", "create")]),
    ("POST", "/api/v1/agreements/france-japan-raa/transition/", {"status": "agreed_in_principle",
     "effective_on": "2025-01-15", "source": {"title": "Report (test)", "publisher": "Agency (test)"}},
     [("source", "create"), ("event", "create")]),
    ("POST", "/api/v1/rounds/", {"agreement": "france-japan-raa", "number": 2, "starts_on": "2024-10-02",
     "no_source_reason": "Notes (test)."}, [("round", "create")]),
    ("PATCH", "/api/v1/rounds/{round}/", {"place": "Tokyo"}, [("round", "change")]),
    ("DELETE", "/api/v1/rounds/{round}/", None, [("round", "delete")]),
    ("POST", "/api/v1/milestones/", {"agreement": "france-japan-raa", "title": "Next (test)",
     "due_on": "2025-01-01", "no_source_reason": "Plan (test)."}, [("milestone", "create")]),
    ("PATCH", "/api/v1/milestones/{milestone}/", {"status": "cancelled"}, [("milestone", "change")]),
    ("DELETE", "/api/v1/milestones/{milestone}/", None, [("milestone", "delete")]),
    ("POST", "/api/v1/sources/", {"title": "A report (test)", "publisher": "An agency"}, [("source", "create")]),
    ("PATCH", "/api/v1/sources/{source}/", {"title": "Renamed (test)"}, [("source", "change")]),
    ("DELETE", "/api/v1/sources/{source}/", None, [("source", "delete")]),
    ("POST", "/api/v1/citations/", {"milestone": "{milestone}", "source": "{source}", "role": "contradicts"},
     [("citation", "create")]),
    ("POST", "/api/v1/agreements/france-japan-raa/confirm/", {"source": "{source}"}, [("agreement", "change")]),
]  # fmt: skip


@pytest.mark.parametrize(
    ("method", "path", "body", "expected"), API_WRITES, ids=lambda v: v if isinstance(v, str) else ""
)
def test_every_api_write_leaves_one_row_per_object_with_its_actor_and_channel(
    method: str, path: str, body: dict | None, expected: list, administrator: object, france_japan: Agreement
) -> None:
    negotiation_round = NegotiationRoundFactory(agreement=france_japan, starts_on=datetime.date(2024, 9, 2))
    ids = {"round": negotiation_round.pk, "milestone": MilestoneFactory(agreement=france_japan).pk}
    ids["source"] = SourceFactory().pk
    fill = lambda value: int(value.format(**ids)) if isinstance(value, str) and value.startswith("{") else value  # noqa: E731
    body = {name: fill(value) for name, value in body.items()} if body is not None else None
    client = token_client(administrator, TokenScope.WRITE)
    start = _last_id()
    response = send_json(client, method, path.format(**ids), body)
    assert response.status_code in (200, 201, 204), response.content
    rows = _new_changes(start)
    assert [(r.object_type, r.action) for r in rows] == expected
    assert {(r.user_name, r.token_name, r.channel) for r in rows} == {("admin", "test", "api")}
    assert len({r.request_id for r in rows}) == 1 and rows[0].request_id == response["X-Request-ID"]
