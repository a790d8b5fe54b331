"""Shared fixtures: the seeded record (loaded once per run) and the personas of STYLE.md."""

import contextlib
import os

import pytest
from django.contrib.auth import get_user_model
from django.db import connection

from accounts.services import profile_for
from interchange.seed import seed_record
from negotiations.models import Agreement
from parties.models import State

IN_CI = os.environ.get("CI", "").lower() == "true"

# Suites that start real servers, browsers or fresh copies of the repository. `make test` runs them everywhere;
# CI runs them once, in its PostgreSQL pass, and deselects them (-m "not slow") on the embedded defaults.
SLOW_SUITES = (
    "tests/api/test_schemathesis.py",
    "tests/browser/",
    "tests/notifications/test_faults.py",
    "tests/test_redis_outage.py",
    "tests/test_database_outage.py",
    "tests/test_make_run.py",
    "tests/test_readme_commands.py",
)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    root = config.rootpath
    for item in items:
        where = item.path.relative_to(root).as_posix()
        if where.startswith(SLOW_SUITES):
            item.add_marker(pytest.mark.slow)


def need_service(reason: str) -> None:
    """Skip on a newcomer's machine when a service is missing; in CI a missing service is a failure."""
    if IN_CI:
        pytest.fail(f"{reason} (CI=true: services must be present)")
    pytest.skip(reason)


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup: None, django_db_blocker: object) -> None:
    """Seed the test database once. Transactional tests (serialized_rollback=True) restore this state."""
    from django.db import connections

    with django_db_blocker.unblock():
        seed_record()
        for alias in connections:
            connections[alias]._test_serialized_contents = connections[alias].creation.serialize_db_to_string()


@pytest.fixture
def on_postgres() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL-only behaviour; run with DATABASE_URL=postgres://… (see README)")


def _user(username: str, states: list[str] = (), superuser: bool = False) -> object:
    user = get_user_model().objects.create_user(
        username=username, password="pw", email=f"{username}@example.org", is_superuser=superuser, is_staff=superuser
    )
    if states:
        profile_for(user).states.add(*State.objects.filter(alpha3__in=states))
    return user


@pytest.fixture
def analyst(db: None) -> object:
    return _user("analyst")


@pytest.fixture
def official_jp(db: None) -> object:
    return _user("official-jp", ["JPN"])


@pytest.fixture
def official_fr(db: None) -> object:
    return _user("official-fr", ["FRA"])


@pytest.fixture
def administrator(db: None) -> object:
    return _user("admin", superuser=True)


@pytest.fixture
def japan_australia(db: None) -> Agreement:
    return Agreement.objects.get(slug="japan-australia-raa")


@pytest.fixture
def france_japan(db: None) -> Agreement:
    return Agreement.objects.get(slug="france-japan-raa")


@pytest.fixture(autouse=True)
def _fresh_cache() -> None:
    """Each test starts with an empty cache: user ids repeat after a rollback, so one test's throttle history
    (1,200 requests a minute per user) would otherwise throttle a later test's requests."""
    from django.core.cache import cache

    from raa_tracker.cache import CacheUnavailable

    with contextlib.suppress(CacheUnavailable):
        cache.clear()


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings: object) -> None:
    """Hashing is PBKDF2 in production; tests need no key stretching."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def database_text() -> str:
    """Every value of every table, as text: what a database dump would show."""
    chunks = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            cursor.execute(f'SELECT * FROM "{table}"')
            chunks.extend(repr(row) for row in cursor.fetchall())
    return "\n".join(chunks)


@pytest.fixture
def seeded(transactional_db: None) -> None:
    """The verified record, loaded again when an earlier transactional test has flushed the database.

    serialized_rollback restores it for most transactional tests, but not after the live server's tests
    (Django's LiveServerThread leaves the restored contents unreliable), so tests that need it ask for it."""
    if not State.objects.exists():
        seed_record()
