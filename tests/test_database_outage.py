"""While PostgreSQL is down the app answers 503 (a problem document for the API, a plain page in the user's
language for the dashboard, /healthz says so), never 500, and it recovers by itself when PostgreSQL returns.

The real test starts its own PostgreSQL cluster and a gunicorn server with two workers, stops the cluster
(fast and immediate shutdown), then starts it again under the same server processes. The in-process tests
cover the mapping from exceptions to answers, including the paths the real outage does not take."""

import logging
import os
import pwd
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import psycopg2
import psycopg2.errors
import pytest
import requests
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import DatabaseError, IntegrityError, InterfaceError, OperationalError, connection
from django.test import Client, RequestFactory

from raa_tracker import middleware
from raa_tracker.settings import database_from_env
from raa_tracker.urls import handler500
from tests.conftest import need_service
from tests.processes import free_port

ROOT = Path(__file__).resolve().parent.parent
PG_BIN = Path("/usr/lib/postgresql/15/bin")
SLUG = "japan-australia-raa"
# Connection refused is immediate: a 503 must not wait for a timeout (generous for a busy machine).
BOUND_SECONDS = 5.0
RECOVERY_SECONDS = 10.0
ENGLISH = "Temporarily unavailable"
GERMAN = "Vorübergehend nicht verfügbar"


def _wrapped(error: Exception) -> OperationalError:
    """Django's error as it wraps the driver's (raised from it, like wrap_database_errors)."""
    try:
        raise OperationalError(*error.args) from error
    except OperationalError as exc:
        return exc


def _outage_error() -> OperationalError:
    """A refused connection, as Django raises it."""
    return _wrapped(psycopg2.OperationalError('connection to server at "127.0.0.1", port 1 failed: Connection refused'))


# --- which errors are an outage ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "error",
    [
        _outage_error(),
        _wrapped(psycopg2.errors.AdminShutdown("terminating connection due to administrator command")),
        _wrapped(psycopg2.errors.CannotConnectNow("the database system is starting up")),
        _wrapped(psycopg2.errors.TooManyConnections("sorry, too many clients already")),
        InterfaceError("connection already closed"),
        psycopg2.InterfaceError("connection already closed"),
    ],
    ids=["refused", "admin-shutdown", "starting-up", "too-many-clients", "closed", "psycopg2-closed"],
)
def test_an_unreachable_database_is_an_outage(error: Exception) -> None:
    assert middleware.is_database_outage(error)


@pytest.mark.parametrize(
    "error",
    [
        IntegrityError("duplicate key value violates unique constraint"),
        DatabaseError("some other failure"),
        _wrapped(psycopg2.errors.DeadlockDetected("deadlock detected")),
        _wrapped(psycopg2.errors.LockNotAvailable("could not obtain lock")),
        _wrapped(psycopg2.errors.QueryCanceled("canceling statement due to statement timeout")),
        OperationalError("database is locked"),
        ValueError("not a database error"),
        None,
    ],
    ids=["integrity", "database-error", "deadlock", "lock-timeout", "statement-timeout", "sqlite", "other", "none"],
)
def test_a_failed_statement_is_not_an_outage(error: Exception | None) -> None:
    assert not middleware.is_database_outage(error)


def test_an_error_raised_while_handling_an_outage_is_one() -> None:
    try:
        try:
            raise _outage_error()
        except OperationalError:
            raise KeyError("profile")  # noqa: B904 - the implicit context is what is tested
    except KeyError as exc:
        assert middleware.is_database_outage(exc)


def test_sqlite_errors_are_not_outages() -> None:
    error = _wrapped(sqlite3.OperationalError("no such table: negotiations_agreement"))
    assert not middleware.is_database_outage(error)


# --- a bounded connect time ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "timeout", "expected"),
    [
        ("postgres://u@db.example.org:5432/raa", None, 5),
        ("postgres://u@db.example.org:5432/raa", "2", 2),
        ("postgres://u@db.example.org:5432/raa?connect_timeout=9", "2", 9),  # the URL's own wins
    ],
)
def test_postgres_connections_time_out(
    monkeypatch: pytest.MonkeyPatch, url: str, timeout: str | None, expected: object
) -> None:
    monkeypatch.setenv("DATABASE_URL", url)
    if timeout is None:
        monkeypatch.delenv("DATABASE_CONNECT_TIMEOUT", raising=False)
    else:
        monkeypatch.setenv("DATABASE_CONNECT_TIMEOUT", timeout)
    assert database_from_env()["OPTIONS"]["connect_timeout"] == expected


def test_sqlite_gets_no_connect_timeout(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATABASE_URL", "sqlite:////tmp/raa.sqlite3")
    assert "connect_timeout" not in database_from_env().get("OPTIONS", {})


def test_a_connect_timeout_below_libpqs_minimum_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATABASE_URL", "postgres://u@db.example.org:5432/raa")
    monkeypatch.setenv("DATABASE_CONNECT_TIMEOUT", "0")  # libpq: wait forever
    with pytest.raises(ImproperlyConfigured, match="DATABASE_CONNECT_TIMEOUT must be at least 2"):
        database_from_env()


# --- the answers, in process ---------------------------------------------------------------------------------


@pytest.fixture
def fresh_log(monkeypatch: pytest.MonkeyPatch) -> middleware._OutageLog:
    log = middleware._OutageLog()
    monkeypatch.setattr(middleware, "outages", log)
    return log


@pytest.fixture
def database_down(monkeypatch: pytest.MonkeyPatch, fresh_log: middleware._OutageLog) -> None:
    """The one point where the request's connection is opened fails as a refused connection would."""

    def refuse() -> None:
        raise _outage_error()

    monkeypatch.setattr(connection, "ensure_connection", refuse)


def _assert_api_problem(response: object) -> dict:
    assert response.status_code == 503
    assert response["Content-Type"] == "application/problem+json"
    assert response["Retry-After"] == str(middleware.RETRY_AFTER_SECONDS)
    assert "no-store" in response["Cache-Control"]
    body = response.json()
    assert body["type"] == "/api/v1/problems/service-unavailable"
    assert body["title"] == "Service unavailable"
    assert body["status"] == 503
    assert body["errors"] == {}
    return body


@pytest.mark.django_db
def test_api_answers_a_problem_document_while_the_database_is_down(database_down: None, client: Client) -> None:
    body = _assert_api_problem(client.get(f"/api/v1/agreements/{SLUG}/"))
    assert "database cannot be reached" in body["detail"]
    _assert_api_problem(client.post(f"/api/v1/agreements/{SLUG}/transition/", {}, content_type="application/json"))


@pytest.mark.django_db
def test_api_problem_detail_is_german_for_german_clients(database_down: None, client: Client) -> None:
    body = _assert_api_problem(client.get("/api/v1/agreements/", headers={"accept-language": "de"}))
    assert "Datenbank" in body["detail"]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("headers", "cookies", "lang", "text"),
    [
        ({}, {}, "en", ENGLISH),
        ({"accept-language": "de-DE,de;q=0.9"}, {}, "de", GERMAN),
        ({"accept-language": "en"}, {settings.LANGUAGE_COOKIE_NAME: "de"}, "de", GERMAN),
    ],
    ids=["english", "accept-language", "language-cookie"],
)
def test_dashboard_answers_a_plain_page_in_the_users_language(
    database_down: None, client: Client, headers: dict, cookies: dict, lang: str, text: str
) -> None:
    client.cookies.load(cookies)
    response = client.get(f"/agreements/{SLUG}/?tab=rounds", headers=headers)
    assert response.status_code == 503
    assert response["Content-Type"].startswith("text/html")
    assert response["Retry-After"] == str(middleware.RETRY_AFTER_SECONDS)
    page = response.content.decode()
    assert f'<html lang="{lang}">' in page and f"<h1>{text}</h1>" in page
    assert f'href="/agreements/{SLUG}/?tab=rounds"' in page  # "try again" repeats the request


@pytest.mark.django_db
def test_an_outage_is_logged_once_per_interval(
    database_down: None, client: Client, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING):
        for path in ("/", "/api/v1/agreements/", "/healthz", "/"):
            assert client.get(path).status_code == 503
    errors = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert [r.name for r in errors] == ["raa_tracker.middleware"]
    assert "Connection refused" in errors[0].getMessage() and errors[0].exc_info is None


def test_recovery_is_logged_and_the_next_outage_again(
    fresh_log: middleware._OutageLog, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING, logger="raa_tracker.middleware"):
        fresh_log.failed(_outage_error())
        fresh_log.failed(_outage_error())
        fresh_log.recovered()
        fresh_log.recovered()
        fresh_log.failed(_outage_error())
    assert [r.getMessage().split(" ")[0:3] for r in caplog.records] == [
        ["Database", "unavailable", "(for"],
        ["Database", "reachable", "again"],
        ["Database", "unavailable", "(for"],
    ]


@pytest.mark.django_db
def test_a_view_that_loses_the_database_answers_503(
    monkeypatch: pytest.MonkeyPatch, fresh_log: middleware._OutageLog, client: Client
) -> None:
    """The connection was fine at the start of the request and broke in the view (process_exception)."""

    def broken(*args: object, **kwargs: object) -> None:
        raise _outage_error()

    monkeypatch.setattr("negotiations.selectors.agreement_page", broken)
    monkeypatch.setattr("negotiations.api.views.AgreementViewSet.get_queryset", broken)
    _assert_api_problem(client.get(f"/api/v1/agreements/{SLUG}/"))
    response = client.get(f"/agreements/{SLUG}/", headers={"accept-language": "de"})
    assert response.status_code == 503 and f"<h1>{GERMAN}</h1>" in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/", "/api/v1/agreements/"])
def test_a_middleware_that_loses_the_database_answers_503_in_production(
    monkeypatch: pytest.MonkeyPatch, fresh_log: middleware._OutageLog, settings: object, path: str
) -> None:
    """Raised in the session middleware's lazy load, where no view sees it: handler500 (DEBUG false) maps it."""
    settings.DEBUG = False

    def broken(self: object) -> None:
        raise _outage_error()

    monkeypatch.setattr("django.contrib.sessions.backends.db.SessionStore.load", broken)
    client = Client(raise_request_exception=False)
    client.cookies[settings.SESSION_COOKIE_NAME] = "a" * 32
    response = client.get(path, headers={"accept-language": "de"})
    assert response.status_code == 503
    assert response["Retry-After"] == str(middleware.RETRY_AFTER_SECONDS)
    if path.startswith("/api/"):
        assert response["Content-Type"] == "application/problem+json"
    else:
        assert f"<h1>{GERMAN}</h1>" in response.content.decode()


def test_handler500_keeps_500_for_other_errors(rf: RequestFactory) -> None:
    try:
        raise IntegrityError("duplicate key")
    except IntegrityError:
        response = handler500(rf.get("/api/v1/agreements/"))
    assert response.status_code == 500


# --- the real outage: a PostgreSQL cluster of the test's own and a gunicorn server ----------------------------


@dataclass
class Cluster:
    """A throw-away PostgreSQL cluster on a loopback port (trust authentication), run as `postgres` when the
    tests run as root (initdb refuses root)."""

    root: Path
    port: int
    as_user: list[str]

    @property
    def url(self) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/postgres"

    def _pg_ctl(self, *args: str) -> None:
        subprocess.run(
            [*self.as_user, str(PG_BIN / "pg_ctl"), "-D", str(self.root / "data"), *args],
            check=True,
            capture_output=True,
            timeout=60,
        )

    def start(self) -> None:
        options = f"-c listen_addresses=127.0.0.1 -p {self.port} -k {self.root} -c fsync=off -c full_page_writes=off"
        self._pg_ctl("-l", str(self.root / "postgres.log"), "-w", "-o", options, "start")

    def stop(self, mode: str) -> None:
        self._pg_ctl("-w", "-m", mode, "stop")

    def running(self) -> bool:
        status = subprocess.run(
            [*self.as_user, str(PG_BIN / "pg_ctl"), "-D", str(self.root / "data"), "status"], capture_output=True
        )
        return status.returncode == 0


@dataclass
class Server:
    process: subprocess.Popen
    base: str
    log: Path
    token: str
    timings: dict[str, float]

    def workers(self) -> set[int]:
        pid = self.process.pid
        return {int(child) for child in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()}


def _on_postgres() -> None:
    if settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
        pytest.skip("PostgreSQL pass only: run with DATABASE_URL=postgres://… (see README)")
    for tool in ("initdb", "pg_ctl"):
        if not (PG_BIN / tool).exists():
            need_service(f"{PG_BIN / tool} is missing (Debian package postgresql-15)")
    if os.geteuid() == 0 and not shutil.which("runuser"):
        need_service("runuser is needed to run initdb as postgres")


@pytest.fixture(scope="module")
def cluster() -> Iterator[Cluster]:
    _on_postgres()
    as_user = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
    root = Path(tempfile.mkdtemp(prefix="raa-pg-outage-"))  # under /tmp: reachable by postgres, unlike tmp_path
    if as_user:
        owner = pwd.getpwnam("postgres")
        os.chown(root, owner.pw_uid, owner.pw_gid)
    cluster = Cluster(root, free_port(), as_user)
    try:
        subprocess.run(
            [*as_user, str(PG_BIN / "initdb"), "-D", str(root / "data"), "-U", "postgres", "-A", "trust"]
            + ["-E", "UTF8", "--locale=C.UTF-8", "--no-sync", "--no-instructions"],
            check=True,
            capture_output=True,
            timeout=120,
        )
        cluster.start()
        yield cluster
    finally:
        if cluster.running():
            cluster.stop("immediate")
        shutil.rmtree(root, ignore_errors=True)


def _environment(cluster: Cluster) -> dict[str, str]:
    environment = {**os.environ, "DEBUG": "true", "DATABASE_URL": cluster.url, "LOG_LEVEL": "WARNING"}
    environment.pop("REDIS_URL", None)  # the embedded file cache: this test is about the database only
    return environment


def _manage(cluster: Cluster, *args: str) -> str:
    done = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=_environment(cluster),
        check=True,
        capture_output=True,
        text=True,
        timeout=600,
    )
    return done.stdout


@pytest.fixture(scope="module")
def server(cluster: Cluster) -> Iterator[Server]:
    timings = {}
    started = time.monotonic()
    _manage(cluster, "migrate", "--noinput")
    timings["migrate"] = time.monotonic() - started
    started = time.monotonic()
    _manage(cluster, "seed", "--demo-users")
    timings["seed"] = time.monotonic() - started
    token = _manage(cluster, "create_api_token", "official-jp", "--write").strip()
    port = free_port()
    log = cluster.root / "server.log"
    with log.open("w") as log_file:
        process = subprocess.Popen(
            [str(Path(sys.executable).parent / "gunicorn"), "raa_tracker.wsgi", "--workers", "2"]
            + ["--bind", f"127.0.0.1:{port}", "--timeout", "30", "--graceful-timeout", "5"],
            cwd=ROOT,
            env=_environment(cluster),
            stdout=log_file,
            stderr=subprocess.STDOUT,
        )
    server = Server(process, f"http://127.0.0.1:{port}", log, token, timings)
    try:
        deadline = time.monotonic() + 60
        while True:
            assert process.poll() is None, f"gunicorn exited: {log.read_text()}"
            try:
                if requests.get(server.base + "/healthz", timeout=5).status_code == 200 and len(server.workers()) == 2:
                    break
            except requests.RequestException:  # not listening yet, or its workers still booting
                pass
            assert time.monotonic() < deadline, f"gunicorn did not answer within 60 s: {log.read_text()}"
            time.sleep(0.2)
        yield server
    finally:
        process.send_signal(signal.SIGINT)  # gunicorn's quick shutdown
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
    print(f"\nmigrate {timings['migrate']:.1f} s, seed {timings['seed']:.1f} s into the fresh cluster")


def _signed_in(server: Server) -> requests.Session:
    """A browser session of the demo analyst: its requests load the session and the user in middleware."""
    session = requests.Session()
    session.get(server.base + "/accounts/login/", timeout=10).raise_for_status()
    answer = session.post(
        server.base + "/accounts/login/",
        data={"username": "analyst", "password": "demo", "csrfmiddlewaretoken": session.cookies["csrftoken"]},
        timeout=10,
        allow_redirects=False,
    )
    assert answer.status_code == 302, answer.text[:500]
    return session


def _requests(server: Server, session: requests.Session) -> list[tuple[str, str, dict]]:
    """(kind, method and path, keyword arguments) of each request checked: reads, a write, pages, health."""
    token = {"Authorization": f"Token {server.token}"}
    return [
        ("api", "GET /api/v1/agreements/", {"headers": token}),
        ("api", f"GET /api/v1/agreements/{SLUG}/", {"headers": token}),
        ("api", f"GET /api/v1/agreements/{SLUG}/", {"headers": {**token, "Accept-Language": "de"}}),
        ("write", f"POST /api/v1/agreements/{SLUG}/transition/", {"headers": token, "json": {"status": "x"}}),
        ("page-en", "GET /", {}),
        ("page-en", f"GET /agreements/{SLUG}/", {"headers": {"Accept-Language": "en"}}),
        ("page-de", "GET /", {"headers": {"Accept-Language": "de"}}),
        ("page-de", f"GET /agreements/{SLUG}/", {"headers": {"Accept-Language": "de-DE,de;q=0.9"}}),
        ("page-session", "GET /", {"session": session}),
        ("health", "GET /healthz", {}),
    ]


def _send(server: Server, request: tuple[str, str, dict]) -> tuple[requests.Response, float]:
    _, line, options = request
    method, path = line.split(" ", 1)
    options = dict(options)
    client = options.pop("session", requests)
    started = time.monotonic()
    response = client.request(method, server.base + path, timeout=30, allow_redirects=False, **options)
    return response, time.monotonic() - started


def _assert_up(server: Server, session: requests.Session) -> None:
    for _ in range(3):  # several times, so that both workers answer
        for request in _requests(server, session):
            response, _ = _send(server, request)
            expected = 400 if request[0] == "write" else 200  # "x" is no status: the database answered
            assert response.status_code == expected, (request, response.status_code, response.text[:300])


def _assert_down(server: Server, session: requests.Session) -> None:
    for _ in range(3):
        for request in _requests(server, session):
            kind, line, options = request
            response, seconds = _send(server, request)
            assert response.status_code == 503, (request, response.status_code, response.text[:500])
            assert seconds < BOUND_SECONDS, (request, seconds)
            if kind == "health":
                assert response.text == "database unavailable"
                continue
            assert response.headers["Retry-After"].isdigit(), request
            if kind in {"api", "write"}:
                assert response.headers["Content-Type"] == "application/problem+json", request
                body = response.json()
                assert {"type", "title", "status", "detail", "errors"} <= body.keys(), body
                assert (body["status"], body["title"], body["errors"]) == (503, "Service unavailable", {}), body
                german = "Accept-Language" in options.get("headers", {})
                assert ("Datenbank" in body["detail"]) is german, body
            else:
                assert response.headers["Content-Type"].startswith("text/html"), request
                text = GERMAN if kind == "page-de" else ENGLISH
                assert f"<h1>{text}</h1>" in response.text, (request, response.text[:500])


def _await_recovery(server: Server) -> float:
    started = time.monotonic()
    while True:
        response, _ = _send(
            server, ("api", "GET /api/v1/agreements/", {"headers": {"Authorization": f"Token {server.token}"}})
        )
        if response.status_code == 200:
            return time.monotonic() - started
        assert response.status_code == 503, response.text[:500]
        assert time.monotonic() - started < RECOVERY_SECONDS, "no recovery within 10 s of PostgreSQL's return"
        time.sleep(0.1)


@pytest.mark.parametrize("mode", ["fast", "immediate"])
def test_postgres_outage_answers_503_and_recovers_without_restart(cluster: Cluster, server: Server, mode: str) -> None:
    if not cluster.running():
        cluster.start()
        _await_recovery(server)
    session = _signed_in(server)
    _assert_up(server, session)
    workers = server.workers()
    log_before = server.log.read_text()

    cluster.stop(mode)
    _assert_down(server, session)

    cluster.start()
    recovered_in = _await_recovery(server)
    _assert_up(server, session)
    assert server.process.poll() is None and server.workers() == workers, "a worker was restarted"
    print(f"\n{mode} shutdown: recovered {recovered_in:.2f} s after PostgreSQL was back")

    log = server.log.read_text()[len(log_before) :]
    assert "Traceback" not in log and "Internal Server Error" not in log, log
    assert "Service Unavailable:" not in log, "each 503 logged: the outage should be logged once"
    outage_lines = log.count("Database unavailable")
    assert 1 <= outage_lines <= len(workers), log  # once per worker process, not once per request
    assert log.count("Database reachable again") >= 1, log


@pytest.mark.parametrize("mode", ["fast", "immediate"])
def test_a_restart_between_requests_leaves_no_broken_connection(cluster: Cluster, server: Server, mode: str) -> None:
    """Each worker keeps its connection (CONN_MAX_AGE); a restart with no request in between breaks it, and
    the next request must notice (CONN_HEALTH_CHECKS) and reconnect instead of failing on the dead one."""
    if not cluster.running():
        cluster.start()
        _await_recovery(server)
    session = _signed_in(server)
    _assert_up(server, session)
    workers = server.workers()
    cluster.stop(mode)
    cluster.start()
    _assert_up(server, session)  # the first request of each worker included
    assert server.workers() == workers
