"""Query counts: committed per endpoint and page in query_counts.json (NetBox's habit), so a count that drifts
fails here, naming the endpoint; and each list endpoint makes the same number of queries at page size 5 and 200.

Every route of the URL configuration is counted (a new route fails `test_every_route_is_counted` until it has a
Case below), each as the persona that may see it, over a fixed dataset (`counted_record`) on top of the seeded
record. After a deliberate change, regenerate the file and review its diff:

    UPDATE_QUERY_COUNTS=1 .venv/bin/pytest tests/api/test_query_counts.py

The counts are of the uncached path: a test runs inside a transaction, where the record cache (record_cache)
computes every value afresh. The record cache's hits are counted apart, on committed data, under the same
routes with the suffix " (record cache hit)".

Every statement counts, SAVEPOINT and RELEASE among them: inside the test's transaction a write's atomic
blocks are savepoints on SQLite and PostgreSQL alike, so the counts are the same on both (CI checks both).
"""

import datetime
import json
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.core import signing
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import URLPattern, URLResolver, get_resolver
from django.urls.resolvers import RegexPattern, RoutePattern
from django.utils import timezone

from negotiations.choices import Status
from negotiations.models import (
    Agreement,
    AgreementType,
    Change,
    Citation,
    ErrorReport,
    Milestone,
    NegotiationRound,
    Participation,
    Source,
)
from negotiations.services import agreement_transition
from parties.models import State

from .clients import session_client

pytestmark = pytest.mark.django_db

LISTS = [
    "/api/v1/states/",
    "/api/v1/groupings/",
    "/api/v1/agreement-types/",
    "/api/v1/agreements/",
    "/api/v1/agreements/?party=JPN&status=negotiating",
    "/api/v1/rounds/",
    "/api/v1/milestones/",
    "/api/v1/events/",
    "/api/v1/sources/",
    "/api/v1/tokens/",
    "/api/v1/changes/",
    "/api/v1/citations/",
]


@pytest.fixture
def many_rows(administrator: object) -> None:
    """110 agreements of Japan with a partner each, an event, a round, a milestone and a source."""
    raa = AgreementType.objects.get(code="RAA")
    japan = State.objects.get(alpha3="JPN")
    partners = list(State.objects.exclude(alpha3="JPN").order_by("alpha3")[:110])
    for n, partner in enumerate(partners):
        agreement = Agreement.objects.create(title=f"Agreement {n}", slug=f"agreement-{n}", type=raa)
        Participation.objects.bulk_create(
            [Participation(agreement=agreement, state=japan), Participation(agreement=agreement, state=partner)]
        )
        source = Source.objects.create(title=f"Source {n}", publisher="Bulk")
        agreement_transition(
            actor=None,
            agreement=agreement,
            status=Status.NEGOTIATING,
            effective_on=datetime.date(2020, 1, 1),
            source=source,
        )
        NegotiationRound.objects.create(agreement=agreement, number=1, starts_on=datetime.date(2020, 2, 1))
        Milestone.objects.create(agreement=agreement, title=f"Milestone {n}", due_on=datetime.date(2030, 1, 1))
    from accounts.services import token_create

    for n in range(110):
        token_create(user=administrator, name=f"t{n}")


def _queries(client: Client, url: str) -> tuple[int, list]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, response.content
    return len(captured), response.json()["results"]


@pytest.mark.parametrize("url", LISTS)
def test_list_query_count_does_not_grow_with_page_size(url: str, many_rows: None, administrator: object) -> None:
    client = session_client(administrator)
    client.get("/api/v1/")  # session and content types warmed up
    separator = "&" if "?" in url else "?"
    small, small_rows = _queries(client, f"{url}{separator}page_size=5")
    large, large_rows = _queries(client, f"{url}{separator}page_size=200")
    assert (
        len(small_rows) == 5
        and len(large_rows) >= 100
        or len(large_rows) == len(small_rows) < 5
        or (len(large_rows) > len(small_rows))
    )
    assert small == large, f"{url}: {small} queries at page size 5, {large} at 100"
    print(f"{url}: {large} queries")


# --- Committed counts per endpoint and page ---------------------------------------------------------------------

COUNTS_FILE = Path(__file__).with_name("query_counts.json")
UPDATING = os.environ.get("UPDATE_QUERY_COUNTS") == "1"
REGENERATE = "UPDATE_QUERY_COUNTS=1 .venv/bin/pytest tests/api/test_query_counts.py"
CACHE_HIT = " (record cache hit)"


@dataclass(frozen=True)
class Case:
    """One request to count: `route` as the URL configuration has it (parameters in braces), `url` a template
    filled from the dataset's ids (`counted_record`), asked by `persona` (anonymous, official)."""

    route: str
    url: str
    persona: str = "anonymous"
    method: str = "GET"
    status: int = 200
    variant: str = ""  # what sets a second count of the same route apart: a query, another persona
    data: dict = field(default_factory=dict, compare=False)  # a POST's form fields (templates too)
    as_json: bool = False  # send `data` as a JSON body (the API) rather than as a form

    @property
    def key(self) -> str:
        return f"{self.method} {self.route}{self.variant}"


ADMINISTRATOR = "administrator"  # a superuser of the counts' own, for what only administrators may see
# Written for the counts (never a publication's words): facts of the seeded record, and one the record lacks.
COUNTED_ARTICLES = [
    "Australia and Japan signed a reciprocal access agreement in January 2022. Japan and the United Kingdom "
    "signed theirs in January 2023.",
    "Japan und die Philippinen haben im Juli 2024 ein Abkommen über den gegenseitigen Zugang unterzeichnet.",
    "France and Japan agreed on Thursday to begin formal negotiations on a reciprocal access agreement.",
]
OFFICIAL = "official"  # official_jp, who acts for Japan, a party to the dataset's agreements, and owns its tokens,
# watches, webhook and private calendar

# Every route, GETs first: the POSTs change the dataset (one each, on a fresh session, after all GETs).
CASES = [
    # The API: public reads as anonymous, the user's own resources as their owner.
    Case("/api/v1/", "/api/v1/"),
    Case("/api/v1/schema/", "/api/v1/schema/"),
    Case("/api/v1/docs/", "/api/v1/docs/"),
    Case("/api/v1/redoc/", "/api/v1/redoc/"),
    Case("/api/v1/states/", "/api/v1/states/"),
    Case("/api/v1/states/{alpha3}/", "/api/v1/states/{alpha3}/"),
    Case("/api/v1/groupings/", "/api/v1/groupings/"),
    Case("/api/v1/groupings/{code}/", "/api/v1/groupings/{grouping}/"),
    Case("/api/v1/agreement-types/", "/api/v1/agreement-types/"),
    Case("/api/v1/agreement-types/{code}/", "/api/v1/agreement-types/{type}/"),
    Case("/api/v1/agreements/", "/api/v1/agreements/"),
    Case(
        "/api/v1/agreements/",
        "/api/v1/agreements/?party=JPN&status=negotiating",
        variant="?party=JPN&status=negotiating",
    ),
    Case("/api/v1/agreements/{slug}/", "/api/v1/agreements/{slug}/"),
    Case("/api/v1/agreements/{slug}/durations/", "/api/v1/agreements/{slug}/durations/"),
    Case("/api/v1/agreements/{slug}/comparables/", "/api/v1/agreements/{slug}/comparables/"),
    Case("/api/v1/rounds/", "/api/v1/rounds/"),
    Case("/api/v1/rounds/{pk}/", "/api/v1/rounds/{round}/"),
    Case("/api/v1/milestones/", "/api/v1/milestones/"),
    Case("/api/v1/milestones/{pk}/", "/api/v1/milestones/{milestone}/"),
    Case("/api/v1/events/", "/api/v1/events/"),
    Case("/api/v1/events/{pk}/", "/api/v1/events/{event}/"),
    Case("/api/v1/sources/", "/api/v1/sources/"),
    Case("/api/v1/sources/{pk}/", "/api/v1/sources/{source}/"),
    Case("/api/v1/stale-agreements/", "/api/v1/stale-agreements/"),
    Case("/api/v1/citations/", "/api/v1/citations/"),
    Case("/api/v1/citations/{pk}/", "/api/v1/citations/{citation}/"),
    Case("/api/v1/changes/", "/api/v1/changes/"),
    Case("/api/v1/changes/", "/api/v1/changes/?party={alpha3}&actor=system&channel=command", variant=" filtered"),
    Case("/api/v1/changes/{pk}/", "/api/v1/changes/{change}/"),
    Case("/api/v1/analysis/status-counts/", "/api/v1/analysis/status-counts/"),
    Case("/api/v1/tokens/", "/api/v1/tokens/", OFFICIAL),
    Case("/api/v1/tokens/{pk}/", "/api/v1/tokens/{token}/", OFFICIAL),
    Case("/api/v1/watches/", "/api/v1/watches/", OFFICIAL),
    Case("/api/v1/watches/{pk}/", "/api/v1/watches/{watch}/", OFFICIAL),
    Case("/api/v1/webhooks/", "/api/v1/webhooks/", OFFICIAL),
    Case("/api/v1/webhooks/{pk}/", "/api/v1/webhooks/{webhook}/", OFFICIAL),
    Case("/api/v1/webhooks/{pk}/deliveries/", "/api/v1/webhooks/{webhook}/deliveries/", OFFICIAL),
    Case("/api/v1/intake/articles/", "/api/v1/intake/articles/"),
    Case("/api/v1/intake/articles/{pk}/", "/api/v1/intake/articles/{article}/"),
    Case("/api/v1/intake/candidates/", "/api/v1/intake/candidates/"),
    Case("/api/v1/intake/candidates/", "/api/v1/intake/candidates/?state=JPN&review=pending", variant=" filtered"),
    Case("/api/v1/intake/candidates/{pk}/", "/api/v1/intake/candidates/{candidate_accept}/"),
    Case("/api/v1/intake/feeds/", "/api/v1/intake/feeds/", ADMINISTRATOR),
    Case("/api/v1/intake/feeds/{pk}/", "/api/v1/intake/feeds/{feed}/", ADMINISTRATOR),
    Case("/api/", "/api/v0/agreements/", status=404, variant=" (no such resource)"),
    # The dashboard: public pages as anonymous, forms and the user's own pages as the official.
    Case("/", "/"),
    Case("/agreements/", "/agreements/"),
    Case("/agreements/", "/agreements/?party=JPN&status=negotiating", variant="?party=JPN&status=negotiating"),
    Case("/agreements/{slug}/", "/agreements/{slug}/"),
    Case("/agreements/{slug}/", "/agreements/{slug}/", OFFICIAL, variant=" as official"),
    Case("/agreements/{slug}/status/", "/agreements/{slug}/status/", OFFICIAL),
    Case("/agreements/{slug}/rounds/new/", "/agreements/{slug}/rounds/new/", OFFICIAL),
    Case("/agreements/{slug}/rounds/{pk}/", "/agreements/{slug}/rounds/{round}/", OFFICIAL),
    Case("/agreements/{slug}/milestones/new/", "/agreements/{slug}/milestones/new/", OFFICIAL),
    Case("/agreements/{slug}/milestones/{pk}/", "/agreements/{slug}/milestones/{milestone}/", OFFICIAL),
    Case("/sources/new/", "/sources/new/", OFFICIAL),
    Case("/states/{alpha3}/", "/states/{alpha3}/"),
    Case("/upcoming/", "/upcoming/"),
    Case("/search/", "/search/?q=Japan", variant="?q=Japan"),
    Case("/trends/", "/trends/"),
    Case("/watches/", "/watches/", OFFICIAL),
    Case("/unsubscribe/{token}/", "/unsubscribe/{unsubscribe}/"),
    Case("/calendar/private/{secret}.ics", "/calendar/private/{secret}.ics"),  # the secret is the credential
    Case("/calendar/agreements/{slug}.ics", "/calendar/agreements/{slug}.ics"),
    Case("/calendar/states/{alpha3}.ics", "/calendar/states/{alpha3}.ics"),
    Case("/feeds/changes.atom", "/feeds/changes.atom"),
    Case("/feeds/agreements/{slug}.atom", "/feeds/agreements/{slug}.atom"),
    Case("/feeds/states/{alpha3}.atom", "/feeds/states/{alpha3}.atom"),
    Case("/feeds/record-changes.atom", "/feeds/record-changes.atom"),
    Case("/feeds/agreements/{slug}/changes.atom", "/feeds/agreements/{slug}/changes.atom"),
    Case("/feeds/states/{alpha3}/changes.atom", "/feeds/states/{alpha3}/changes.atom"),
    Case("/changes/", "/changes/"),
    Case("/changes/", "/changes/?agreement={slug}&changed_from=2020-01-01", variant=" filtered"),
    Case("/accounts/login/", "/accounts/login/"),
    Case("/healthz", "/healthz"),
    Case("/healthz", "/healthz?workers", status=503, variant="?workers"),  # no worker runs the heartbeat here
    Case("/agreements/{slug}/report/", "/agreements/{slug}/report/?milestone={milestone}", OFFICIAL),
    Case("/reports/", "/reports/", OFFICIAL),
    Case("/agreements/{slug}/cite/", "/agreements/{slug}/cite/?milestone={milestone}", OFFICIAL),
    Case("/api/v1/reports/", "/api/v1/reports/", OFFICIAL),
    Case("/api/v1/reports/{pk}/", "/api/v1/reports/{report_dismiss}/", OFFICIAL),
    Case("/reports/{pk}/correct/", "/reports/{report_form_correct}/correct/", OFFICIAL),
    Case("/import/", "/import/", OFFICIAL),
    Case("/intake/", "/intake/"),
    Case("/intake/", "/intake/", OFFICIAL, variant=" as official"),
    Case("/intake/articles/new/", "/intake/articles/new/", OFFICIAL),
    Case("/intake/articles/{pk}/", "/intake/articles/{article}/", OFFICIAL),
    Case("/intake/candidates/{pk}/", "/intake/candidates/{candidate_review}/", OFFICIAL),
    # Routes that answer only POST: the one request each, on a fresh session.
    Case(
        "/agreements/{slug}/report/",
        "/agreements/{slug}/report/?milestone={milestone}",
        OFFICIAL,
        "POST",
        302,
        data={"note": "The date is another (test)."},
    ),
    Case(
        "/agreements/{slug}/cite/",
        "/agreements/{slug}/cite/?milestone={milestone}",
        OFFICIAL,
        "POST",
        302,
        data={"role": "contradicts", "source": "{source}", "quote": "Another day (test)."},
    ),
    Case(
        "/api/v1/reports/",
        "/api/v1/reports/",
        OFFICIAL,
        "POST",
        201,
        data={"agreement": "{slug}", "note": "The date is another (test)."},
        as_json=True,
    ),
    Case(
        "/api/v1/reports/{pk}/dismiss/",
        "/api/v1/reports/{report_dismiss}/dismiss/",
        OFFICIAL,
        "POST",
        200,
        data={"reason": "The record is right (test)."},
        as_json=True,
    ),
    Case(
        "/api/v1/reports/{pk}/resolve/",
        "/api/v1/reports/{report_resolve}/resolve/",
        OFFICIAL,
        "POST",
        200,
        data={"resolution": "Put right (test)."},
        as_json=True,
    ),
    Case(
        "/api/v1/reports/{pk}/correct/",
        "/api/v1/reports/{report_correct}/correct/",
        OFFICIAL,
        "POST",
        201,
        data={
            "status": "negotiating",
            "effective_on": "2023-03-01",
            "no_source_reason": "The notes (test).",
            "resolution": "Same day, better source (test).",
        },
        as_json=True,
    ),
    Case(
        "/reports/{pk}/resolve/",
        "/reports/{report_form_resolve}/resolve/",
        OFFICIAL,
        "POST",
        302,
        data={"outcome": "dismiss", "reason": "The record is right (test)."},
    ),
    Case(
        "/reports/{pk}/correct/",
        "/reports/{report_form_correct}/correct/",
        OFFICIAL,
        "POST",
        302,
        data={
            "version": "{other_version}",
            "status": "negotiating",
            "effective_on": "2023-09-01",
            "date_precision": "day",
            "no_public_source": "on",
            "no_source_reason": "The notes (test).",
            "resolution": "Same day (test).",
        },
    ),
    Case(
        "/api/v1/agreements/{slug}/transition/",
        "/api/v1/agreements/{slug}/transition/",
        OFFICIAL,
        "POST",
        201,
        data={"status": "agreed_in_principle", "effective_on": "2024-03-01", "no_source_reason": "A briefing."},
        as_json=True,
    ),
    Case(
        "/api/v1/agreements/{slug}/confirm/",
        "/api/v1/agreements/{slug}/confirm/",
        OFFICIAL,
        "POST",
        200,
        data={"source": "{source}"},
        as_json=True,
    ),
    Case(
        "/agreements/{slug}/confirm/",
        "/agreements/{other_slug}/confirm/",
        OFFICIAL,
        "POST",
        302,
        data={"version": "{other_version}", "source": "{source}"},
    ),
    Case(
        "/agreements/{slug}/milestones/{pk}/done/",
        "/agreements/{slug}/milestones/{milestone}/done/",
        OFFICIAL,
        "POST",
        302,
        data={"version": "{milestone_version}"},
    ),
    Case(
        "/api/v1/imports/",
        "/api/v1/imports/",
        OFFICIAL,
        "POST",
        200,
        data={
            "format": "raa-tracker-interchange",
            "version": 1,
            "milestones": [
                {"agreement": "{slug}", "title": "Counted", "due_on": "2030-01-01", "no_source_reason": "x"}
            ],
        },
        as_json=True,
    ),
    Case(
        "/api/v1/intake/articles/",
        "/api/v1/intake/articles/",
        OFFICIAL,
        "POST",
        201,
        data={"text": COUNTED_ARTICLES[0].replace("Australia", "Canada"), "published_on": "2024-05-03"},
        as_json=True,
    ),
    Case(
        "/api/v1/intake/candidates/{pk}/accept/",
        "/api/v1/intake/candidates/{candidate_accept}/accept/",
        OFFICIAL,
        "POST",
        200,
        as_json=True,
    ),
    Case(
        "/api/v1/intake/candidates/{pk}/reject/",
        "/api/v1/intake/candidates/{candidate_reject}/reject/",
        OFFICIAL,
        "POST",
        200,
        data={"reason": "Read wrongly (test)."},
        as_json=True,
    ),
    Case(
        "/api/v1/intake/feeds/",
        "/api/v1/intake/feeds/",
        ADMINISTRATOR,
        "POST",
        201,
        data={"url": "https://example.org/counted.xml", "publisher": "Example", "language": "en"},
        as_json=True,
    ),
    Case(
        "/intake/candidates/{pk}/decide/",
        "/intake/candidates/{candidate_decide}/decide/",
        OFFICIAL,
        "POST",
        302,
        data={"action": "reject", "reason": "Read wrongly (test)."},
    ),
    Case("/agreements/{slug}/watch/", "/agreements/{other_slug}/watch/", OFFICIAL, "POST", 302),
    Case("/watches/{pk}/news/", "/watches/{watch}/news/", OFFICIAL, "POST", 302),
    Case("/watches/{pk}/remove/", "/watches/{watch}/remove/", OFFICIAL, "POST", 302),
    Case("/calendar/reset/", "/calendar/reset/", OFFICIAL, "POST", 302),
    Case("/i18n/setlang/", "/i18n/setlang/", method="POST", status=302, data={"language": "de", "next": "/"}),
    Case("/accounts/logout/", "/accounts/logout/", OFFICIAL, "POST", 302),
]

# The routes that serve from the record cache (record_cache.cache.cached), whose hits are counted too, on
# committed data: each URL asked twice, the second answer counted.
SERVED_FROM_THE_RECORD_CACHE = {
    "GET /",
    "GET /trends/",
    "GET /api/v1/agreements/",
    "GET /api/v1/rounds/",
    "GET /api/v1/milestones/",
    "GET /api/v1/events/",
    "GET /api/v1/sources/",
    "GET /api/v1/analysis/status-counts/",
    "GET /calendar/agreements/{slug}.ics",
    "GET /calendar/states/{alpha3}.ics",
}
CACHED_CASES = [
    Case(case.route, case.url, case.persona, variant=case.variant + CACHE_HIT)
    for case in CASES
    if case.key in SERVED_FROM_THE_RECORD_CACHE
]

# Routes that are not counted, and why.
NOT_COUNTED = {
    "/admin/": "Django's admin site (its own pages and queries), not the dashboard or the API",
}
# Paths answered before URL resolution, which the URL configuration does not list.
OUTSIDE_THE_URLCONF = {
    "/healthz": "raa_tracker.middleware.HealthCheckMiddleware",
}


def _readable_regex(regex: str) -> str:
    """A router's regex with its named groups as {name}: ^agreements/(?P<slug>[-a-z]{1,120})/$ → agreements/{slug}/."""
    out, i = [], 0
    while i < len(regex):
        match = re.compile(r"\(\?P<(\w+)>").match(regex, i)
        if not match:
            out.append(regex[i])
            i += 1
            continue
        depth, i, in_class = 1, match.end(), False
        while depth:
            char = regex[i]
            if char == "\\":
                i += 1
            elif char == "[":
                in_class = True
            elif char == "]":
                in_class = False
            elif not in_class:
                depth += {"(": 1, ")": -1}.get(char, 0)
            i += 1
        out.append("{" + match.group(1) + "}")
    return "".join(out).removeprefix("^").removesuffix("$")


def _readable(pattern: RoutePattern | RegexPattern) -> str:
    if isinstance(pattern, RegexPattern):
        return _readable_regex(str(pattern))
    return re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", str(pattern))


def _routes(patterns: list, prefix: str = "/") -> Iterator[str]:
    for pattern in patterns:
        route = prefix + _readable(pattern.pattern)
        if isinstance(pattern, URLResolver):
            yield from _routes(pattern.url_patterns, route)
        elif isinstance(pattern, URLPattern):
            yield route


def discovered_routes() -> set[str]:
    """Every route of the URL configuration (the routers' list, detail and extra actions included), bar those
    of NOT_COUNTED, with the paths answered outside it."""
    routes = {route for route in _routes(get_resolver().url_patterns) if not route.startswith(tuple(NOT_COUNTED))}
    return routes | set(OUTSIDE_THE_URLCONF)


def committed_counts() -> dict[str, int]:
    return json.loads(COUNTS_FILE.read_text()) if COUNTS_FILE.exists() else {}


def all_keys() -> set[str]:
    return {case.key for case in CASES + CACHED_CASES}


def write_counts(measured: dict[str, int]) -> None:
    """Merge `measured` into the file, dropping keys that no case has any more; sorted, one per line."""
    counts = {key: value for key, value in committed_counts().items() if key in all_keys()} | measured
    COUNTS_FILE.write_text(json.dumps(dict(sorted(counts.items())), indent=2) + "\n")


def check_counts(measured: dict[str, list[str]]) -> None:
    """Fail naming every endpoint whose count differs from the committed one, or that the file lacks; the SQL
    of those endpoints goes to the captured output (shown with the failure)."""
    counts = {key: len(queries) for key, queries in measured.items()}
    if UPDATING:
        write_counts(counts)
        return
    committed = committed_counts()
    drifted = sorted(key for key, count in counts.items() if committed.get(key) != count)
    for key in drifted:
        print(f"\n{key}: {counts[key]} queries", *(f"  {sql[:300]}" for sql in measured[key]), sep="\n")
    assert not drifted, (
        "Query counts differ from tests/api/query_counts.json (their SQL is in the captured output):\n  "
        + "\n  ".join(
            f"{key}: committed {committed[key]}, measured {counts[key]}"
            if key in committed
            else f"{key}: not in {COUNTS_FILE.name}, measured {counts[key]}"
            for key in drifted
        )
        + f"\nIf the change is meant, regenerate the file and review its diff: {REGENERATE}"
    )


def test_every_route_is_counted() -> None:
    """A new route needs a Case (and a count in the file); a removed route's case and count must go."""
    counted = {case.route for case in CASES}
    uncounted = sorted(discovered_routes() - counted)
    gone = sorted(counted - discovered_routes())
    assert not uncounted, f"Routes without a Case in CASES of {__name__}: {uncounted}; add one, then {REGENERATE}"
    assert not gone, f"Cases of routes that no longer exist: {gone}; remove them, then {REGENERATE}"
    if not UPDATING:
        stale = sorted(set(committed_counts()) - all_keys())
        missing = sorted(all_keys() - set(committed_counts()))
        assert not stale, f"{COUNTS_FILE.name} counts endpoints that no case measures: {stale}; {REGENERATE}"
        assert not missing, f"{COUNTS_FILE.name} has no count for: {missing}; {REGENERATE}"


@pytest.mark.skipif(UPDATING, reason="the measuring tests write the file")
def test_the_counts_file_is_sorted_one_endpoint_a_line() -> None:
    text = COUNTS_FILE.read_text()
    counts = json.loads(text)
    assert list(counts) == sorted(counts)
    assert text == json.dumps(counts, indent=2) + "\n", f"Write it with {REGENERATE}"


# --- The dataset ------------------------------------------------------------------------------------------------


def _days_from_today(days: int) -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=days)


def _agreements() -> dict[str, object]:
    """Two agreements of Japan, each negotiating since a fixed day, with sources, rounds and milestones.

    History has fixed dates; the agenda is relative to today, so that the pages of what is due (the overview,
    /upcoming/, the calendars) always have rows: a page with rows makes its prefetch queries and an empty one
    does not, so fixed dates would let the counts change with the calendar."""
    from negotiations import services

    raa = AgreementType.objects.get(code="RAA")
    japan, germany, italy = (State.objects.get(alpha3=code) for code in ("JPN", "DEU", "ITA"))
    first = services.source_record(actor=None, title="Talks open", publisher="Query counts", url="https://qc.test/1")
    second = services.source_record(actor=None, title="Talks go on", publisher="Query counts", url="https://qc.test/2")
    agreement = services.agreement_create(
        actor=None,
        title="Japan–Germany query-count agreement",
        slug="qc-japan-germany",
        type=raa,
        parties=[japan, germany],
        target_conclusion_on=_days_from_today(200),
    )
    other = services.agreement_create(
        actor=None, title="Japan–Italy query-count agreement", slug="qc-japan-italy", type=raa, parties=[japan, italy]
    )
    negotiation_round = services.round_record(
        actor=None, agreement=agreement, number=1, starts_on=datetime.date(2023, 4, 10), place="Tokyo", source=first
    )
    services.round_record(actor=None, agreement=agreement, number=2, starts_on=_days_from_today(20))
    services.round_record(actor=None, agreement=other, number=1, starts_on=_days_from_today(35))
    milestone = services.milestone_record(
        actor=None, agreement=agreement, title="Text agreed", due_on=_days_from_today(10), source=second
    )
    services.milestone_record(actor=None, agreement=agreement, title="Overdue step", due_on=_days_from_today(-10))
    services.milestone_record(actor=None, agreement=other, title="First draft", due_on=_days_from_today(40))
    return {
        "agreement": agreement,
        "other": other,
        "germany": germany,
        "type": raa,
        "sources": (first, second),
        "round": negotiation_round,
        "milestone": milestone,
    }


def _reports(official: object, rows: dict[str, object], events: list[object]) -> dict[str, int]:
    """Open error reports for the resolving routes, one each (a report is resolved once)."""
    agreement, other, milestone = rows["agreement"], rows["other"], rows["milestone"]

    def report(**fact: object) -> int:
        return ErrorReport.objects.create(reporter=official, note="Wrong (test).", **fact).pk

    return {
        "report_dismiss": report(agreement=agreement, milestone=milestone),
        "report_resolve": report(agreement=agreement, milestone=milestone),
        "report_correct": report(agreement=agreement, event=events[0]),
        "report_form_resolve": report(agreement=agreement, milestone=milestone),
        "report_form_correct": report(agreement=other, event=events[1]),
    }


def _history(rows: dict[str, object]) -> list[object]:
    """Each agreement's first status (the only way a status is written), announced to its watchers."""
    from notifications.services import status_event_announce

    first, second = rows["sources"]
    events = [
        agreement_transition(
            actor=None, agreement=agreement, status=Status.NEGOTIATING, effective_on=effective_on, source=source
        )
        for agreement, effective_on, source in (
            (rows["agreement"], datetime.date(2023, 3, 1), first),
            (rows["other"], datetime.date(2023, 9, 1), second),
        )
    ]
    for event in events:
        status_event_announce(event_id=event.pk)  # the watchers' notices (queued for delivery only after a commit)
    return events


def _the_officials_own(official: object, rows: dict[str, object]) -> dict[str, object]:
    """The official's token, a watch of an agreement (with a webhook) and of a state, before the history
    that notifies them."""
    from accounts.services import token_create
    from notifications.services import watch_set, webhook_create

    webhook = webhook_create(user=official, url="http://127.0.0.1:9/hook")  # loopback allowed in tests/api
    watch = watch_set(user=official, agreement=rows["agreement"], webhooks=[webhook])
    watch_set(user=official, state=rows["germany"])
    token, _key = token_create(user=official, name="query counts")
    return {"webhook": webhook, "watch": watch, "token": token}


def build_counted_record(official: object) -> dict[str, object]:
    """The dataset of the counts (besides the seeded record), and the ids that the URL templates of CASES ask
    for: two agreements of Japan with their history, rounds and milestones; the official's token, watches,
    webhook with a failed delivery, notices and private calendar; a grouping."""
    from notifications.models import DeliveryAttempt, Notification
    from notifications.services import calendar_feed_reset
    from parties.services import grouping_upsert
    from raa_tracker.versions import version_of

    grouping, _change = grouping_upsert(code="qc-partners", name="Query-count partners", member_codes=["DEU", "ITA"])
    rows = _agreements()
    own = _the_officials_own(official, rows)
    events = _history(rows)
    notice = Notification.objects.get(endpoint=own["webhook"])
    DeliveryAttempt.objects.create(notification=notice, duration_ms=12, ok=False, error="connection refused")
    agreement, milestone = rows["agreement"], rows["milestone"]
    intake = _intake(official)
    return {
        **intake,
        "slug": agreement.slug,
        "other_slug": rows["other"].slug,
        "alpha3": "JPN",
        "grouping": grouping.code,
        "type": rows["type"].code,
        "round": rows["round"].pk,
        "milestone": milestone.pk,
        "milestone_version": version_of(Milestone.objects.get(pk=milestone.pk)),
        "other_version": version_of(Agreement.objects.get(pk=rows["other"].pk)),
        "event": events[0].pk,
        "source": rows["sources"][0].pk,
        "token": own["token"].pk,
        "watch": own["watch"].pk,
        "webhook": own["webhook"].pk,
        "unsubscribe": signing.dumps({"u": official.pk, "a": agreement.pk}, salt="unsubscribe"),
        "secret": calendar_feed_reset(user=official),
        "change": Change.objects.filter(agreement=agreement).order_by("-id").values_list("pk", flat=True)[0],
        **_reports(official, rows, events),
        "citation": Citation.objects.create(
            agreement=agreement, milestone=milestone, source=rows["sources"][-1], role="contradicts"
        ).pk,
    }


def _intake(official: object) -> dict[str, object]:
    """Articles with candidates for Japan's agreements (one to accept, one to reject) and a feed."""
    import datetime

    from intake.models import Feed
    from intake.services import article_submit

    articles = [
        article_submit(actor=official, text=text, published_on=datetime.date(2024, 5, 3), publisher="Example")[0]
        for text in COUNTED_ARTICLES
    ]
    first = articles[0]
    return {
        "article": first.pk,
        "candidate_accept": first.candidates.get(parties__alpha3="AUS").pk,
        "candidate_reject": first.candidates.get(parties__alpha3="GBR").pk,
        "candidate_review": articles[2].candidates.get().pk,
        "candidate_decide": articles[2].candidates.get().pk,
        "feed": Feed.objects.create(url="https://example.org/feed.xml", publisher="Example", language="en").pk,
    }


@pytest.fixture
def counted_record(official_jp: object) -> dict[str, object]:
    return build_counted_record(official_jp)


# --- Measuring --------------------------------------------------------------------------------------------------


def _administrator() -> object:
    from django.contrib.auth import get_user_model

    user, _ = get_user_model().objects.get_or_create(
        username="counts-admin", defaults={"is_superuser": True, "is_staff": True}
    )
    return user


def _client(persona: str, official: object) -> Client:
    user = {OFFICIAL: official, ADMINISTRATOR: None}.get(persona)
    client = session_client(_administrator() if persona == ADMINISTRATOR else user)
    client.get("/api/v1/")  # the session and the process's caches (content types, translations) warmed up
    return client


def _send(client: Client, case: Case, ids: dict[str, object]) -> object:
    url = case.url.format(**ids)
    if case.method == "GET":
        return client.get(url)
    if case.as_json:
        return client.post(url, json.dumps(_filled(case.data, ids)), content_type="application/json")
    data = {name: str(value).format(**ids) for name, value in case.data.items()}
    return client.post(url, data)


def _filled(value: object, ids: dict[str, object]) -> object:
    """A JSON body's templates filled in, nested ones too; an id filled in is a number, as a client sends it."""
    if isinstance(value, dict):
        return {name: _filled(item, ids) for name, item in value.items()}
    if isinstance(value, list):
        return [_filled(item, ids) for item in value]
    if isinstance(value, str):
        text = value.format(**ids)
        return int(text) if text.isdigit() else text
    return value


def captured_queries(case: Case, ids: dict[str, object], official: object, *, warm_up: bool) -> list[str]:
    """Queries of one request, on a fresh session; a GET is asked once before (warm-up), a POST only once."""
    client = _client(case.persona, official)
    if warm_up:
        _send(client, case, ids)
    with CaptureQueriesContext(connection) as captured:
        response = _send(client, case, ids)
    assert response.status_code == case.status, (case.key, response.status_code, response.content[:300])
    return [query["sql"] for query in captured.captured_queries]


@pytest.fixture
def own_cache(settings: object) -> None:
    """A cache of the test's own: the embedded default (a folder under var/) is shared with every other process
    of the checkout, whose cache.clear() would turn a record cache hit into a miss, and whose worker's heartbeat
    would change what /healthz?workers answers. Queries do not depend on the cache's backend."""
    from django.core.cache import cache

    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "qcount"}}
    cache.clear()


def test_query_counts_match_the_committed_file(
    counted_record: dict[str, object], official_jp: object, own_cache: None
) -> None:
    from record_cache.cache import current_token

    assert current_token() is None  # inside the test's transaction: the record cache computes every value
    measured = {}
    for case in sorted(CASES, key=lambda case: case.method != "GET"):  # GETs first; POSTs change the dataset
        measured[case.key] = captured_queries(case, counted_record, official_jp, warm_up=case.method == "GET")
    check_counts(measured)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_record_cache_hits_match_the_committed_file(
    seeded: None, official_jp: object, settings: object, own_cache: None
) -> None:
    """On committed data (the cache serves nothing inside a transaction): the first request fills the cache,
    the second is counted."""
    from record_cache.cache import current_token

    settings.RECORD_CACHE_SECONDS = 600
    ids = build_counted_record(official_jp)
    assert current_token() is not None
    measured = {case.key: captured_queries(case, ids, official_jp, warm_up=True) for case in CACHED_CASES}
    check_counts(measured)
