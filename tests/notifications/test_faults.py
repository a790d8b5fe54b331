"""Exactly once through faults, with a real Celery worker process, a real Redis broker and PostgreSQL.

Each test starts its own worker against the test database. They run in CI's PostgreSQL+Redis pass; on the
embedded defaults (SQLite in memory, file broker) a separate worker process cannot share the database.
"""

import datetime
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client
from django.utils import timezone

from negotiations.models import Agreement, Milestone
from notifications import services
from notifications.models import DeliveryAttempt, Notification
from notifications.signing import verify
from notifications.sweep import run_sweep
from raa_tracker import celery_app
from tests.conftest import need_service
from tests.processes import free_port, stop

from .receiver import webhook_receiver

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def real_services(on_postgres: None, seeded: None) -> None:
    if not settings.REDIS_URL:
        pytest.skip("needs REDIS_URL (the PostgreSQL+Redis configuration of .ci/run)")
    import redis

    try:
        redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=2).ping()
    except redis.exceptions.ConnectionError:
        need_service(f"Redis at {settings.REDIS_URL} does not answer")


def _database_url() -> str:
    db = settings.DATABASES["default"]
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    return f"postgres://{db['USER']}{password}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def _environment(mail_dir: Path, redis_url: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    return env | {
        "DEBUG": "true",
        "DATABASE_URL": _database_url(),
        "DATABASE_CONN_MAX_AGE": "0",
        "REDIS_URL": redis_url,
        "EMAIL_URL": f"filemail://{mail_dir}",
        "WEBHOOK_ALLOW_LOOPBACK": "true",
        "NOTIFICATION_RETRY_BASE_SECONDS": "1",
        "NOTIFICATION_LEASE_SECONDS": "3",
        "SITE_URL": "https://raa.example.org",
    }


@contextmanager
def celery_worker(env: dict[str, str], name: str) -> Iterator[subprocess.Popen]:
    """A worker process; waits until it is ready, and stops it (gently, then for good) at the end."""
    log = open(Path(env["EMAIL_URL"].removeprefix("filemail://")).parent / f"{name}.log", "w")  # noqa: SIM115
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "raa_tracker",
            "worker",
            "--pool=threads",
            "--concurrency=4",
            "--loglevel=INFO",
            "--without-gossip",
            "--without-mingle",
            "-n",
            f"{name}@%h",
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    deadline = time.monotonic() + 60
    logfile = Path(log.name)
    while "ready." not in logfile.read_text():
        assert process.poll() is None, logfile.read_text()[-3000:]
        assert time.monotonic() < deadline, "the worker did not start within 60 s"
        time.sleep(0.2)
    try:
        yield process
    finally:
        stop(process)
        log.close()


def _messages(mail_dir: Path) -> list[str]:
    """The notification ids of every e-mail the file backend wrote."""
    ids = []
    for path in mail_dir.glob("*.log"):
        ids += [
            line.split(":", 1)[1].strip()
            for line in path.read_text().splitlines()
            if line.startswith("X-RAA-Notification:")
        ]
    return ids


def _wait_for(condition: Callable[[], bool], seconds: float = 45) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.25)


def _in_thread(work: Callable[[], object]) -> threading.Thread:
    def run() -> None:
        try:
            work()
        finally:
            connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    return thread


@pytest.fixture
def mail_dir(tmp_path: Path) -> Path:
    path = tmp_path / "mail"
    path.mkdir()
    return path


def test_reminder_once_per_watcher_through_three_sweeps_two_at_once(
    real_services: None, mail_dir: Path, analyst: object, official_fr: object
) -> None:
    france_japan = Agreement.objects.get(slug="france-japan-raa")
    Milestone.objects.create(
        agreement=france_japan, title="Signature ceremony", due_on=timezone.localdate() + datetime.timedelta(days=7)
    )
    services.watch_set(user=analyst, agreement=france_japan)
    services.watch_set(user=official_fr, everything=True)
    with celery_worker(_environment(mail_dir, settings.REDIS_URL), "sweeps"):
        run_sweep()
        threads = [_in_thread(run_sweep), _in_thread(run_sweep)]
        for thread in threads:
            thread.join()
        _wait_for(lambda: len(_messages(mail_dir)) >= 2)
        time.sleep(3)  # room for a duplicate to show up
    sent = _messages(mail_dir)
    assert len(sent) == len(set(sent)) == 2, sent
    assert Notification.objects.filter(kind="milestone_due", lead_days=7, state="sent").count() == 2
    print(f"reminder sweeps: sent {len(sent)}, duplicated {len(sent) - len(set(sent))}, lost {2 - len(set(sent))}")


def test_status_change_through_the_api_email_and_signed_webhook_with_retries(
    real_services: None, mail_dir: Path, analyst: object, official_jp: object
) -> None:
    with webhook_receiver(statuses=[500, 500]) as receiver:
        endpoint = services.webhook_create(user=analyst, url=receiver.url)
        services.watch_set(user=analyst, agreement=Agreement.objects.get(slug="france-japan-raa"), webhooks=[endpoint])
        with celery_worker(_environment(mail_dir, settings.REDIS_URL), "api"):
            client = Client()
            client.force_login(official_jp)
            response = client.post(
                "/api/v1/agreements/france-japan-raa/transition/",
                json.dumps(
                    {
                        "status": "agreed_in_principle",
                        "effective_on": "2025-01-15",
                        "no_source_reason": "Said at a briefing (test).",
                    }
                ),
                content_type="application/json",
            )
            assert response.status_code == 201
            _wait_for(lambda: Notification.objects.filter(channel="webhook", state="sent").exists())
            _wait_for(lambda: len(_messages(mail_dir)) >= 1)
            time.sleep(2)
    webhook = Notification.objects.get(channel="webhook")
    attempts = list(DeliveryAttempt.objects.filter(notification=webhook).values_list("ok", "http_status"))
    assert attempts == [(False, 500), (False, 500), (True, 200)]
    assert len(receiver.requests) == 3 and len({r.headers["webhook-id"] for r in receiver.requests}) == 1
    last = receiver.requests[-1]
    assert verify(
        endpoint.secret,
        last.headers["webhook-id"],
        int(last.headers["webhook-timestamp"]),
        last.body,
        last.headers["webhook-signature"],
    )
    assert json.loads(last.body)["data"]["status"] == "agreed_in_principle"
    assert len(_messages(mail_dir)) == 1
    print(f"api change: e-mails {len(_messages(mail_dir))}, webhook tries {len(receiver.requests)}")


def test_worker_killed_mid_delivery_is_delivered_once_by_a_new_worker(
    real_services: None, mail_dir: Path, analyst: object, official_jp: object, settings: object
) -> None:
    settings.NOTIFICATION_LEASE_SECONDS = 3  # as in the workers' environment
    with webhook_receiver(delay_first=8) as receiver:
        endpoint = services.webhook_create(user=analyst, url=receiver.url)
        services.watch_set(
            user=analyst, agreement=Agreement.objects.get(slug="france-japan-raa"), email=False, webhooks=[endpoint]
        )
        env = _environment(mail_dir, settings.REDIS_URL)
        with celery_worker(env, "doomed") as doomed:
            client = Client()
            client.force_login(official_jp)
            client.post(
                "/api/v1/agreements/france-japan-raa/transition/",
                json.dumps(
                    {
                        "status": "agreed_in_principle",
                        "effective_on": "2025-01-15",
                        "no_source_reason": "Said at a briefing (test).",
                    }
                ),
                content_type="application/json",
            )
            _wait_for(lambda: len(receiver.requests) == 1)
            os.kill(doomed.pid, signal.SIGKILL)
            doomed.wait(timeout=10)
        notice = Notification.objects.get()
        assert notice.state == "sending"
        with celery_worker(env, "successor"):
            time.sleep(4)  # the dead worker's lease (3 s) runs out
            report = run_sweep()
            assert report.reclaimed == 1
            _wait_for(lambda: Notification.objects.get(pk=notice.pk).state == "sent")
            time.sleep(2)
    ids = [r.headers["webhook-id"] for r in receiver.requests]
    assert len(set(ids)) == 1, "the receiver saw one notice (the retry carries the same webhook-id)"
    assert Notification.objects.get(pk=notice.pk).sent_at is not None
    print(f"SIGKILL: requests {len(ids)}, distinct notices {len(set(ids))}, lost 0")


@contextmanager
def private_redis(port: int) -> Iterator[subprocess.Popen]:
    server = shutil.which("redis-server")
    if server is None:
        need_service("redis-server is not installed")
    process = subprocess.Popen(
        [server, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    _wait_for(lambda: socket.socket().connect_ex(("127.0.0.1", port)) == 0, 10)
    try:
        yield process
    finally:
        process.terminate()
        process.wait(timeout=10)


def _use_broker(url: str) -> None:
    """Point this process's Celery app at another broker, dropping its cached connection and producer pools."""
    celery_app.conf.broker_url = url
    celery_app._pool = None
    celery_app.amqp._producer_pool = None


def test_redis_down_while_statuses_change_then_every_notice_once(
    real_services: None, mail_dir: Path, analyst: object, official_jp: object
) -> None:
    port = free_port()
    url = f"redis://127.0.0.1:{port}/0"
    previous = celery_app.conf.broker_url
    _use_broker(url)
    services.watch_set(user=analyst, everything=True)
    client = Client()
    client.force_login(official_jp)
    changes = [
        ("france-japan-raa", "agreed_in_principle", "2025-01-15"),  # negotiating since September 2024
        ("japan-singapore-dea", "negotiating", "2025-01-15"),  # talks agreed in 2022
        ("france-japan-raa", "signed", "2025-02-01"),
    ]
    try:
        env = _environment(mail_dir, url)
        with private_redis(port) as broker, celery_worker(env, "outage"):
            broker.terminate()
            broker.wait(timeout=10)
            for slug, status, effective_on in changes:
                started = time.monotonic()
                response = client.post(
                    f"/api/v1/agreements/{slug}/transition/",
                    json.dumps(
                        {
                            "status": status,
                            "effective_on": effective_on,
                            "no_source_reason": "Said at a briefing (test).",
                        }
                    ),
                    content_type="application/json",
                )
                assert response.status_code == 201, response.content
                assert time.monotonic() - started < 15
            assert Notification.objects.filter(state="pending").count() == 3
            with private_redis(port):
                run_sweep()
                _wait_for(lambda: Notification.objects.filter(state="sent").count() == 3, 60)
                time.sleep(3)
    finally:
        _use_broker(previous)
    sent = _messages(mail_dir)
    assert len(sent) == len(set(sent)) == 3, sent
    print(f"Redis outage: changes {len(changes)}, sent {len(set(sent))}, duplicated {len(sent) - len(set(sent))}")
