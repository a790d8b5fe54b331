"""Concurrent writers on PostgreSQL: If-Match lets exactly one of them win; the lifecycle is checked under a lock."""

import json
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test import Client

from negotiations.models import Agreement, StatusEvent

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def _logged_in_clients(count: int) -> list[Client]:
    user = get_user_model().objects.create_superuser("concurrent-admin", "a@example.org", "pw")
    clients = []
    for _ in range(count):
        client = Client()
        client.force_login(user)
        clients.append(client)
    return clients


def _all_at_once(requests: list) -> list[object]:
    """Run the callables in threads released together; each thread closes its own connection."""
    barrier = threading.Barrier(len(requests))

    def run(request: object) -> object:
        try:
            barrier.wait(timeout=30)
            return request()
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=len(requests)) as pool:
        return list(pool.map(run, requests))


def test_twenty_concurrent_patches_with_the_same_etag(on_postgres: None) -> None:
    clients = _logged_in_clients(20)
    url = "/api/v1/agreements/france-japan-raa/"
    etag = clients[0].get(url)["ETag"]

    def patch(n: int) -> object:
        return lambda: clients[n].patch(
            url, json.dumps({"summary": f"Writer {n}"}), content_type="application/json", headers={"If-Match": etag}
        )

    responses = _all_at_once([patch(n) for n in range(20)])
    statuses = sorted(r.status_code for r in responses)
    assert statuses == [200] + [412] * 19, statuses
    winner = next(r for r in responses if r.status_code == 200).json()["summary"]
    assert Agreement.objects.get(slug="france-japan-raa").summary == winner
    for refused in (r for r in responses if r.status_code == 412):
        assert refused["Content-Type"].startswith("application/problem+json")


def test_two_concurrent_transitions_valid_alone_one_wins(on_postgres: None) -> None:
    clients = _logged_in_clients(2)
    url = "/api/v1/agreements/france-japan-raa/transition/"
    before = StatusEvent.objects.filter(agreement__slug="france-japan-raa").count()
    moves = [
        {"status": "abandoned", "effective_on": "2025-06-01", "no_source_reason": "Said at a briefing (test)."},
        {"status": "signed", "effective_on": "2025-06-01", "no_source_reason": "Said at a briefing (test)."},
    ]
    responses = _all_at_once(
        [
            lambda c=client, m=move: c.post(url, json.dumps(m), content_type="application/json")
            for client, move in zip(clients, moves, strict=True)
        ]
    )
    assert sorted(r.status_code for r in responses) == [201, 409]
    refused = next(r for r in responses if r.status_code == 409).json()
    winner = next(r for r in responses if r.status_code == 201).json()
    assert refused["current_status"] == winner["status"]
    assert StatusEvent.objects.filter(agreement__slug="france-japan-raa").count() == before + 1
    assert Agreement.objects.get(slug="france-japan-raa").status == winner["status"]
