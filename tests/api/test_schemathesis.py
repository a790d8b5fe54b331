"""Property-based tests of every operation against the app's own OpenAPI schema (schemathesis, fixed seed).

Every operation and method the schema documents (HEAD and OPTIONS included), with valid and invalid path
parameters, query parameters, conditional headers and bodies (positive and negative generation), as each
persona. Every built-in check runs (the `--checks all` of the command line; test_every_check_is_enabled):
no server error; status code, content type, headers and body as documented; schema-valid data accepted and
invalid data refused; authentication enforced where declared (ignored_auth); undeclared methods 405;
missing required headers refused.

Not covered: use_after_free and ensure_resource_availability are enabled but only act in schemathesis'
stateful phase, which follows OpenAPI links; the schema declares none (drf-spectacular makes none) and a
state machine over ~100 operations does not fit the time budget. Create-then-read and delete-then-404 are
tested by hand in tests/api/.

Budget (the whole file is a slow suite, tests/conftest.py: CI runs it once, in its PostgreSQL pass of
`make test`; ~2 minutes on 2 cores, about as long on SQLite): the
administrator gets everything: the examples and coverage phases (boundary and mutated values of every
parameter, positive and negative) and SCHEMATHESIS_MAX_EXAMPLES (10) fuzzed cases per operation. The official
of Japan (write token, one state), the analyst (read token) and anonymous clients differ in authorisation, not
in parsing, so they get the fuzzing phase only, SCHEMATHESIS_AUTHORISATION_EXAMPLES (3) cases per operation.
"""

import json
import os
import re
from collections.abc import Callable

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, seed, settings
from hypothesis import strategies as st
from schemathesis.config import SchemathesisConfig

from accounts.models import ApiToken, TokenScope
from accounts.services import token_create
from negotiations.models import Milestone, NegotiationRound, Source, StatusEvent

MAX_EXAMPLES = int(os.environ.get("SCHEMATHESIS_MAX_EXAMPLES", "10"))
AUTHORISATION_EXAMPLES = int(os.environ.get("SCHEMATHESIS_AUTHORISATION_EXAMPLES", "3"))

# Statuses beyond schemathesis' defaults, each for a reason the schema cannot express:
# - positive data may be refused with 400 on writes: the body is well-formed but a rule of the domain refuses it
#   (an unknown state code, dates out of order, a taken slug), which no JSON Schema can say; reads must still
#   accept every well-formed parameter (no 400 allowed there).
# - 412 / 304: a well-formed If-Match that names another version fails (412), a matching If-None-Match on a read
#   answers 304; RFC 9110 §13.2.2 evaluates these preconditions before the method, so before the body or the
#   query is looked at, whichever of them is invalid.
POSITIVE = ["2xx", "3xx", "401", "403", "404", "409", "412", "429"]
NEGATIVE = ["304", "400", "401", "403", "404", "405", "406", "409", "412", "415", "422", "429"]
CONFIG = {
    "checks": {
        "positive_data_acceptance": {"expected-statuses": POSITIVE},
        "negative_data_rejection": {"expected-statuses": NEGATIVE},
    },
    "generation": {"mode": "all", "max-examples": MAX_EXAMPLES},
    "operations": [
        # The import's body is a file whose content no JSON Schema can describe: any bytes the schema allows are
        # rightly refused as no record (415: not a kind of file it reads; 400: damaged; 422: rows that break the
        # record's rules; 413: too large). First, so that it wins over the writes' entry below.
        {
            "include-name": ["POST /api/v1/imports/"],
            "checks": {"positive_data_acceptance": {"expected-statuses": [*POSITIVE, "400", "413", "415", "422"]}},
        },
        {
            "include-method": ["POST", "PUT", "PATCH"],
            "checks": {"positive_data_acceptance": {"expected-statuses": [*POSITIVE, "400"]}},
        },
        # Reads whose parameters obey a rule between values or of the calendar, which no JSON Schema can say:
        # `as_of` no later than today; status counts `from` on or before `to`, and at most 600 periods.
        # (Each include key is a filter of its own and they are OR-ed: the names say method and path together.)
        {
            "include-name": [
                f"{method} {path}"
                for method in ("GET", "HEAD")
                for path in ("/api/v1/agreements/", "/api/v1/analysis/status-counts/")
            ],
            "checks": {"positive_data_acceptance": {"expected-statuses": [*POSITIVE, "400"]}},
        },
    ],
}


def _settings(max_examples: int, phases: list[Phase]) -> settings:
    return settings(
        max_examples=max_examples,
        deadline=None,
        derandomize=True,
        database=None,
        phases=phases,
        suppress_health_check=list(HealthCheck),
    )


# Phase.explicit holds schemathesis' examples and coverage phases; Phase.generate its fuzzing.
FULL = _settings(MAX_EXAMPLES, [Phase.explicit, Phase.generate])
AUTHORISATION = _settings(AUTHORISATION_EXAMPLES, [Phase.generate])


def _load_schema() -> schemathesis.schemas.BaseSchema:
    """The document /api/v1/schema/ serves (its generator, called here: collection may not use the database),
    tested through the real WSGI application."""
    from drf_spectacular.generators import SchemaGenerator
    from drf_spectacular.renderers import OpenApiJsonRenderer

    from raa_tracker.wsgi import application

    raw = json.loads(OpenApiJsonRenderer().render(SchemaGenerator().get_schema(request=None, public=True)))
    loaded = schemathesis.openapi.from_dict(raw, config=SchemathesisConfig.from_dict(CONFIG))
    loaded.app = application
    return loaded


full_schema = schema = _load_schema()
pytestmark = pytest.mark.django_db


PREFIXES = [
    "/api/v1/agreements/",
    "/api/v1/agreement-types/",
    "/api/v1/groupings/",
    "/api/v1/states/",
    "/api/v1/milestones/",
    "/api/v1/rounds/",
    "/api/v1/sources/",
    "/api/v1/events/",
    "/api/v1/tokens/",
]


_EXISTING: dict[str, list[str]] = {}


def _existing(prefix: str) -> list[str]:
    """Values of path parameters that name records which exist, so that cases reach the views, not only 404.

    Read once per test (the cache is emptied before each): a case may delete a record, and a strategy whose
    choices change between draws is flaky to Hypothesis; a deleted record then answers 404, as it should."""
    if not _EXISTING:
        _EXISTING.update(
            {
                "/api/v1/agreements/": ["japan-australia-raa", "france-japan-raa"],
                "/api/v1/agreement-types/": ["RAA"],
                "/api/v1/groupings/": ["g7"],
                "/api/v1/states/": ["JPN", "FRA"],
                "/api/v1/milestones/": _pks(Milestone),
                "/api/v1/rounds/": _pks(NegotiationRound),
                "/api/v1/sources/": _pks(Source),
                "/api/v1/events/": _pks(StatusEvent),
                "/api/v1/tokens/": _pks(ApiToken),
                # Codes for the code filters (query parameters), by the parameter's name.
                "party": ["JPN", "aus", " FRA "],
                "member": ["JPN", "usa"],
                "grouping": ["g7", "EU"],
                "type": ["RAA", "raa"],
                "agreement": ["japan-australia-raa", "FRANCE-JAPAN-RAA"],
                "state": ["JPN", "aus"],
            }
        )
    return _EXISTING[prefix] or ["0"]


def _pks(model: type) -> list[str]:
    return [str(pk) for pk in model.objects.order_by("pk").values_list("pk", flat=True)[:2]]


@schema.hook
def before_generate_path_parameters(context: object, strategy: st.SearchStrategy) -> st.SearchStrategy:
    """Half of the cases name a record that exists (drawn values almost never do)."""
    path = context.operation.path
    for prefix in PREFIXES:
        if path.startswith(prefix) and "{" in path:
            name = path.removeprefix(prefix).split("}", 1)[0].lstrip("{")
            existing = st.integers(min_value=0, max_value=1).map(
                lambda index, prefix=prefix: _existing(prefix)[index % len(_existing(prefix))]
            )
            return st.one_of(strategy, existing.map(lambda value, name=name: {name: value}))
    return strategy


def _name_existing_codes(case: schemathesis.Case) -> None:
    """A code filter's value of the documented shape (`party=ZZZ`) is made one that exists, before sending.

    A well-formed code that names nothing is refused with a 400 naming it (the documented "Unknown code",
    tested in tests/api/test_listing.py); the schema cannot list the codes, which are data. Values that break
    the shape (negative cases) are sent as drawn."""
    if case.method not in {"GET", "HEAD"} or not case.query:
        return
    for parameter in case.operation.query:
        pattern = parameter.definition.get("schema", {}).get("items", {}).get("pattern")
        if parameter.name in _CODE_FILTERS and pattern and parameter.name in case.query:
            codes = _existing(parameter.name)
            values = case.query[parameter.name]
            fixed = [
                codes[i % len(codes)] if isinstance(value, str) and re.search(pattern, value) else value
                for i, value in enumerate(values if isinstance(values, list) else [values])
            ]
            case.query[parameter.name] = fixed if isinstance(values, list) else fixed[0]


_CODE_FILTERS = {"party", "member", "grouping", "type", "agreement", "state"}


def _drop_invalid_default_headers(case: schemathesis.Case) -> None:
    """Schemathesis 4.32's coverage phase fills the headers of its positive cases with `If-Match: 0` /
    `If-None-Match: 0` (it cannot build a default from a pattern), although `0` violates the declared pattern;
    the app rightly answers 400. Such an optional header is left out, so the case is positive again (negative
    cases keep their malformed headers, which is what they test)."""
    if case.meta is None or not case.meta.generation.mode.is_positive or not case.headers:
        return
    for parameter in case.operation.headers:
        pattern = parameter.definition.get("schema", {}).get("pattern")
        value = case.headers.get(parameter.name)
        if pattern and value is not None and not parameter.is_required and not re.search(pattern, value):
            del case.headers[parameter.name]


@pytest.fixture(autouse=True)
def _fresh_existing_values() -> None:
    """Each test reads the records of its own transaction (primary keys differ between tests)."""
    _EXISTING.clear()


@pytest.fixture(autouse=True)
def _keep_the_test_connection_open() -> None:
    """Requests go through the real WSGI app, whose request signals would close the connection that holds the
    test's transaction; Django's own test client disconnects them the same way."""
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


def _token_headers(user: object, scope: TokenScope) -> dict[str, str]:
    cached = getattr(user, "_st_headers", None)
    if cached is None:
        _, key = token_create(user=user, scope=scope, name="schemathesis")
        cached = user._st_headers = {"Authorization": f"Token {key}"}
    return cached


def _call(case: schemathesis.Case, headers: dict[str, str] | None) -> None:
    """Every built-in check that is enabled in the config: all of them (nothing is excluded)."""
    _drop_invalid_default_headers(case)
    _name_existing_codes(case)
    case.call_and_validate(headers=headers)


def _persona(
    name: str, make_headers: Callable[[pytest.FixtureRequest], dict[str, str] | None], budget: settings
) -> Callable:
    def test(case: schemathesis.Case, request: pytest.FixtureRequest) -> None:
        _call(case, make_headers(request))

    test.__name__ = test.__qualname__ = f"test_api_as_{name}"
    return schema.parametrize()(seed(20240502)(budget(test)))


test_api_as_administrator = _persona(
    "administrator", lambda r: _token_headers(r.getfixturevalue("administrator"), TokenScope.WRITE), FULL
)
test_api_as_official_of_japan = _persona(
    "official_of_japan", lambda r: _token_headers(r.getfixturevalue("official_jp"), TokenScope.WRITE), AUTHORISATION
)
test_api_as_analyst = _persona(
    "analyst", lambda r: _token_headers(r.getfixturevalue("analyst"), TokenScope.READ), AUTHORISATION
)
test_api_as_anonymous = _persona("anonymous", lambda r: None, AUTHORISATION)


def test_every_check_is_enabled() -> None:
    """`--checks all`: the config used above enables every built-in check schemathesis knows."""
    from schemathesis.checks import CHECKS, load_all_checks

    load_all_checks()
    names = {check.__name__ for check in CHECKS.get_all() if not isinstance(check, type)}
    config = schema.config.checks_config_for()
    assert {"not_a_server_error", "positive_data_acceptance", "negative_data_rejection", "ignored_auth"} <= names
    assert [name for name in sorted(names) if not config.get_by_name(name=name).enabled] == []


def test_reads_may_refuse_valid_data_only_where_a_rule_says_so() -> None:
    """The 400 allowed for positive data reaches the writes and the two reads with rules between values, no
    other read (schemathesis OR-s the include keys of one operation entry, which once let every GET 400)."""
    loose = set()
    for result in full_schema.get_all_operations():
        operation = result.ok()
        config = full_schema.config.checks_config_for(operation=operation, phase=None)
        if "400" in config.positive_data_acceptance.expected_statuses:
            loose.add(operation.label)
    assert {label for label in loose if label.split()[0] not in {"POST", "PUT", "PATCH"}} == {
        f"{method} {path}"
        for method in ("GET", "HEAD")
        for path in ("/api/v1/agreements/", "/api/v1/analysis/status-counts/")
    }
    assert {"POST /api/v1/agreements/", "PATCH /api/v1/agreements/{slug}/"} <= loose
