"""Evidence (issue #15): a person records no fact without a source or a stated reason (form, API, admin alike);
a fact can cite several sources, each stating or contradicting it, shown on the page and in the API; the overview
says how much of the record is sourced; the seed cites both publications where DOMAIN.md names two."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client

from accounts.models import TokenScope
from negotiations import services
from negotiations.choices import CitationRole, Status
from negotiations.models import Agreement, Change, Citation, StatusEvent
from negotiations.selectors import evidence_share
from tests.api.clients import assert_problem, send_json, session_client, token_client
from tests.factories import MilestoneFactory, NegotiationRoundFactory, SourceFactory

pytestmark = pytest.mark.django_db

NO_SOURCE = "Cite a source, or choose “no public source” and say why"


# No silent gaps -----------------------------------------------------------------------------------------------


def test_a_status_change_without_source_or_reason_is_refused_beside_the_field(
    client: Client, official_fr: object, france_japan: Agreement
) -> None:
    client.force_login(official_fr)
    url = f"/agreements/{france_japan.slug}/status/"
    page = client.get(url).content.decode()
    version = page.split('name="version" value="')[1].split('"')[0]
    events = france_japan.events.count()
    # France–Japan is negotiating since September 2024.
    data = {"version": version, "status": "agreed_in_principle", "effective_on": "2025-01-15", "date_precision": "day"}
    refused = client.post(url, data)
    assert refused.status_code == 200
    body = refused.content.decode()
    assert 'id="id_source_error"' in body and NO_SOURCE in body
    chosen_without_reason = client.post(url, data | {"no_public_source": "on"})
    assert 'id="id_no_source_reason_error"' in chosen_without_reason.content.decode()
    assert france_japan.events.count() == events

    accepted = client.post(url, data | {"no_public_source": "on", "no_source_reason": "Said by the ambassador."})
    assert accepted.status_code == 302
    event = france_japan.events.latest("id")
    assert (event.source, event.no_source_reason) == (None, "Said by the ambassador.")
    page = client.get(france_japan.get_absolute_url()).content.decode()
    assert "no public source" in page and "Said by the ambassador." in page


def test_the_api_refuses_a_status_change_without_evidence_naming_the_field(
    official_fr: object, france_japan: Agreement
) -> None:
    client = token_client(official_fr, TokenScope.WRITE)
    url = f"/api/v1/agreements/{france_japan.slug}/transition/"
    events = france_japan.events.count()
    move = {"status": "agreed_in_principle", "effective_on": "2025-01-15"}  # negotiating since September 2024
    refused = send_json(client, "POST", url, move)
    problem = assert_problem(refused, 400, "source")
    assert problem["errors"]["source"][0].startswith(NO_SOURCE)
    assert france_japan.events.count() == events and not Change.objects.filter(object_type="event", user=official_fr)

    body = move | {"no_source_reason": "Told at a briefing."}
    accepted = send_json(client, "POST", url, body)
    assert accepted.status_code == 201 and accepted.json()["no_source_reason"] == "Told at a briefing."


def test_rounds_and_milestones_need_evidence_too_and_every_error_shows_at_once(
    official_jp: object, france_japan: Agreement
) -> None:
    with pytest.raises(ValidationError) as refused:
        services.round_record(
            actor=official_jp,
            agreement=france_japan,
            number=1,
            starts_on=datetime.date(2024, 9, 2),
            ends_on=datetime.date(2024, 9, 1),
        )
    assert set(refused.value.message_dict) == {"source", "ends_on"}
    with pytest.raises(ValidationError, match="no public source"):
        services.milestone_record(
            actor=official_jp, agreement=france_japan, title="Signing", due_on=datetime.date(2025, 3, 1)
        )
    milestone = services.milestone_record(
        actor=official_jp,
        agreement=france_japan,
        title="Signing",
        due_on=datetime.date(2025, 3, 1),
        source=SourceFactory(),
    )
    with pytest.raises(ValidationError, match="no public source"):
        services.milestone_update(actor=official_jp, milestone=milestone, source=None)
    # An edit that leaves the evidence alone is not held to it (facts recorded before the rule keep working).
    unsourced = MilestoneFactory(agreement=france_japan)
    services.milestone_update(actor=official_jp, milestone=unsourced, note="Postponed")


def test_the_application_itself_may_record_what_domain_md_gives_without_a_publication(
    france_japan: Agreement,
) -> None:
    negotiation_round = services.round_record(
        actor=None, agreement=france_japan, number=1, starts_on=datetime.date(2024, 9, 2)
    )
    assert negotiation_round.source is None and negotiation_round.no_source_reason == ""


def test_a_source_makes_a_stated_reason_moot(official_jp: object, france_japan: Agreement) -> None:
    milestone = services.milestone_record(
        actor=official_jp,
        agreement=france_japan,
        title="Next round",
        due_on=datetime.date(2025, 3, 1),
        no_source_reason="Announced orally.",
    )
    updated = services.milestone_update(actor=official_jp, milestone=milestone, source=SourceFactory())
    assert updated.no_source_reason == ""


def test_the_overview_shows_the_share_of_sourced_facts(client: Client, france_japan: Agreement) -> None:
    before = evidence_share()
    NegotiationRoundFactory(agreement=france_japan)  # no source: the share falls
    after = evidence_share()
    assert (after.facts, after.sourced) == (before.facts + 1, before.sourced)
    page = client.get("/").content.decode()
    assert f"{after.percent} % of the record's facts cite at least one source" in page
    assert f"({after.sourced} of {after.facts} " in page


# Several sources per fact -------------------------------------------------------------------------------------


def _signed(agreement: Agreement) -> StatusEvent:
    return agreement.events.get(status=Status.SIGNED)


def test_a_fact_can_cite_a_source_that_states_it_and_one_that_contradicts_it(
    official_jp: object, japan_australia: Agreement
) -> None:
    event = _signed(japan_australia)
    confirming, contradicting = SourceFactory(title="Confirming report"), SourceFactory(title="Other date")
    start = Change.objects.order_by("-id").values_list("id", flat=True).first()
    services.citation_add(actor=official_jp, fact=event, source=confirming, quote="Signed by video link (test).")
    services.citation_add(actor=official_jp, fact=event, source=contradicting, role=CitationRole.CONTRADICTS)
    logged = Change.objects.filter(pk__gt=start, object_type="citation").order_by("id")
    assert [c.after["role"] for c in logged] == ["states", "contradicts"] and {c.agreement_id for c in logged} == {
        japan_australia.pk
    }

    body = Client().get(f"/api/v1/events/{event.pk}/").json()
    assert body["contradicted"] is True
    assert [(c["role"], c["source"]["title"]) for c in body["citations"]] == [
        ("states", "Confirming report"),
        ("contradicts", "Other date"),
    ]
    assert body["citations"][0]["quote"] == "Signed by video link (test)."
    page = Client().get(japan_australia.get_absolute_url()).content.decode()
    history = page[page.index('id="history"') : page.index('id="changes"')]
    assert "contradicted" in history and "Confirming report" in history and "Other date" in history


def test_a_source_is_cited_once_per_fact(official_jp: object, japan_australia: Agreement) -> None:
    event = _signed(japan_australia)
    source = SourceFactory()
    services.citation_add(actor=official_jp, fact=event, source=source)
    with pytest.raises(ValidationError, match="already cited"):
        services.citation_add(actor=official_jp, fact=event, source=source, role=CitationRole.CONTRADICTS)
    with pytest.raises(ValidationError, match="already the fact's own"):
        services.citation_add(actor=official_jp, fact=event, source=event.source)
    assert event.citations.count() == 1


def test_an_official_of_another_state_may_not_cite_for_this_agreement(
    official_fr: object, japan_australia: Agreement
) -> None:
    cited = Citation.objects.filter(agreement=japan_australia).count()  # the seed's
    with pytest.raises(PermissionDenied):
        services.citation_add(actor=official_fr, fact=_signed(japan_australia), source=SourceFactory())
    client = token_client(official_fr, TokenScope.WRITE)
    refused = send_json(
        client, "POST", "/api/v1/citations/", {"event": _signed(japan_australia).pk, "source": SourceFactory().pk}
    )
    assert refused.status_code == 403 and Citation.objects.filter(agreement=japan_australia).count() == cited


def test_the_api_adds_lists_and_withdraws_citations(official_jp: object, japan_australia: Agreement) -> None:
    client = session_client(official_jp)
    milestone = japan_australia.milestones.order_by("id").first()
    both = send_json(
        client, "POST", "/api/v1/citations/", {"milestone": milestone.pk, "event": 1, "source": SourceFactory().pk}
    )
    assert assert_problem(both, 400, "milestone")
    none = send_json(client, "POST", "/api/v1/citations/", {"source": SourceFactory().pk})
    assert assert_problem(none, 400, "event")
    new_source = {"title": "Committee transcript", "publisher": "Parliament", "language": "en"}
    created = send_json(
        client,
        "POST",
        "/api/v1/citations/",
        {"milestone": milestone.pk, "source": new_source, "role": "contradicts", "quote": "Heard on another day."},
    )
    assert created.status_code == 201, created.content
    listed = client.get("/api/v1/citations/", {"agreement": japan_australia.slug, "role": "contradicts"}).json()
    assert [row["id"] for row in listed["results"]] == [created.json()["id"]]
    assert client.get(f"/api/v1/milestones/{milestone.pk}/").json()["contradicted"] is True
    withdrawn = client.delete(created.json()["url"])
    assert withdrawn.status_code == 204
    assert client.get(f"/api/v1/milestones/{milestone.pk}/").json()["contradicted"] is False
    assert Change.objects.filter(object_type="citation", action="delete", user=official_jp).count() == 1


def test_the_seed_cites_both_publications_where_domain_md_names_two(france_japan: Agreement) -> None:
    talks = france_japan.events.get(status=Status.TALKS_AGREED)
    assert talks.source.publisher == "Prime Minister's Office of Japan"
    # DOMAIN.md's two (the Kantei's page and the German news report), then RECORD.md's two Japanese pages.
    assert [(c.source.publisher, c.source.language, c.role) for c in talks.citations.all()] == [
        ("German-language news report (publisher not recorded)", "de", "states"),
        ("Ministry of Foreign Affairs of Japan", "ja", "states"),
        ("Embassy of Japan in France", "ja", "states"),
    ]
    in_force = Agreement.objects.get(slug="japan-philippines-raa").events.get(status=Status.IN_FORCE)
    assert {in_force.source.publisher, *(c.source.publisher for c in in_force.citations.all())} == {
        "Manila Bulletin",
        "BusinessWorld",
    }


def test_an_official_cites_a_contradicting_source_from_the_page(
    client: Client, official_jp: object, official_fr: object, japan_australia: Agreement
) -> None:
    event = _signed(japan_australia)
    client.force_login(official_jp)
    page = client.get(japan_australia.get_absolute_url()).content.decode()
    url = f"/agreements/{japan_australia.slug}/cite/?event={event.pk}"
    assert url.replace("&", "&amp;") in page or url in page
    empty = client.post(url, {"role": "contradicts"})
    assert 'id="id_source_error"' in empty.content.decode() and not event.citations.exists()
    sent = client.post(
        url,
        {
            "role": "contradicts",
            "quote": "It was signed a day later (test).",
            "new_source_title": "A later account (test)",
            "new_source_publisher": "A newspaper (test)",
        },
    )
    assert sent.status_code == 302
    citation = event.citations.get()
    assert (citation.role, citation.source.title, citation.quote) == (
        "contradicts",
        "A later account (test)",
        "It was signed a day later (test).",
    )
    assert Change.objects.filter(object_type="citation", object_id=citation.pk, channel="dashboard").count() == 1
    client.force_login(official_fr)
    assert client.get(url).status_code == 403
    refused = client.post(url, {"role": "states", "source": citation.source_id})
    assert refused.status_code == 403 and event.citations.count() == 1
