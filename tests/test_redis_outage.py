"""The app keeps answering while Redis refuses connections or hangs (issue 13).

The first tests are in-process and cheap, and run on both configurations: the cache points at a loopback
port where nothing listens (refused) or where a socket listens but never answers (hung: the kernel accepts
the connection, as with a SIGSTOP'd Redis). The last tests start real processes (their own redis-server, a
gunicorn web server and a Celery worker on the test database); they need PostgreSQL, as a separate process
cannot share SQLite's in-memory test database.
"""

import json
import logging
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client

from accounts.models import TokenScope
from accounts.services import token_create
from negotiations.models import Agreement
from notifications import services
from notifications.models import Notification
from notifications.tasks import SWEEP_LOCK, SWEEP_LOCK_ID, deliver_notification, sweep
from raa_tracker import cache as resilient
from raa_tracker.celery import heartbeat
from tests.notifications.receiver import webhook_receiver
from tests.notifications.test_faults import (
    _environment,
    _messages,
    _wait_for,
    celery_worker,
    mail_dir,  # noqa: F401 - a fixture
    private_redis,
    real_services,  # noqa: F401 - a fixture
)
from tests.processes import free_port, stop

ROOT = Path(__file__).resolve().parent.parent


@contextmanager
def silent_listener() -> Iterator[int]:
    """A port whose connections the kernel accepts and nobody ever answers, like a Redis that hangs."""
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen(64)
        yield server.getsockname()[1]


def _redis_cache(settings: object, port: int) -> None:
    settings.CACHES = {
        "default": {"BACKEND": "raa_tracker.cache.ResilientRedisCache", "LOCATION": f"redis://127.0.0.1:{port}/0"}
    }


_LOCMEM = {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "test-redis-outage"}


@pytest.fixture
def fast_breaker(settings: object) -> None:
    settings.CACHE_TIMEOUT_MS = 200
    settings.CACHE_RETRY_SECONDS = 1
    resilient._warned.clear()


def _warnings(caplog: pytest.LogCaptureFixture, text: str) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING and text in r.getMessage()]


def _timed(work: Callable[[], object]) -> tuple[float, object]:
    started = time.monotonic()
    try:
        result = work()
    except resilient.CacheUnavailable as error:
        result = error
    return time.monotonic() - started, result


def test_hung_cache_costs_one_timeout_per_interval(
    settings: object, fast_breaker: None, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING)
    with silent_listener() as port:
        _redis_cache(settings, port)
        outcome: list[tuple[float, object]] = []
        caller = threading.Thread(target=lambda: outcome.append(_timed(lambda: cache.get("key"))), daemon=True)
        caller.start()
        caller.join(5)
        assert outcome, "the cache waited for a hung Redis"
        first, error = outcome[0]
        assert isinstance(error, resilient.CacheUnavailable)
        assert 0.15 < first < 0.9, first  # one socket timeout (200 ms), not forever
        rest = [_timed(lambda: cache.set("key", 1)) for _ in range(20)]
        assert all(isinstance(result, resilient.CacheUnavailable) for _, result in rest)
        assert sum(seconds for seconds, _ in rest) < 0.1, "the open breaker does not touch Redis"
        assert len(_warnings(caplog, "unavailable")) == 1
        time.sleep(1.1)  # the interval ends: one call probes again, and warns again
        probe, error = _timed(lambda: cache.add("key", 1))
        assert isinstance(error, resilient.CacheUnavailable) and probe > 0.15
        assert len(_warnings(caplog, "unavailable")) == 2
    print(f"hung cache: first call {first:.2f} s, 20 calls while open {sum(s for s, _ in rest):.4f} s")


def test_threads_share_the_breaker(settings: object, fast_breaker: None) -> None:
    """Django gives each thread its own cache object; the breaker is per process, so a second thread does
    not pay the timeout again."""
    with silent_listener() as port:
        _redis_cache(settings, port)
        _timed(lambda: cache.get("key"))
        seconds: list[float] = []
        thread = threading.Thread(target=lambda: seconds.append(_timed(lambda: cache.get("key"))[0]))
        thread.start()
        thread.join()
        assert seconds[0] < 0.05, seconds


def test_queueing_gives_up_at_once_while_the_breaker_is_open(settings: object, fast_breaker: None) -> None:
    """A request that found Redis hung does not wait for the broker's timeouts too: the notice stays pending."""
    with silent_listener() as port:
        _redis_cache(settings, port)
        settings.REDIS_URL = settings.CACHES["default"]["LOCATION"]
        _timed(lambda: cache.get("key"))
        seconds, result = _timed(lambda: deliver_notification.delay(1))
        assert isinstance(result, resilient.CacheUnavailable) and seconds < 0.05, (seconds, result)


@pytest.mark.django_db
def test_throttle_fails_open_without_a_cache_and_warns_once_per_interval(
    settings: object, fast_breaker: None, caplog: pytest.LogCaptureFixture, client: Client
) -> None:
    caplog.set_level(logging.WARNING)
    settings.API_THROTTLE_RATES = {**settings.API_THROTTLE_RATES, "anonymous": "2/minute"}
    settings.CACHES = {"default": _LOCMEM}
    cache.clear()
    with_cache = [client.get("/api/v1/agreements/").status_code for _ in range(3)]
    assert with_cache == [200, 200, 429], "the throttle is on while the cache works"
    _redis_cache(settings, free_port())  # nothing listens there: refused
    without = [client.get("/api/v1/agreements/").status_code for _ in range(4)]
    assert without == [200] * 4
    assert len(_warnings(caplog, "API throttling is off")) == 1
    time.sleep(1.1)
    assert client.get("/api/v1/agreements/").status_code == 200
    assert len(_warnings(caplog, "API throttling is off")) == 2


@pytest.mark.django_db
def test_heartbeat_and_health_survive_a_refused_cache(settings: object, fast_breaker: None, client: Client) -> None:
    _redis_cache(settings, free_port())
    heartbeat()  # logs, does not raise
    started = time.monotonic()
    response = client.get("/healthz?workers")
    assert response.status_code == 503 and response.content.startswith(b"cache unavailable")
    assert time.monotonic() - started < 1


@pytest.mark.django_db
def test_sweep_runs_without_redis_and_skips_while_locked(settings: object, fast_breaker: None) -> None:
    _redis_cache(settings, free_port())
    assert "skipped" not in sweep(), "no cache: the sweep runs unlocked (or on PostgreSQL's lock)"
    held, release = threading.Event(), threading.Event()

    def hold() -> None:
        """Hold the lock from another connection (PostgreSQL) or the cache (elsewhere), as a running sweep does."""
        if connection.vendor != "postgresql":
            cache.add(SWEEP_LOCK, "1")
            held.set()
            return
        try:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_lock(%s)", [SWEEP_LOCK_ID])
                held.set()
                release.wait(10)
                cursor.execute("SELECT pg_advisory_unlock(%s)", [SWEEP_LOCK_ID])
        finally:
            connection.close()

    if connection.vendor != "postgresql":
        settings.CACHES = {"default": _LOCMEM}
    thread = threading.Thread(target=hold)
    thread.start()
    try:
        assert held.wait(10)
        assert sweep() == {"skipped": "another sweep is running"}
    finally:
        release.set()
        thread.join()


# Real processes: redis-server, gunicorn, a Celery worker, management commands.


@contextmanager
def web_server(env: dict[str, str], log_dir: Path) -> Iterator[str]:
    """gunicorn (as in production) on a free loopback port; waits until it answers."""
    port = free_port()
    with open(log_dir / "web.log", "w") as log:
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "raa_tracker.wsgi",
                f"--bind=127.0.0.1:{port}",
                "--workers=1",
                "--threads=4",
                "--timeout=30",
            ],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        base = f"http://127.0.0.1:{port}"
        try:
            _wait_for(lambda: process.poll() is None and _status(f"{base}/healthz") == 200, 30)
            yield base
        finally:
            stop(process)


def _status(url: str) -> int:
    try:
        return _request(url)[0]
    except OSError:
        return 0


def _request(url: str, *, token: str = "", body: dict | None = None) -> tuple[int, bytes]:
    headers = {"Authorization": f"Token {token}"} if token else {}
    data = None
    if body is not None:
        data = json.dumps(body).encode()
        headers["Content-Type"] = "application/json"
    request = urllib.request.Request(url, data=data, headers=headers, method="POST" if data else "GET")
    try:
        with urllib.request.urlopen(request, timeout=20) as response:  # noqa: S310 - loopback only
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def _command(env: dict[str, str], *args: str) -> tuple[float, subprocess.CompletedProcess]:
    started = time.monotonic()
    done = subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )
    return time.monotonic() - started, done


@contextmanager
def stoppable_redis(port: int) -> Iterator[subprocess.Popen]:
    """tests.notifications' private Redis, always resumed before it is stopped (a stopped process ignores
    SIGTERM until it continues)."""
    with private_redis(port) as server:
        try:
            yield server
        finally:
            if server.poll() is None:
                os.kill(server.pid, signal.SIGCONT)


@pytest.mark.parametrize("fault", ["stopped", "hung"])
def test_the_app_answers_while_redis_is_down_and_notices_arrive_once_after(
    real_services: None,  # noqa: F811 - PostgreSQL and Redis (for CI's pass), and the seeded record
    mail_dir: Path,  # noqa: F811
    analyst: object,
    official_jp: object,
    fault: str,
    settings: object,
) -> None:
    settings.WEBHOOK_ALLOW_LOOPBACK = True  # as in the processes' environment
    port = free_port()
    env = _environment(mail_dir, f"redis://127.0.0.1:{port}/0") | {"CACHE_RETRY_SECONDS": "2"}
    _, key = token_create(user=official_jp, scope=TokenScope.WRITE)
    france_japan = Agreement.objects.get(slug="france-japan-raa")
    timings: dict[str, float] = {}
    with webhook_receiver() as receiver, stoppable_redis(port) as redis_server:
        endpoint = services.webhook_create(user=analyst, url=receiver.url)
        services.watch_set(user=analyst, agreement=france_japan, webhooks=[endpoint])
        with web_server(env, mail_dir.parent) as base, celery_worker(env, f"outage-{fault}"):
            assert _request(f"{base}/api/v1/agreements/", token=key)[0] == 200  # pooled connections to Redis
            if fault == "stopped":
                redis_server.terminate()
                redis_server.wait(timeout=10)
            else:
                os.kill(redis_server.pid, signal.SIGSTOP)

            statuses: list[tuple[str, int]] = []

            def call(name: str, url: str, **kwargs: object) -> bytes:
                started = time.monotonic()
                status, content = _request(url, **kwargs)
                timings[name] = max(timings.get(name, 0.0), time.monotonic() - started)
                statuses.append((name, status))
                return content

            for _ in range(3):
                call("list", f"{base}/api/v1/agreements/", token=key)
                call("detail", f"{base}/api/v1/agreements/france-japan-raa/", token=key)
                call("overview", f"{base}/")
                call("anonymous list", f"{base}/api/v1/agreements/")
            call(
                "transition",
                f"{base}/api/v1/agreements/france-japan-raa/transition/",
                token=key,
                body={
                    "status": "agreed_in_principle",
                    "effective_on": "2025-01-15",
                    "no_source_reason": "Said at a briefing (test).",
                },
            )
            health = call("healthz?workers", f"{base}/healthz?workers")
            assert [s for s in statuses if s[0] == "transition"] == [("transition", 201)], statuses
            assert statuses[-1] == ("healthz?workers", 503) and health.startswith(b"cache unavailable")
            assert all(status < 500 for name, status in statuses[:-1]), statuses
            assert max(timings.values()) < 5, timings

            timings["send_reminders --enqueue"], done = _command(env, "send_reminders", "--enqueue")
            assert done.returncode == 0, done.stderr[-3000:]
            task = "from notifications.tasks import sweep; print(sweep())"
            timings["sweep task"], done = _command(env, "shell", "-c", task)
            assert done.returncode == 0 and "skipped" not in done.stdout, done.stderr[-3000:]
            assert timings["send_reminders --enqueue"] < 20 and timings["sweep task"] < 20, timings

            assert Agreement.objects.get(pk=france_japan.pk).status == "agreed_in_principle"
            notices = Notification.objects.filter(event__agreement=france_japan)
            assert sorted(notices.values_list("channel", "state")) == [("email", "pending"), ("webhook", "pending")]
            assert receiver.requests == [] and _messages(mail_dir) == []

            with ExitStack() as recovered:
                if fault == "stopped":
                    recovered.enter_context(stoppable_redis(port))  # a new Redis on the same port, empty
                else:
                    os.kill(redis_server.pid, signal.SIGCONT)
                started = time.monotonic()
                # beat's sweep, run by hand: it queues the pending notices for the worker
                assert _command(env, "send_reminders", "--enqueue")[1].returncode == 0
                _wait_for(lambda: notices.filter(state="sent").count() == 2, 60)
                timings["delivery after recovery"] = time.monotonic() - started
                time.sleep(3)  # room for a duplicate
                _command(env, "send_reminders", "--enqueue")
                time.sleep(2)
    sent = _messages(mail_dir)
    assert len(sent) == 1, sent
    assert len(receiver.requests) == len(receiver.delivered_ids()) == 1, [r.headers for r in receiver.requests]
    assert json.loads(receiver.requests[0].body)["data"]["status"] == "agreed_in_principle"
    print(f"Redis {fault}: " + ", ".join(f"{name} {seconds:.2f} s" for name, seconds in timings.items()))
