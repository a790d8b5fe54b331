import pytest
from django.test import Client

from accounts.models import TokenScope

# Re-exported: suites of tests/api import these from here (the helpers live in tests/api/clients.py).
from .clients import assert_problem, session_client, token_client  # noqa: F401


@pytest.fixture(autouse=True)
def _no_throttling(settings: object) -> None:
    settings.API_THROTTLE_RATES = {"anonymous": "100000/minute", "user": "100000/minute"}
    settings.WEBHOOK_ALLOW_LOOPBACK = True


@pytest.fixture
def api_clients(analyst: object, official_jp: object, official_fr: object, administrator: object) -> dict[str, Client]:
    """The nine personas of the API's authorisation matrix."""
    return {
        "anonymous": session_client(None),
        "analyst": session_client(analyst),
        "official_jp": session_client(official_jp),
        "official_fr": session_client(official_fr),
        "administrator": session_client(administrator),
        "read_token": token_client(administrator, TokenScope.READ),
        "write_token": token_client(official_jp, TokenScope.WRITE),
        "expired_token": token_client(administrator, TokenScope.WRITE, expired=True),
        "revoked_token": token_client(administrator, TokenScope.WRITE, revoked=True),
    }
