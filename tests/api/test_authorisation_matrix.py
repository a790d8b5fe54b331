"""Every API endpoint × method × persona, generated from the URL configuration.

An endpoint added without an entry in EXPECTED fails `test_every_endpoint_has_an_entry`. Objects are those of
Japan–Australia, so the rows show the official of France refused on every route that changes it.
"""

import datetime
import json

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from intake import services as intake_services
from intake.models import Feed
from negotiations.models import Agreement, Citation, ErrorReport, NegotiationRound, Source
from notifications.models import Watch, WebhookEndpoint

pytestmark = pytest.mark.django_db

PERSONAS = [
    "anonymous",
    "analyst",
    "official_jp",
    "official_fr",
    "administrator",
    "read_token",
    "write_token",
    "expired_token",
    "revoked_token",
]

READ = [200, 200, 200, 200, 200, 200, 200, 401, 401]


def japan_australia_write(ok: int) -> list[int]:
    """Allowed to officials of Japan (by session or write token) and administrators only."""
    return [401, 403, ok, 403, ok, 403, ok, 401, 401]


EXPECTED: dict[tuple[str, str], list[int]] = {
    ("api-root", "GET"): READ,
    ("schema", "GET"): READ,
    ("docs", "GET"): READ,
    ("redoc", "GET"): READ,
    ("api-not-found", "GET"): [404] * 9,
    ("state-list", "GET"): READ,
    ("state-detail", "GET"): READ,
    ("grouping-list", "GET"): READ,
    ("grouping-detail", "GET"): READ,
    ("agreementtype-list", "GET"): READ,
    ("agreementtype-detail", "GET"): READ,
    ("agreement-list", "GET"): READ,
    ("agreement-list", "POST"): [401, 403, 201, 403, 201, 403, 201, 401, 401],
    ("agreement-detail", "GET"): READ,
    ("agreement-detail", "PUT"): japan_australia_write(200),
    ("agreement-detail", "PATCH"): japan_australia_write(200),
    ("agreement-detail", "DELETE"): [401, 403, 403, 403, 204, 403, 403, 401, 401],
    ("agreement-transition", "POST"): japan_australia_write(201),
    ("agreement-durations", "GET"): READ,
    ("agreement-comparables", "GET"): READ,
    ("analysis-status-counts", "GET"): READ,
    ("negotiationround-list", "GET"): READ,
    ("negotiationround-list", "POST"): japan_australia_write(201),
    ("negotiationround-detail", "GET"): READ,
    ("negotiationround-detail", "PUT"): japan_australia_write(200),
    ("negotiationround-detail", "PATCH"): japan_australia_write(200),
    ("negotiationround-detail", "DELETE"): japan_australia_write(204),
    ("milestone-list", "GET"): READ,
    ("milestone-list", "POST"): japan_australia_write(201),
    ("milestone-detail", "GET"): READ,
    ("milestone-detail", "PUT"): japan_australia_write(200),
    ("milestone-detail", "PATCH"): japan_australia_write(200),
    ("milestone-detail", "DELETE"): japan_australia_write(204),
    ("statusevent-list", "GET"): READ,
    ("statusevent-detail", "GET"): READ,
    ("agreement-confirm", "POST"): japan_australia_write(200),
    ("stale-agreement-list", "GET"): READ,
    # Reports: filed by any signed-in user; seen by the officials of the parties, administrators and the reporter
    # (the analyst filed these), resolved by the first two; an official of another state finds nothing (404).
    ("report-list", "GET"): [401, 200, 200, 200, 200, 200, 200, 401, 401],
    ("report-list", "POST"): [401, 201, 201, 201, 201, 403, 201, 401, 401],
    # A dry run of a record for Japan–Australia: the official of France may import, but not these rows (422).
    ("import-list", "POST"): [401, 403, 200, 422, 200, 403, 200, 401, 401],
    ("report-detail", "GET"): [401, 200, 200, 404, 200, 200, 200, 401, 401],
    ("report-dismiss", "POST"): [401, 403, 200, 404, 200, 403, 200, 401, 401],
    ("report-resolve", "POST"): [401, 403, 200, 404, 200, 403, 200, 401, 401],
    ("report-correct", "POST"): [401, 403, 201, 404, 201, 403, 201, 401, 401],
    ("citation-list", "GET"): READ,
    ("citation-list", "POST"): japan_australia_write(201),
    ("citation-detail", "GET"): READ,
    ("citation-detail", "DELETE"): japan_australia_write(204),
    ("change-list", "GET"): READ,
    ("change-detail", "GET"): READ,
    ("source-list", "GET"): READ,
    ("source-list", "POST"): [401, 403, 201, 201, 201, 403, 201, 401, 401],
    ("source-detail", "GET"): READ,
    ("source-detail", "PUT"): japan_australia_write(200),
    ("source-detail", "PATCH"): japan_australia_write(200),
    # The source is cited by Japan–Australia: those who may delete it are told it is still in use.
    ("source-detail", "DELETE"): japan_australia_write(409),
    ("token-list", "GET"): [401, 200, 200, 200, 200, 200, 200, 401, 401],
    ("token-list", "POST"): [401, 201, 201, 201, 201, 403, 201, 401, 401],
    # The token is the administrator's own read token: others do not see it.
    ("token-detail", "GET"): [401, 404, 404, 404, 200, 200, 404, 401, 401],
    ("token-detail", "DELETE"): [401, 404, 404, 404, 204, 403, 404, 401, 401],
    # Watches and webhooks are each user's own; the objects below are the administrator's.
    ("watch-list", "GET"): [401, 200, 200, 200, 200, 200, 200, 401, 401],
    ("watch-list", "POST"): [401, 201, 201, 201, 201, 403, 201, 401, 401],
    ("watch-detail", "GET"): [401, 404, 404, 404, 200, 200, 404, 401, 401],
    ("watch-detail", "DELETE"): [401, 404, 404, 404, 204, 403, 404, 401, 401],
    ("webhook-list", "GET"): [401, 200, 200, 200, 200, 200, 200, 401, 401],
    ("webhook-list", "POST"): [401, 201, 201, 201, 201, 403, 201, 401, 401],
    ("webhook-detail", "GET"): [401, 404, 404, 404, 200, 200, 404, 401, 401],
    ("webhook-detail", "DELETE"): [401, 404, 404, 404, 204, 403, 404, 401, 401],
    ("webhook-deliveries", "GET"): [401, 404, 404, 404, 200, 200, 404, 401, 401],
    # The intake: any signed-in user submits an article; its candidates for Japan–Australia are reviewed by the
    # officials of Japan and administrators; feeds are the administrators'.
    ("intake-article-list", "GET"): READ,
    ("intake-article-list", "POST"): [401, 201, 201, 201, 201, 403, 201, 401, 401],
    ("intake-article-detail", "GET"): READ,
    ("intake-candidate-list", "GET"): READ,
    ("intake-candidate-detail", "GET"): READ,
    ("intake-candidate-accept", "POST"): japan_australia_write(200),
    ("intake-candidate-reject", "POST"): japan_australia_write(200),
    ("intake-feed-list", "GET"): [401, 403, 403, 403, 200, 200, 403, 401, 401],
    ("intake-feed-list", "POST"): [401, 403, 403, 403, 201, 403, 403, 401, 401],
    ("intake-feed-detail", "GET"): [401, 403, 403, 403, 200, 200, 403, 401, 401],
}


def _api_routes() -> set[tuple[str, str]]:
    """(route name, method) for every route under /api/v1/, read from the URL configuration."""
    found = set()

    def walk(patterns: list, prefix: str) -> None:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns, prefix + str(pattern.pattern))
                continue
            assert isinstance(pattern, URLPattern)
            route = prefix + str(pattern.pattern)
            if not route.lstrip("^").startswith("api/"):
                continue
            callback = pattern.callback
            if hasattr(callback, "actions"):
                # DRF adds HEAD (a mirror of GET) to the actions at the first request; it is not listed apart.
                methods = {m.upper() for m in callback.actions if m != "head"}
            elif hasattr(callback, "cls"):
                methods = {m.upper() for m in ("get", "post", "put", "patch", "delete") if hasattr(callback.cls, m)}
            else:
                methods = {"GET"}
            found.update((pattern.name, method) for method in methods)

    walk(get_resolver().url_patterns, "")
    return found


def test_every_endpoint_has_an_entry() -> None:
    routes = _api_routes()
    assert routes - EXPECTED.keys() == set(), "endpoints without an entry in the authorisation matrix"
    assert EXPECTED.keys() - routes == set(), "entries for endpoints that do not exist"


# Written for the test: Japan and Australia signed their RAA in January 2022 (the record has it, to the day).
INTAKE_ARTICLE = {
    "title": "Access pact recalled",
    "text": "Australia and Japan signed a reciprocal access agreement in January 2022.",
    "publisher": "Example Daily",
    "published_on": datetime.date(2024, 1, 10),
    "url": "https://news.example.org/recalled",
}


def _target(route: str, clients: dict[str, Client]) -> tuple[str, dict | None]:
    """The URL and body that a persona allowed to act would succeed with."""
    ja = Agreement.objects.get(slug="japan-australia-raa")
    round_, _ = NegotiationRound.objects.get_or_create(agreement=ja, number=5, starts_on=datetime.date(2016, 3, 1))
    milestone = ja.milestones.first()
    source = Source.objects.get(url__endswith="page4e_001195.html")
    event = ja.events.first()
    citation = Citation.objects.get_or_create(
        agreement=ja, milestone=milestone, source=Source.objects.get(url__endswith="press1e_000453.html")
    )[0]
    analyst = User.objects.get_or_create(username="analyst")[0]  # the reporter (the matrix's analyst persona)
    milestone_report = ErrorReport.objects.get_or_create(
        agreement=ja, milestone=milestone, reporter=analyst, note="The date is wrong (test)."
    )[0]
    first_event = ja.events.order_by("effective_on", "id").first()
    event_report = ErrorReport.objects.get_or_create(
        agreement=ja, event=first_event, reporter=analyst, note="The talks began on another day (test)."
    )[0]
    token = clients["read_token"].token
    owner = token.user
    watch = Watch.objects.get_or_create(user=owner, agreement=ja)[0]
    webhook = WebhookEndpoint.objects.get_or_create(user=owner, url="https://example.org/hook", secret="whsec_x")[0]
    article, _ = intake_services.article_submit(actor=analyst, **INTAKE_ARTICLE)
    candidate = article.candidates.get(parties__alpha3="AUS", status="signed")
    feed = Feed.objects.get_or_create(url="https://example.org/feed.xml", publisher="Example", language="en")[0]
    urls = {
        "api-root": "/api/v1/",
        "schema": "/api/v1/schema/",
        "docs": "/api/v1/docs/",
        "redoc": "/api/v1/redoc/",
        "api-not-found": "/api/v2/agreements/",
        "state-list": "/api/v1/states/",
        "state-detail": "/api/v1/states/jpn/",
        "grouping-list": "/api/v1/groupings/",
        "grouping-detail": "/api/v1/groupings/G7/",
        "agreementtype-list": "/api/v1/agreement-types/",
        "agreementtype-detail": "/api/v1/agreement-types/raa/",
        "agreement-list": "/api/v1/agreements/",
        "agreement-detail": f"/api/v1/agreements/{ja.slug}/",
        "agreement-transition": f"/api/v1/agreements/{ja.slug}/transition/",
        "agreement-durations": f"/api/v1/agreements/{ja.slug}/durations/",
        "agreement-comparables": f"/api/v1/agreements/{ja.slug}/comparables/",
        "analysis-status-counts": "/api/v1/analysis/status-counts/?from=2023-01-01&to=2023-03-31",
        "negotiationround-list": "/api/v1/rounds/",
        "negotiationround-detail": f"/api/v1/rounds/{round_.pk}/",
        "milestone-list": "/api/v1/milestones/",
        "milestone-detail": f"/api/v1/milestones/{milestone.pk}/",
        "statusevent-list": "/api/v1/events/",
        "statusevent-detail": f"/api/v1/events/{event.pk}/",
        "agreement-confirm": f"/api/v1/agreements/{ja.slug}/confirm/",
        "stale-agreement-list": "/api/v1/stale-agreements/",
        "report-list": "/api/v1/reports/",
        "import-list": "/api/v1/imports/",
        "report-detail": f"/api/v1/reports/{milestone_report.pk}/",
        "report-dismiss": f"/api/v1/reports/{milestone_report.pk}/dismiss/",
        "report-resolve": f"/api/v1/reports/{milestone_report.pk}/resolve/",
        "report-correct": f"/api/v1/reports/{event_report.pk}/correct/",
        "citation-list": "/api/v1/citations/",
        "citation-detail": f"/api/v1/citations/{citation.pk}/",
        "change-list": "/api/v1/changes/",
        "change-detail": f"/api/v1/changes/{ja.changes.first().pk}/",
        "source-list": "/api/v1/sources/",
        "source-detail": f"/api/v1/sources/{source.pk}/",
        "token-list": "/api/v1/tokens/",
        "token-detail": f"/api/v1/tokens/{token.pk}/",
        "watch-list": "/api/v1/watches/",
        "watch-detail": f"/api/v1/watches/{watch.pk}/",
        "webhook-list": "/api/v1/webhooks/",
        "webhook-detail": f"/api/v1/webhooks/{webhook.pk}/",
        "webhook-deliveries": f"/api/v1/webhooks/{webhook.pk}/deliveries/",
        "intake-article-list": "/api/v1/intake/articles/",
        "intake-article-detail": f"/api/v1/intake/articles/{article.pk}/",
        "intake-candidate-list": "/api/v1/intake/candidates/",
        "intake-candidate-detail": f"/api/v1/intake/candidates/{candidate.pk}/",
        "intake-candidate-accept": f"/api/v1/intake/candidates/{candidate.pk}/accept/",
        "intake-candidate-reject": f"/api/v1/intake/candidates/{candidate.pk}/reject/",
        "intake-feed-list": "/api/v1/intake/feeds/",
        "intake-feed-detail": f"/api/v1/intake/feeds/{feed.pk}/",
    }
    return urls[route], None


class _Bodies(dict):
    """Request bodies by (route, method); a body that names rows by id is built when asked for (a function)."""

    def __getitem__(self, key: object) -> object:
        body = super().__getitem__(key)
        return body() if callable(body) else body

    def get(self, key: object, default: object = None) -> object:
        return self[key] if key in self else default  # noqa: SIM401 - dict.get would skip __getitem__


def _citation_body() -> dict:
    milestone = Agreement.objects.get(slug="japan-australia-raa").milestones.order_by("id").first()
    return {
        "milestone": milestone.pk,
        "source": {"title": "A later report", "publisher": "Another publisher"},
        "role": "contradicts",
        "quote": "Written for the test: the date was another.",
    }


BODIES = _Bodies(
    {
        ("agreement-list", "POST"): {
            "title": "Germany–Japan RAA",
            "slug": "germany-japan-raa",
            "type": "RAA",
            "participations": [{"state": "DEU"}, {"state": "jpn"}],
        },
        ("agreement-detail", "PUT"): {
            "title": "Japan–Australia Reciprocal Access Agreement",
            "slug": "japan-australia-raa",
            "type": "RAA",
            "summary": "Replaced.",
            "participations": [{"state": "JPN"}, {"state": "AUS", "approval_status": "approved", "approval_body": "x"}],
        },
        ("agreement-detail", "PATCH"): {"summary": "Changed."},
        ("agreement-transition", "POST"): {
            "status": "suspended",
            "effective_on": "2025-01-01",
            "note": "test",
            "no_source_reason": "Said at a briefing; not published.",
        },
        ("negotiationround-list", "POST"): {
            "agreement": "japan-australia-raa",
            "number": 9,
            "starts_on": "2015-01-01",
            "no_source_reason": "From the delegation's own notes.",
        },
        ("negotiationround-detail", "PUT"): {
            "agreement": "japan-australia-raa",
            "number": 5,
            "starts_on": "2016-03-02",
        },
        ("negotiationround-detail", "PATCH"): {"place": "Canberra"},
        ("milestone-list", "POST"): {
            "agreement": "japan-australia-raa",
            "title": "Next",
            "due_on": "2027-01-01",
            "no_source_reason": "Planned; not announced yet.",
        },
        ("milestone-detail", "PUT"): {"agreement": "japan-australia-raa", "title": "Renamed", "due_on": "2022-02-14"},
        ("milestone-detail", "PATCH"): {"note": "Checked."},
        ("source-list", "POST"): {"title": "A report", "publisher": "A publisher"},
        ("source-detail", "PUT"): {"title": "Signing", "publisher": "Ministry of Foreign Affairs of Japan"},
        ("source-detail", "PATCH"): {"title": "Signing of the RAA"},
        ("token-list", "POST"): {"name": "from the matrix"},
        ("watch-list", "POST"): {"state": "JPN", "lead_days": [7, 1]},
        ("webhook-list", "POST"): {"url": "http://127.0.0.1:9/hook"},
        ("citation-list", "POST"): _citation_body,
        ("report-list", "POST"): lambda: {
            "agreement": "japan-australia-raa",
            "milestone": Agreement.objects.get(slug="japan-australia-raa").milestones.order_by("id").first().pk,
            "note": "The hearing was on another day (test).",
            "source_url": "https://example.org/hearing",
        },
        ("report-dismiss", "POST"): {"reason": "The committee's own page gives this date (test)."},
        ("report-resolve", "POST"): {"resolution": "The date was put right (test)."},
        ("report-correct", "POST"): {
            "status": "negotiating",
            "effective_on": "2014-07-15",
            "date_precision": "day",
            "no_source_reason": "The delegation's own notes (test).",
            "resolution": "The exact day was found (test).",
        },
        ("import-list", "POST"): {
            "format": "raa-tracker-interchange",
            "version": 1,
            "milestones": [
                {
                    "agreement": "japan-australia-raa",
                    "title": "Review of the agreement (test)",
                    "due_on": "2027-01-01",
                    "no_source_reason": "Planned; not announced yet.",
                }
            ],
        },
        ("intake-article-list", "POST"): {
            "text": "Japan and Italy signed an information security agreement in March 2016.",
            "published_on": "2016-04-02",
            "publisher": "Example Daily",
        },
        ("intake-candidate-accept", "POST"): {},
        ("intake-candidate-reject", "POST"): {"reason": "Read wrongly (test)."},
        ("intake-feed-list", "POST"): {
            "url": "https://example.org/other.xml",
            "publisher": "Example",
            "language": "de",
        },
        ("agreement-confirm", "POST"): lambda: {
            "source": Source.objects.get(url__endswith="press1e_000453.html").pk,
            "note": "Checked against the ministry's page (test).",
        },
    }
)

CASES = [
    pytest.param(route, method, persona, status, id=f"{method} {route} as {persona}")
    for (route, method), statuses in EXPECTED.items()
    for persona, status in zip(PERSONAS, statuses, strict=True)
]


@pytest.mark.parametrize(("route", "method", "persona", "expected"), CASES)
def test_authorisation(route: str, method: str, persona: str, expected: int, api_clients: dict[str, Client]) -> None:
    url, _ = _target(route, api_clients)
    client = api_clients[persona]
    body = BODIES.get((route, method))
    response = client.generic(
        method, url, data="" if body is None else json.dumps(body), content_type="application/json"
    )
    assert response.status_code == expected, (response.status_code, getattr(response, "content", b"")[:400])
    if expected >= 400 and route != "api-not-found":
        assert response["Content-Type"].startswith("application/problem+json")


def test_official_of_france_is_refused_on_every_route_that_changes_japan_australia(
    api_clients: dict[str, Client],
) -> None:
    routes = [
        key
        for key, statuses in EXPECTED.items()
        if key[1] != "GET" and key != ("agreement-list", "POST") and statuses == japan_australia_write(statuses[2])
    ]
    assert len(routes) >= 12
    before = Agreement.objects.get(slug="japan-australia-raa")
    for route, method in routes:
        url, _ = _target(route, api_clients)
        body = BODIES.get((route, method))
        response = api_clients["official_fr"].generic(
            method, url, data=json.dumps(body or {}), content_type="application/json"
        )
        assert response.status_code == 403, (route, method, response.content)
        assert "FRA" in response.json()["detail"], (route, method, response.json())
    after = Agreement.objects.get(slug="japan-australia-raa")
    assert (after.summary, after.status, after.updated_at) == (before.summary, before.status, before.updated_at)
