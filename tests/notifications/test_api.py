"""Watches and webhook endpoints through the API (notifications.api)."""

import json

import pytest
from django.test import Client

from notifications.models import Watch

from .receiver import webhook_receiver

pytestmark = pytest.mark.django_db


def test_watches_and_webhooks_through_the_api(analyst: object) -> None:
    client = Client()
    client.force_login(analyst)
    post = lambda url, body: client.post(url, json.dumps(body), content_type="application/json")  # noqa: E731
    assert post("/api/v1/watches/", {"agreement": "france-japan-raa"}).status_code == 201
    assert post("/api/v1/watches/", {"state": "jpn", "lead_days": [14, 2]}).status_code == 201
    assert post("/api/v1/watches/", {"everything": True}).status_code == 201
    assert post("/api/v1/watches/", {"agreement": "france-japan-raa", "state": "FRA"}).status_code == 400
    assert post("/api/v1/watches/", {"agreement": "no-such"}).status_code == 400
    assert Watch.objects.filter(user=analyst).count() == 3
    with webhook_receiver() as receiver:
        created = post("/api/v1/webhooks/", {"url": receiver.url, "events": ["status_changed"]})
        assert created.status_code == 201 and created.json()["signing_secret"].startswith("whsec_")
        listed = client.get("/api/v1/webhooks/").json()["results"]
        assert "signing_secret" not in listed[0] and "secret" not in listed[0]
    bad = post("/api/v1/webhooks/", {"url": "http://127.0.0.1/x", "secret": "nope"})
    assert bad.status_code == 400 and "secret" in bad.json()["errors"]
    agreement = client.get("/api/v1/agreements/france-japan-raa/").json()
    assert agreement["links"]["calendar"].endswith("/calendar/agreements/france-japan-raa.ics")
