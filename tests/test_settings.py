"""Production settings pass `check --deploy`; malformed environment values stop start-up, naming the variable;
the development .env is read when present, the environment winning over it.

Every subprocess here gets ENV_FILE= (read no file), so that a developer's .env cannot supply what a test leaves
out on purpose (SECRET_KEY with DEBUG=false), unless the test names a file itself."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PRODUCTION = {
    "DEBUG": "false",
    "SECRET_KEY": "x7!kq2-production-secret-for-the-deploy-check-9f3a1c5e7b2d4f6a8c0e",
    "ALLOWED_HOSTS": "raa.example.org",
    "DATABASE_URL": "sqlite:////tmp/raa-deploy-check.sqlite3",
}


def _manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    unset = ("DEBUG", "SECRET_KEY", "DATABASE_URL", "REDIS_URL", "DJANGO_ALLOW_ASYNC_UNSAFE")
    base = {k: v for k, v in os.environ.items() if k not in unset} | {"ENV_FILE": ""}
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env={**base, **env}, capture_output=True, text=True, timeout=120
    )


def test_check_deploy_is_clean_with_production_settings() -> None:
    result = _manage("check", "--deploy", "--fail-level", "DEBUG", **PRODUCTION)
    assert result.returncode == 0, result.stderr
    assert "System check identified no issues" in result.stdout
    assert "WARNING" not in result.stderr + result.stdout


def test_production_has_no_default_secret_key() -> None:
    env = {k: v for k, v in PRODUCTION.items() if k != "SECRET_KEY"}
    result = _manage("check", **env)
    assert result.returncode != 0
    assert "SECRET_KEY must be set when DEBUG is false" in result.stderr


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("DEBUG", "maybe", "DEBUG must be true or false, got 'maybe'"),
        ("DATABASE_URL", "mysql://db/x", "DATABASE_URL must start with sqlite:// or postgres://"),
        ("DATABASE_URL", "postgres://host:5432/", "DATABASE_URL names no database"),
        ("REDIS_URL", "http://localhost:6379", "REDIS_URL must start with redis://"),
        ("EMAIL_URL", "carrier-pigeon://", "EMAIL_URL must be smtp://"),
        ("EMAIL_URL", "filemail://relative/path", "EMAIL_URL filemail:// needs an absolute path"),
        ("PUBLIC_READ", "sometimes", "PUBLIC_READ must be true or false"),
        ("DATABASE_CONN_MAX_AGE", "a minute", "DATABASE_CONN_MAX_AGE must be a whole number"),
    ],
)
def test_malformed_value_stops_start_up_naming_the_variable(name: str, value: str, message: str) -> None:
    result = _manage("check", **{**PRODUCTION, name: value})
    assert result.returncode != 0
    assert message in result.stderr
    assert "Traceback" not in result.stderr.splitlines()[-1]


def test_email_url_file_backend_keeps_absolute_path(tmp_path: Path) -> None:
    result = _manage(
        "shell",
        "-c",
        "from django.conf import settings; print(settings.EMAIL_BACKEND, settings.EMAIL_FILE_PATH)",
        **{**PRODUCTION, "EMAIL_URL": f"filemail://{tmp_path}"},
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1].split() == [
        "django.core.mail.backends.filebased.EmailBackend",
        str(tmp_path),
    ]


SHOW = "from django.conf import settings; print(settings.DEBUG, settings.SECRET_KEY, settings.PUBLIC_READ)"


def test_env_file_is_read_and_the_environment_wins(tmp_path: Path) -> None:
    env_file = tmp_path / "dev.env"
    env_file.write_text("# written by make\nDEBUG=true\nSECRET_KEY=from-the-file\nPUBLIC_READ=false\n")
    result = _manage("shell", "-c", SHOW, ENV_FILE=str(env_file), PUBLIC_READ="true")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1].split() == ["True", "from-the-file", "True"]


def test_without_an_env_file_debug_is_off_and_a_secret_key_is_required(tmp_path: Path) -> None:
    """ENV_FILE= reads nothing: the production defaults hold."""
    result = _manage("shell", "-c", SHOW, ENV_FILE="")
    assert result.returncode != 0
    assert "SECRET_KEY must be set when DEBUG is false" in result.stderr


def test_a_missing_named_env_file_stops_start_up(tmp_path: Path) -> None:
    result = _manage("check", **{**PRODUCTION, "ENV_FILE": str(tmp_path / "missing.env")})
    assert result.returncode != 0
    assert "ENV_FILE names no readable file" in result.stderr


def test_the_image_leaves_out_the_env_file() -> None:
    """Production never reads a developer's .env: `docker build` does not copy it into the image."""
    assert ".env" in (ROOT / ".dockerignore").read_text().split()
