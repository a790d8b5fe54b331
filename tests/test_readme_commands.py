"""Every `.venv/bin/python manage.py …` line of the README's sh blocks works as typed in a plain shell after `make run`.

In a fresh copy of the working tree, with no DEBUG, SECRET_KEY, DATABASE_URL or REDIS_URL in the environment,
the test runs the step `make run` runs first (`make seed`: migrate, the record, demo users; it writes .env), then
each line, by the rule RULES gives it: as written, or as a harmless variant that still runs the line itself (an
import goes into a new empty database). The API token lines are checked end to end: the printed key works with
the README's own curl examples against a real server. A README line without a rule fails the test.
"""

import os
import re
import secrets
import shutil
import sqlite3
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest

from tests.conftest import need_service
from tests.fresh_copy import ROOT, make_fresh_copy, plain_env
from tests.processes import free_port, stop

# The copy always runs on the embedded defaults (plain_env drops DATABASE_URL and REDIS_URL), and the PostgreSQL
# lines use the README's own server; CI runs this module once, in its PostgreSQL pass (`slow`, tests/conftest.py).

MANAGE = ".venv/bin/python manage.py"
README_PORT = "http://127.0.0.1:8000"


@dataclass(frozen=True)
class Rule:
    """How the test runs the README lines that match `pattern`, and why so."""

    pattern: str
    how: str


RULES = {
    "token": Rule(
        r"^\.venv/bin/python manage\.py create_api_token official-jp --write --expires-days 90$",
        "as written; the printed key authenticates a curl request to the running app (a wrong key is refused)",
    ),
    "api-example": Rule(
        r"^KEY=\$\(\.venv/bin/python manage\.py create_api_token official-jp --write 2>/dev/null\)$",
        "with its whole block, the README's curl examples, against runserver on a free port instead of 8000: "
        "the list answers 200, the transition with the printed key 201",
    ),
    "export": Rule(
        r"^(DEBUG=true )?\.venv/bin/python manage\.py export_record record\.json(\s|$)",
        "as written, from the seeded var/db.sqlite3 into record.json in the copy",
    ),
    "export-records": Rule(
        r"^\.venv/bin/python manage\.py export_records agreements\.xlsx --filter type=RAA(\s|$)",
        "as written, from the seeded var/db.sqlite3: a workbook of the RAAs",
    ),
    "import-records-dry-run": Rule(
        r"^\.venv/bin/python manage\.py import_records agreements\.xlsx --dry-run(\s|$)",
        "as written, on the seeded database, with the workbook export_records wrote: every row unchanged",
    ),
    "import-records": Rule(
        r"^\.venv/bin/python manage\.py import_records agreements\.xlsx(\s+#|$)",
        "as written, on the seeded database: the record's own export changes nothing",
    ),
    "migrate": Rule(
        r"^(DEBUG=true )?\.venv/bin/python manage\.py migrate(\s|$)",
        "as written, with DATABASE_URL (which the README exports before it) naming a new empty database: "
        "PostgreSQL when the tests run on PostgreSQL, else an SQLite file; the README's `raa` database is not touched",
    ),
    "import": Rule(
        r"^(DEBUG=true )?\.venv/bin/python manage\.py import_record record\.json(\s|$)",
        "as written, from the document export_record wrote, into a new empty migrated database (the seeded one "
        "is refused, as the README says): PostgreSQL when the tests run on PostgreSQL, else SQLite",
    ),
}
# README lines the test cannot run, with the reason. None at present.
NOT_RUN: dict[str, str] = {}


def readme_blocks() -> list[list[str]]:
    """The ```sh blocks of README.md, each as its command lines (continuations joined)."""
    blocks, current = [], None
    for line in (ROOT / "README.md").read_text().splitlines():
        if current is None:
            if line.strip() == "```sh":
                current = []
        elif line.strip() == "```":
            blocks.append(current)
            current = None
        elif current and current[-1].endswith("\\"):
            current[-1] += "\n" + line
        else:
            current.append(line)
    return blocks


def manage_lines() -> list[str]:
    return [line for block in readme_blocks() for line in block if MANAGE in line]


def rules_for(line: str) -> list[str]:
    return [name for name, rule in RULES.items() if re.search(rule.pattern, line)] + [
        "not run" for pattern in NOT_RUN if re.search(pattern, line)
    ]


def test_every_readme_manage_line_has_exactly_one_rule() -> None:
    lines = manage_lines()
    assert lines, "the README shows no manage.py line: the extraction is broken"
    unruled = {line: rules_for(line) for line in lines if len(rules_for(line)) != 1}
    assert not unruled, f"README lines without exactly one rule in RULES or NOT_RUN: {unruled}"
    stale = [name for name, rule in RULES.items() if not any(re.search(rule.pattern, line) for line in lines)]
    assert not stale, f"rules that match no README line any more: {stale}"


def shell(repo: Path, command: str, **env: str) -> subprocess.CompletedProcess:
    """A line typed into bash in the copy, with a plain shell's environment."""
    return subprocess.run(
        ["bash", "-e", "-c", command], cwd=repo, env=plain_env(**env), capture_output=True, text=True, timeout=300
    )


def assert_clean(result: subprocess.CompletedProcess, command: str) -> None:
    assert result.returncode == 0, f"{command!r} exited {result.returncode}:\n{result.stdout}\n{result.stderr}"
    assert "Traceback" not in result.stderr + result.stdout, f"{command!r}:\n{result.stderr}"


@pytest.fixture(scope="module")
def repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh copy after the step `make run` runs before serving (migrate, seed --demo-users, .env)."""
    copy = make_fresh_copy(tmp_path_factory.mktemp("readme") / "repo")
    assert not (copy / ".env").exists()
    result = subprocess.run(["make", "seed"], cwd=copy, env=plain_env(), capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stdout + result.stderr
    return copy


@pytest.fixture(scope="module")
def app_url(repo: Path) -> Iterator[str]:
    """The app served from the copy by runserver, as `make run` serves it, on a free port."""
    if not shutil.which("curl"):
        need_service("curl is not installed")
    port = free_port()
    log = (repo / "var" / "runserver.log").open("w")
    server = subprocess.Popen(
        [".venv/bin/python", "manage.py", "runserver", "--noreload", f"127.0.0.1:{port}"],
        cwd=repo,
        env=plain_env(),
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            assert server.poll() is None, (repo / "var" / "runserver.log").read_text()
            try:
                with urllib.request.urlopen(f"{url}/healthz", timeout=2) as response:
                    if response.status == 200:
                        break
            except (urllib.error.URLError, ConnectionError):
                pass
            assert time.monotonic() < deadline, "runserver did not answer within 60 s"
            time.sleep(0.3)
        yield url
    finally:
        stop(server, 10)
        log.close()


def database_of_block(line: str) -> str | None:
    """The DATABASE_URL that the line's README block exports before it, if any."""
    block = next(block for block in readme_blocks() if line in block)
    urls = [match[1] for text in block if (match := re.match(r"^export DATABASE_URL=(\S+)", text))]
    return urls[-1] if urls else None


@pytest.fixture(scope="module")
def new_database(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Callable[[str | None], str]]:
    """A factory of new empty databases, dropped afterwards: on the README's PostgreSQL server (another name
    than its `raa`) when given its URL, else an SQLite file."""
    created: list[tuple[object, str]] = []
    folder = tmp_path_factory.mktemp("databases")

    def new(postgres_url: str | None) -> str:
        name = f"raa_readme_{os.getpid()}_{secrets.token_hex(3)}"
        if postgres_url is None:
            return f"sqlite:///{folder / name}.sqlite3"
        import psycopg2

        parts = urlsplit(postgres_url)
        try:
            admin = psycopg2.connect(urlunsplit(parts._replace(path="/postgres")), connect_timeout=3)
        except psycopg2.OperationalError as error:
            need_service(f"the README's PostgreSQL ({parts.hostname}:{parts.port}) is needed for this line: {error}")
        admin.autocommit = True
        with admin.cursor() as cursor:
            cursor.execute(f"CREATE DATABASE {name}")
        created.append((admin, name))
        return urlunsplit(parts._replace(path=f"/{name}"))

    yield new
    for admin, name in created:
        with admin.cursor() as cursor:
            cursor.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        admin.close()


@pytest.fixture(scope="module")
def migrated_sqlite(repo: Path, new_database: Callable[[str | None], str]) -> Path:
    """An empty, migrated SQLite database, copied for each import into SQLite (migrating takes seconds)."""
    url = new_database(None)
    assert_clean(shell(repo, f"{MANAGE} migrate --noinput", DATABASE_URL=url), "migrate")
    return Path(urlsplit(url).path)


# The database that a block's migrate line made, for the import line after it (as the README runs them).
MIGRATED_BY_README: dict[str | None, str] = {}


def count_agreements_or_none(database_url: str) -> int | None:
    """None when the database has no tables yet."""
    import psycopg2

    try:
        return count_agreements(database_url)
    except psycopg2.errors.UndefinedTable:
        return None


def count_agreements(database_url: str) -> int:
    """Agreements in the database, read directly (a manage.py start costs seconds)."""
    if database_url.startswith("sqlite"):
        with closing(sqlite3.connect(urlsplit(database_url).path)) as connection:
            return connection.execute("SELECT count(*) FROM negotiations_agreement").fetchone()[0]
    import psycopg2

    with closing(psycopg2.connect(database_url)) as connection, connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM negotiations_agreement")
        return cursor.fetchone()[0]


def test_make_writes_env_file_once(repo: Path) -> None:
    env_file = repo / ".env"
    text = env_file.read_text()
    assert "DEBUG=true" in text.splitlines()
    key = re.search(r"^SECRET_KEY=(\S+)$", text, re.MULTILINE)
    assert key and len(key[1]) >= 50
    assert env_file.stat().st_mode & 0o077 == 0, "the file holds a secret: only its owner may read it"
    again = subprocess.run(["make", ".env"], cwd=repo, env=plain_env(), capture_output=True, text=True, timeout=60)
    assert again.returncode == 0, again.stderr
    assert "is up to date" in again.stdout
    assert env_file.read_text() == text, "make must never overwrite an existing .env"


def curl_status(url: str, *options: str) -> str:
    result = subprocess.run(
        ["curl", "-s", "-o", "/dev/null", "-w", "%{http_code}", *options, url], capture_output=True, text=True
    )
    return result.stdout


@pytest.mark.parametrize("line", manage_lines())
def test_readme_line_works_in_a_plain_shell(
    line: str, repo: Path, request: pytest.FixtureRequest, new_database: Callable[[str | None], str]
) -> None:
    (rule,) = rules_for(line) or ["none"]
    if rule == "not run":
        pytest.skip(next(reason for pattern, reason in NOT_RUN.items() if re.search(pattern, line)))
    if rule == "token":
        result = shell(repo, line)
        assert_clean(result, line)
        key = result.stdout.strip().splitlines()[-1]
        url = request.getfixturevalue("app_url") + "/api/v1/agreements/"
        assert curl_status(url, "-H", f"Authorization: Token {key}") == "200"
        assert curl_status(url, "-H", f"Authorization: Token {key}x") == "401"
    elif rule == "api-example":
        block = next(block for block in readme_blocks() if line in block)
        script = "\n".join(block).replace(README_PORT, request.getfixturevalue("app_url"))
        script = script.replace("curl -s ", "curl -s -w '\\nHTTP %{http_code}\\n' ")
        result = shell(repo, script)
        assert_clean(result, script)
        assert re.findall(r"^HTTP (\d+)$", result.stdout, re.MULTILINE) == ["200", "201"], result.stdout
        assert '"status":"agreed_in_principle"' in result.stdout.replace(" ", ""), result.stdout
    elif rule == "export":
        (repo / "record.json").unlink(missing_ok=True)
        assert_clean(shell(repo, line), line)
        header = (repo / "record.json").read_text()[:2000]
        assert '"format"' in header and '"counts"' in header, header
    elif rule == "export-records":
        (repo / "agreements.xlsx").unlink(missing_ok=True)
        result = shell(repo, line)
        assert_clean(result, line)
        assert (repo / "agreements.xlsx").read_bytes()[:2] == b"PK" and "agreements to agreements.xlsx" in result.stdout
    elif rule in ("import-records-dry-run", "import-records"):
        if not (repo / "agreements.xlsx").exists():
            assert_clean(shell(repo, f"{MANAGE} export_records agreements.xlsx --filter type=RAA"), "export_records")
        result = shell(repo, line)
        assert_clean(result, line)
        assert "0 errors" in result.stdout and "created 0, changed 0" in result.stdout, result.stdout
    elif rule == "migrate":
        url = new_database(database_of_block(line))
        assert_clean(shell(repo, line, DATABASE_URL=url), line)
        assert count_agreements(url) == 0
        MIGRATED_BY_README[database_of_block(line)] = url
    elif rule == "import":
        if not (repo / "record.json").exists():
            assert_clean(shell(repo, f"{MANAGE} export_record record.json"), "export_record")
        url = MIGRATED_BY_README.pop(database_of_block(line), None) or new_database(database_of_block(line))
        if url.startswith("sqlite"):
            shutil.copy(request.getfixturevalue("migrated_sqlite"), urlsplit(url).path)
        elif count_agreements_or_none(url) is None:
            assert_clean(shell(repo, f"{MANAGE} migrate --noinput", DATABASE_URL=url), "migrate")
        assert_clean(shell(repo, line, DATABASE_URL=url), line)
        assert count_agreements(url) == count_agreements(f"sqlite:///{repo / 'var' / 'db.sqlite3'}") > 0
    else:
        pytest.fail(f"no rule for README line {line!r}")
