"""The agreement list is built from plain rows for speed; it must say exactly what AgreementSerializer says.

The benchmark's limit (bench/limit.py) must produce the same document too, or the ratio against it means nothing.
"""

import datetime
import json
import re

import pytest
from django.db import connection
from django.test import Client
from django.utils import timezone
from rest_framework.request import Request
from rest_framework.test import APIRequestFactory

from accounts.services import profile_for
from negotiations import selectors
from negotiations.api.serializers import AgreementSerializer
from negotiations.models import Participation, Source

pytestmark = pytest.mark.django_db

TIMESTAMP = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$")


def _serializer_view(zone: str, query: str = "") -> list[dict]:
    """What AgreementSerializer makes of every agreement, in `zone`, as the list orders them."""
    request = Request(APIRequestFactory().get(f"/api/v1/agreements/{query}", HTTP_HOST="testserver"))
    agreements = selectors.agreements_with_parties().order_by("title", "id")
    with timezone.override(zone):
        return json.loads(json.dumps(AgreementSerializer(agreements, many=True, context={"request": request}).data))


def _enrich_a_party() -> Participation:
    """Fill every field of one participation, so that the comparison covers each of them with a value."""
    party = Participation.objects.order_by("id").first()
    party.signed_on = datetime.date(2024, 7, 8)
    party.approval_status = "approved"
    party.approval_body = "Diet"
    party.approval_submitted_on = datetime.date(2024, 9, 1)
    party.approval_decided_on = datetime.date(2024, 12, 1)
    party.entry_into_force_on = datetime.date(2025, 1, 1)
    party.note = "Ünïcode — “quoted” \u2028 line separator"
    party.source = Source.objects.create(title="Enriched", publisher="Test", url="https://example.org/enriched")
    party.save()
    return party


@pytest.mark.parametrize("zone", ["UTC", "Asia/Tokyo", "America/St_Johns"])
def test_the_list_says_what_the_serializer_says(analyst: object, zone: str) -> None:
    _enrich_a_party()
    profile = profile_for(analyst)
    profile.time_zone = zone
    profile.save()
    client = Client()
    client.force_login(analyst)

    response = client.get("/api/v1/agreements/?page_size=200")

    assert response.status_code == 200
    listed = response.json()["results"]
    assert listed == _serializer_view(zone)
    # The comparison is only worth something if the values it compares are filled in.
    parties = [party for agreement in listed for party in agreement["participations"]]
    for field in ("signed_on", "approval_decided_on", "entry_into_force_on", "source", "note", "created_at"):
        assert any(party[field] for party in parties), field
    offset = "Z" if zone == "UTC" else ("+09:00" if zone == "Asia/Tokyo" else "-0")
    assert all(offset in agreement["created_at"] for agreement in listed)


def test_filtered_paged_list_keeps_the_serializer_order_and_the_page_links(analyst: object) -> None:
    client = Client()
    client.force_login(analyst)
    everything = [a for a in _serializer_view("UTC") if any(p["state"] == "JPN" for p in a["participations"])]

    first = client.get("/api/v1/agreements/?party=JPN&page_size=2").json()
    second = client.get(first["next"]).json()

    assert first["count"] == len(everything) > 3
    assert first["results"] + second["results"] == everything[:4]
    assert second["previous"] == "http://testserver/api/v1/agreements/?page_size=2&party=JPN"


def _normalised(value: object) -> object:
    """Timestamps as instants: the limit always prints microseconds, Python drops them when they are zero."""
    if isinstance(value, dict):
        return {key: _normalised(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_normalised(item) for item in value]
    if isinstance(value, str) and TIMESTAMP.match(value):
        return datetime.datetime.fromisoformat(value.replace("Z", "+00:00"))
    return value


@pytest.mark.parametrize(
    "query", ["?page=2&page_size=3", "?party=JPN&page_size=2&page=2", "?status=in_force", "?page_size=200"]
)
def test_the_benchmark_limit_serves_the_same_document(
    on_postgres: None, analyst: object, query: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from bench import limit

    settings = connection.settings_dict
    dsn = f"host={settings['HOST']} port={settings['PORT'] or 5432} dbname={settings['NAME']} user={settings['USER']}"
    monkeypatch.setenv("BENCH_DSN", dsn + (f" password={settings['PASSWORD']}" if settings["PASSWORD"] else ""))
    monkeypatch.setattr(limit, "_connection", None)
    client = Client()
    client.force_login(analyst)

    ours = client.get(f"/api/v1/agreements/{query}").json()
    environ = {"QUERY_STRING": query[1:], "HTTP_HOST": "testserver", "PATH_INFO": "/api/v1/agreements/"}
    body = b"".join(limit.application(environ, lambda status, headers: None))
    limit._connection.close()

    assert ours["results"], "the query should select something"
    assert _normalised(json.loads(body)) == _normalised(ours)


def test_the_typical_baseline_serves_the_same_page(analyst: object) -> None:
    """The benchmark's 'typical implementation' must do the same job, or the ratio against it means nothing."""
    from bench.baselines import TypicalAgreementViewSet

    client = Client()
    client.force_login(analyst)
    ours = client.get("/api/v1/agreements/?page_size=200").json()
    typical = TypicalAgreementViewSet.as_view({"get": "list"})(
        APIRequestFactory().get("/bench/typical/agreements/?page_size=200", HTTP_HOST="testserver")
    )
    typical.render()

    assert ours["results"]
    assert json.loads(typical.content)["results"] == ours["results"]
