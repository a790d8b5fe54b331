"""A real Celery worker process on the configured broker (file system by default, Redis with REDIS_URL)
runs a task that the app sends, and /healthz?workers reports it."""

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.core.cache import cache
from django.test import Client

from raa_tracker.celery import HEARTBEAT_KEY, app, heartbeat
from tests.conftest import need_service
from tests.processes import stop

ROOT = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.django_db


@pytest.fixture
def broker_available() -> None:
    if settings.REDIS_URL:
        import redis

        try:
            redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=2).ping()
        except redis.exceptions.ConnectionError:
            need_service(f"Redis at {settings.REDIS_URL} does not answer")


@pytest.fixture
def worker(broker_available: None) -> subprocess.Popen:
    # Tasks that earlier tests queued after their commits would run first (one a second on the file system).
    app.control.purge()
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "raa_tracker",
            "worker",
            "--pool=solo",
            "--loglevel=WARNING",
            "--without-gossip",
            "--without-mingle",
            "--hostname",
            f"test-{os.getpid()}@%h",
        ],
        cwd=ROOT,
        env={**os.environ, "DEBUG": "true"},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    yield process
    stop(process, 20)


def test_worker_runs_the_heartbeat_and_health_reports_it(worker: subprocess.Popen, client: Client) -> None:
    cache.delete(HEARTBEAT_KEY)
    assert client.get("/healthz?workers").status_code == 503
    heartbeat.delay()
    deadline = time.monotonic() + 60
    while cache.get(HEARTBEAT_KEY) is None:
        assert worker.poll() is None, f"worker exited: {worker.stderr.read()}"
        assert time.monotonic() < deadline, "the worker did not run the task within 60 s"
        time.sleep(0.2)
    response = client.get("/healthz?workers")
    assert response.status_code == 200 and response.content.startswith(b"ok: worker heartbeat")


def test_stale_heartbeat_is_reported(client: Client) -> None:
    cache.set(HEARTBEAT_KEY, "2024-05-02T12:00:00+00:00")
    response = client.get("/healthz?workers")
    assert response.status_code == 503 and b"last worker heartbeat" in response.content
    cache.delete(HEARTBEAT_KEY)
