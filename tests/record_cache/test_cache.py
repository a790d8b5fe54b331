"""The record cache (record_cache.cache, record_cache.api): pages built once per change of the record, and never
stale. The token they are keyed by is in test_triggers.py."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from negotiations import services
from negotiations.models import Agreement

LIST = "/api/v1/agreements/?party=GBR&page_size=10"  # the United Kingdom's agreements: one page
# Committed data (the cache serves nothing inside a transaction), restored afterwards for the tests that follow.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture
def cache_on(settings: object) -> None:
    settings.RECORD_CACHE_SECONDS = 600


def _titles(client: Client, url: str = LIST) -> list[str]:
    response = client.get(url)
    assert response.status_code == 200, response.content
    return [row["title"] for row in response.json()["results"]]


def _queries(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_a_list_is_served_from_the_cache_until_the_record_changes(
    seeded: None, cache_on: None, administrator: object
) -> None:
    client = Client()
    agreement = Agreement.objects.get(slug="japan-uk-raa")
    old_title = agreement.title
    assert old_title in _titles(client)
    uncached = _queries(client, LIST + "&ordering=title")
    cached = _queries(client, LIST + "&ordering=title")
    assert cached == 1 < uncached  # only the token is read

    services.agreement_update(actor=administrator, agreement=agreement, title="A renamed agreement")
    after = _titles(client)
    assert "A renamed agreement" in after and old_title not in after


def test_cache_entries_follow_the_host_and_bad_input_is_never_cached(seeded: None, cache_on: None) -> None:
    client = Client()
    local = client.get(LIST).json()["results"][0]["url"]
    other = client.get(LIST, HTTP_HOST="127.0.0.1").json()["results"][0]["url"]
    assert local.startswith("http://testserver/") and other.startswith("http://127.0.0.1/")
    for _ in range(2):
        response = client.get("/api/v1/agreements/?status=nonsense")
        assert response.status_code == 400
        assert "status" in response.json()["errors"]


def test_a_cache_that_is_down_costs_speed_not_the_answer(seeded: None, settings: object) -> None:
    settings.RECORD_CACHE_SECONDS = 600
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": "redis://127.0.0.1:1/0"}
    }
    response = Client().get("/")  # the API's throttles need the cache; the dashboard does not
    assert response.status_code == 200 and "France–Japan" in response.content.decode()


def test_the_overview_is_cached_and_fresh_after_a_change(seeded: None, cache_on: None, administrator: object) -> None:
    client = Client()
    uncached = _queries(client, "/")
    cached = _queries(client, "/")
    assert cached == 1 < uncached  # only the token is read
    # The cached figures are the rendered HTML, not escaped text: the template's SafeString survives the cache.
    page = client.get("/").content.decode()
    assert "France–Japan" in page and "&lt;" not in page
    assert "Stand der Verhandlungen" in client.get("/", HTTP_ACCEPT_LANGUAGE="de").content.decode()
    agreement = Agreement.objects.get(slug="france-japan-raa")
    services.agreement_update(actor=administrator, agreement=agreement, title="France–Japan, renamed")
    assert "France–Japan, renamed" in client.get("/").content.decode()


def test_a_public_calendar_is_cached_per_language_and_fresh_after_a_change(
    seeded: None, cache_on: None, administrator: object
) -> None:
    client = Client()
    english = client.get("/calendar/states/JPN.ics").content.decode()
    german = client.get("/calendar/states/JPN.ics", HTTP_ACCEPT_LANGUAGE="de").content.decode()
    assert ": round 1" in english and ": Runde 1" in german
    assert _queries(client, "/calendar/states/JPN.ics") == 2  # the state and the token only

    agreement = Agreement.objects.get(slug="japan-uk-raa")
    services.agreement_update(actor=administrator, agreement=agreement, title="A renamed agreement")
    assert "A renamed agreement: " in client.get("/calendar/states/JPN.ics").content.decode()
