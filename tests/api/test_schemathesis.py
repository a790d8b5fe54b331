"""Property-based tests of every operation against the app's own OpenAPI schema (schemathesis, fixed seed).

No response may be a server error, and every response must match the schema: its status code, content type,
headers and body. Run as an administrator (write token) and as an analyst (read token).
"""

import os

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, seed, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from accounts.models import TokenScope
from accounts.services import token_create

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]
MAX_EXAMPLES = int(os.environ.get("SCHEMATHESIS_MAX_EXAMPLES", "25"))
SETTINGS = settings(
    max_examples=MAX_EXAMPLES,
    deadline=None,
    derandomize=True,
    database=None,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=list(HealthCheck),
)


def _load_schema() -> object:
    from raa_tracker.wsgi import application

    return schemathesis.openapi.from_wsgi("/api/v1/schema/?format=json", application)


schema = _load_schema()
pytestmark = pytest.mark.django_db


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


def _headers(user: object, scope: TokenScope) -> dict[str, str]:
    _, key = token_create(user=user, scope=scope, name="schemathesis")
    return {"Authorization": f"Token {key}"}


@schema.parametrize()
@seed(20240502)
@SETTINGS
def test_api_as_administrator(case: schemathesis.Case, administrator: object) -> None:
    headers = getattr(administrator, "_st_headers", None) or _headers(administrator, TokenScope.WRITE)
    administrator._st_headers = headers
    case.call_and_validate(headers=headers, checks=CHECKS)


@schema.parametrize()
@seed(20240502)
@SETTINGS
def test_api_as_analyst(case: schemathesis.Case, analyst: object) -> None:
    headers = getattr(analyst, "_st_headers", None) or _headers(analyst, TokenScope.READ)
    analyst._st_headers = headers
    case.call_and_validate(headers=headers, checks=CHECKS)
