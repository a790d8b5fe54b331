"""Every dashboard page, in English and German, loads without a console error, a page error or a failed request.

A CSP violation, a missing favicon or a broken asset shows up in the browser's console and nowhere else, so the
pages are loaded in a real browser and everything it reports is collected and listed in one failure message.
"""

import datetime
import re
from collections.abc import Iterator
from contextlib import nullcontext
from dataclasses import dataclass

import pytest
from django.contrib.auth import get_user_model
from django.core import signing
from django.urls import URLPattern, URLResolver, get_resolver, resolve

from intake.services import article_submit
from negotiations.models import Milestone, NegotiationRound

from .conftest import make_user, sign_in

LANGUAGES = {"en": "en-GB", "de": "de-DE"}
# Console message types that mean something is wrong ("warning" included: none occurs on a healthy page).
BAD_CONSOLE_TYPES = {"error", "warning", "assert"}


@dataclass(frozen=True)
class Visit:
    """One page to load: its address, who looks at it, and the status its own document must answer."""

    path: str
    persona: str = "anonymous"
    status: int = 200
    # Pages that render with JavaScript after load (the API docs fetch the schema): a heading they then show.
    ready: str = ""
    # Redoc starts its search in a worker (from a blob: URL, which the page's CSP must allow).
    worker: bool = False


# Personas (STYLE.md): anonymous visitor, analyst, official of Japan, official of France, administrator.
PERSONAS = {
    "analyst": [],
    "official-jp": ["JPN"],
    "official-fr": ["FRA"],
    "admin": None,
}

# The agreement the official of Japan may edit (Japan is a party) and one where France may not.
JP_AGREEMENT = "france-japan-raa"
FOREIGN_TO_FRANCE = "japan-australia-raa"
JP_ROUNDS = "japan-philippines-raa"  # a Japanese agreement with a recorded round

PAGES = [
    Visit("/"),
    Visit("/agreements/"),
    Visit("/agreements/?party=JPN&status=negotiating&sort=-started_on"),
    Visit(f"/agreements/{JP_AGREEMENT}/"),
    Visit("/trends/"),
    Visit("/trends/?interval=year"),
    Visit("/states/JPN/"),
    Visit("/upcoming/"),
    Visit("/search/?q=Japan"),
    Visit("/changes/"),
    Visit(f"/changes/?agreement={JP_AGREEMENT}&action=create"),
    Visit("/accounts/login/"),
    Visit("/watches/"),  # anonymous: redirected to the sign-in page
    Visit("/api/v1/docs/", ready="RAA Tracker API"),
    Visit("/api/v1/redoc/", ready="RAA Tracker API", worker=True),
    Visit("/no-such-page/", status=404),
    Visit("/agreements/no-such-agreement/", status=404),
    Visit("/unsubscribe/not-a-token/", status=404),
    Visit("/watches/", persona="analyst"),
    Visit(f"/agreements/{JP_AGREEMENT}/", persona="analyst"),
    Visit(f"/agreements/{JP_AGREEMENT}/", persona="official-jp"),
    Visit(f"/agreements/{JP_AGREEMENT}/status/", persona="official-jp"),
    Visit(f"/agreements/{JP_AGREEMENT}/rounds/new/", persona="official-jp"),
    Visit(f"/agreements/{JP_AGREEMENT}/milestones/new/", persona="official-jp"),
    Visit("/sources/new/", persona="official-jp"),
    Visit(f"/agreements/{FOREIGN_TO_FRANCE}/report/", persona="analyst"),
    Visit("/reports/", persona="official-jp"),
    Visit("/import/", persona="official-jp"),
    Visit("/import/", persona="admin"),
    Visit("/import/", persona="analyst", status=403),
    Visit("/reports/?status=all", persona="analyst"),
    Visit(f"/agreements/{FOREIGN_TO_FRANCE}/status/", persona="official-fr", status=403),
    Visit("/intake/"),
    Visit("/intake/?review=rejected&kind=status", persona="official-jp"),
    Visit("/intake/articles/new/", persona="analyst"),
    Visit("/admin/", persona="admin"),
    Visit("/admin/negotiations/agreement/", persona="admin"),
    Visit("/admin/negotiations/agreement/add/", persona="admin"),
]

# Routes of the URLconf that are not pages to look at (by URL name), each with the reason.
NOT_PAGES = {
    "logout": "POST only: the sign-out button",
    "set_language": "POST only: the language switcher, used in test_no_page_reports_a_problem_in_the_browser",
    "calendar-reset": "POST only: a button on /watches/",
    "watch-toggle": "POST only: the watch button on an agreement's page",
    "watch-remove": "POST only: a button on /watches/",
    "watch-news": "POST only: a button on /watches/",
    "intake-candidate-decide": "POST only: the accept and reject forms of the inbox and an article's page",
    "milestone-done": "POST only: a button on an agreement's page",
    "agreement-confirm": "POST only: the “still accurate as of today” form on an agreement's page",
    "report-resolve": "POST only: the dismiss and mark-corrected forms on /reports/",
    "citation-create": "names a fact by id in its query (tests/negotiations/test_evidence.py)",
    "report-correct": "needs an open report on a status change (tests/negotiations/test_reports.py)",
    "feed-changes": "an Atom feed, not a page (tests/notifications)",
    "feed-agreement": "an Atom feed",
    "feed-state": "an Atom feed",
    "feed-record-changes": "an Atom feed of the change log, not a page (tests/negotiations/test_changelog.py)",
    "feed-agreement-changes": "an Atom feed of the change log",
    "feed-state-changes": "an Atom feed of the change log",
    "calendar-private": "an iCalendar file, not a page (tests/notifications)",
    "calendar-agreement": "an iCalendar file",
    "calendar-state": "an iCalendar file",
}
# Whole areas left out: the API answers JSON (its two documentation pages are visited), the admin is Django's
# own (its index and one model's pages are visited), the benchmark baselines exist only when switched on.
NOT_PAGE_PREFIXES = ("api/", "admin/", "bench/")
# Pages whose address holds a key or a token are made in runtime_pages(); their shape, for the coverage test.
RUNTIME_SHAPES = [
    "/unsubscribe/token/",
    f"/agreements/{JP_ROUNDS}/rounds/1/",
    f"/agreements/{JP_AGREEMENT}/milestones/1/",
    "/intake/articles/1/",
    "/intake/candidates/1/",
]
# Written for these tests (no publication's words): a fact of the seeded record, for the intake's pages.
INTAKE_TEXT = "Australia and Japan signed a reciprocal access agreement in January 2022."


class Problems:
    """Everything the browser reports as wrong, each with the page (language, persona) it happened on."""

    def __init__(self) -> None:
        self.found: list[str] = []
        self.visit = Visit("(before the first page)")
        self.language = ""
        # While the test leaves a page, the requests still in flight are cancelled by the browser: not a fault.
        self.leaving = False
        self._checked_icons: set[str] = set()

    def add(self, what: str) -> None:
        self.found.append(f"{self.visit.path} [{self.language}, {self.visit.persona}]: {what}")

    def watch(self, context: object) -> None:
        context.on("console", self._console)
        context.on("weberror", lambda error: self.add(f"uncaught {error.error.name}: {error.error.message}"))
        context.on("requestfailed", self._failed)
        context.on("response", self._response)

    def _own_document(self, url: str, status: int) -> bool:
        """The visited page's own answer: its expected status (404, 403) is what the visit checks, not a fault."""
        return status == self.visit.status and url.split("#")[0].endswith(self.visit.path)

    def _console(self, message: object) -> None:
        if message.type not in BAD_CONSOLE_TYPES:
            return
        location = message.location.get("url", "")
        own = re.match(r"Failed to load resource: the server responded with a status of (\d+)", message.text)
        if own and self._own_document(location, int(own[1])):
            return
        self.add(f"console {message.type}: {message.text} ({location})")

    def _failed(self, request: object) -> None:
        if not (self.leaving and request.failure == "net::ERR_ABORTED"):
            self.add(f"request failed: {request.url} ({request.failure})")

    def leave(self, page: object) -> None:
        """Go to a blank page, so that what the last page still had in flight ends before the next visit."""
        self.leaving = True
        page.goto("about:blank")
        self.leaving = False

    def _response(self, response: object) -> None:
        request = response.request
        if response.status < 400:
            return
        if request.is_navigation_request() and self._own_document(response.url, response.status):
            return
        self.add(f"{response.status} for {request.method} {response.url}")

    def check_icons(self, page: object) -> None:
        """Headless Chromium fetches no favicon, so each icon the page names, and /favicon.ico, is fetched here."""
        hrefs = page.eval_on_selector_all(
            'link[rel~="icon"], link[rel="apple-touch-icon"]', "links => links.map(link => link.href)"
        )
        if not hrefs:
            self.add("the page names no icon")
        origin = "/".join(page.url.split("/", 3)[:3])
        hrefs.append(f"{origin}/favicon.ico")
        for href in hrefs:
            if href in self._checked_icons:
                continue
            self._checked_icons.add(href)
            answer = page.context.request.get(href)
            if answer.status != 200 or not answer.headers.get("content-type", "").startswith("image/"):
                self.add(f"icon {href}: {answer.status} {answer.headers.get('content-type')}")


@pytest.fixture
def contexts(seeded: None, browser: object, live_server: object) -> Iterator[dict[tuple[str, str], object]]:
    """One browser context per language and persona, each signed in once and reused for all its pages."""
    for username, states in PERSONAS.items():
        if states is None:
            make_user(username, superuser=True)
        else:
            make_user(username, states)
    opened: dict[tuple[str, str], object] = {}
    signed_in: dict[str, dict] = {}
    try:
        for persona in ["anonymous", *PERSONAS]:
            for language, locale in LANGUAGES.items():
                context = browser.new_context(
                    base_url=live_server.url,
                    locale=locale,
                    storage_state=signed_in.get(persona),
                    viewport={"width": 1280, "height": 900},
                )
                context.set_default_timeout(15000)
                opened[(language, persona)] = context
                page = context.new_page()
                if persona in PERSONAS and persona not in signed_in:
                    sign_in(page, persona)  # in English: the first language
                    signed_in[persona] = context.storage_state()
        yield opened
    finally:
        for context in opened.values():
            context.close()


def runtime_pages() -> list[Visit]:
    """Pages whose address holds a key or a signed token, made from the seeded record."""
    a_round = NegotiationRound.objects.filter(agreement__slug=JP_ROUNDS).order_by("pk").first()
    a_milestone = Milestone.objects.filter(agreement__slug=JP_AGREEMENT).order_by("pk").first()
    analyst = get_user_model().objects.get(username="analyst")
    token = signing.dumps({"u": analyst.pk, "a": None}, salt="unsubscribe")
    article, _ = article_submit(
        actor=analyst, text=INTAKE_TEXT, published_on=datetime.date(2024, 1, 10), publisher="Example Daily"
    )
    candidate = article.candidates.order_by("pk").first()
    return [
        Visit(f"/intake/articles/{article.pk}/", persona="analyst"),
        Visit(f"/intake/candidates/{candidate.pk}/", persona="official-jp"),
        Visit(f"/unsubscribe/{token}/"),
        Visit(f"/agreements/{JP_ROUNDS}/rounds/{a_round.pk}/", persona="official-jp"),
        Visit(f"/agreements/{JP_AGREEMENT}/milestones/{a_milestone.pk}/", persona="official-jp"),
    ]


def prove_the_collector_sees_each_kind_of_problem(page: object, problems: Problems) -> None:
    """A silent collector would pass every page: so it must first report a made-up error of each kind."""
    problems.visit, problems.language = Visit("/"), "en"
    page.goto("/")
    with page.expect_event("pageerror"), page.expect_response("**/no-such-file.png"):
        page.evaluate(
            """() => {
                console.error("probe");
                for (const src of ["/static/no-such-file.png", "http://127.0.0.1:9/off-site.png"]) {
                    document.body.append(Object.assign(new Image(), {src}));
                }
                setTimeout(() => { throw new Error("probe"); });
            }"""
        )
    page.wait_for_timeout(200)  # the CSP report and the failed request arrive just after
    expected = ["console error: probe", "404 for GET", "request failed: http://127.0.0.1:9/", "uncaught Error: probe"]
    missing = [kind for kind in expected if not any(kind in found for found in problems.found)]
    assert not missing, f"the collector missed {missing}; it saw {problems.found}"
    problems.found.clear()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_no_page_reports_a_problem_in_the_browser(contexts: dict[tuple[str, str], object]) -> None:
    problems = Problems()
    for context in contexts.values():
        problems.watch(context)
    tab = {key: context.pages[0] for key, context in contexts.items()}
    prove_the_collector_sees_each_kind_of_problem(tab[("en", "anonymous")], problems)

    for language in LANGUAGES:
        problems.language = language
        for visit in [*PAGES, *runtime_pages()]:
            problems.visit = visit
            page = tab[(language, visit.persona)]
            with page.expect_worker() if visit.worker else nullcontext():
                response = page.goto(visit.path)
            if visit.ready:
                page.get_by_role("heading", name=visit.ready).first.wait_for()
            if response is None or response.status != visit.status:
                problems.add(f"answered {response and response.status}, expected {visit.status}")
            lang = page.locator("html").get_attribute("lang")
            if not visit.path.startswith("/api/") and lang != language:
                problems.add(f'<html lang="{lang}">, expected {language}')
            problems.check_icons(page)
            problems.leave(page)

        # The language switcher (last: its choice stays in the context's cookie): the other language is chosen
        # in the header and the page comes back in it.
        other, name = ("de", "Deutsch") if language == "en" else ("en", "English")
        problems.visit = Visit("/agreements/ → language switcher")
        page = tab[(language, "anonymous")]
        page.goto("/agreements/")
        page.locator("#language").select_option(other)
        with page.expect_navigation():
            page.locator("form.language button").click()
        if page.locator("html").get_attribute("lang") != other or not page.url.endswith("/agreements/"):
            problems.add(f"switching to {name} gave {page.url} in {page.locator('html').get_attribute('lang')}")

    assert not problems.found, f"{len(problems.found)} problems:\n" + "\n".join(problems.found)


def test_every_dashboard_page_is_visited() -> None:
    """A page added to the URLconf fails here until it is added to PAGES (or to NOT_PAGES, with a reason)."""
    visited = {resolve(path.split("?")[0]).url_name for path in [v.path for v in PAGES if v.status < 400]}
    visited |= {resolve(path).url_name for path in RUNTIME_SHAPES}
    routes = dict(_routes(get_resolver().url_patterns))
    forgotten = [
        route
        for route, name in routes.items()
        if name not in visited and name not in NOT_PAGES and not route.startswith(NOT_PAGE_PREFIXES)
    ]
    assert not forgotten, f"dashboard pages no browser test visits: {forgotten}"
    plain = [route for route in routes if not re.search(r"[<(]", route)]
    assert {"", "agreements/", "trends/", "upcoming/", "search/", "watches/", "sources/new/"} <= set(plain)
    assert not set(NOT_PAGES) & visited, "a route is both visited and excused"


def _routes(patterns: list, prefix: str = "") -> Iterator[tuple[str, str]]:
    """Every route of the URLconf with its URL name, as a path without its leading slash."""
    for pattern in patterns:
        route = prefix + str(pattern.pattern).removeprefix("^").removesuffix("$")
        if isinstance(pattern, URLResolver):
            yield from _routes(pattern.url_patterns, route)
        elif isinstance(pattern, URLPattern):
            yield route, pattern.name
