"""No Docker engine runs here, so docker-compose.yml is checked by reading it: each service's command must
name modules, settings, commands and variables that exist in this repository."""

import importlib
import re
from pathlib import Path

import pytest
import yaml
from django.core.management import get_commands

ROOT = Path(__file__).resolve().parent.parent
COMPOSE = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
SERVICES = COMPOSE["services"]
SETTINGS_SOURCE = (ROOT / "raa_tracker" / "settings.py").read_text()
LONG_RUNNING = ["postgres", "redis", "web", "worker", "beat"]


def test_compose_has_the_services_of_a_deployment() -> None:
    assert set(LONG_RUNNING) <= set(SERVICES)
    for name in LONG_RUNNING:
        assert "healthcheck" in SERVICES[name], f"{name} has no health check"
        assert SERVICES[name]["healthcheck"]["test"], name


def test_database_has_a_volume() -> None:
    assert "pgdata" in COMPOSE["volumes"]
    assert "pgdata:/var/lib/postgresql/data" in SERVICES["postgres"]["volumes"]


@pytest.mark.parametrize("name", ["web", "worker", "beat", "migrate"])
def test_app_services_read_only_variables_that_settings_know(name: str) -> None:
    service = SERVICES[name]
    assert service["build"] == "."
    for variable in service["environment"]:
        assert re.search(rf'"{variable}"', SETTINGS_SOURCE), f"settings.py never reads {variable}"
    assert service["environment"]["DEBUG"] == "false"
    assert (
        service["environment"]["DATABASE_URL"].startswith("postgres://")
        and "@postgres:5432/" in service["environment"]["DATABASE_URL"]
    )
    assert service["environment"]["REDIS_URL"] == "redis://redis:6379/0"
    assert "${SECRET_KEY:?" in service["environment"]["SECRET_KEY"], "no default secret in production"


def test_web_runs_gunicorn_on_the_wsgi_application() -> None:
    command = SERVICES["web"]["command"]
    assert command[0] == "gunicorn"
    module, attribute = command[1].split(":")
    assert callable(getattr(importlib.import_module(module), attribute))
    assert "/healthz" in str(SERVICES["web"]["healthcheck"]["test"])


@pytest.mark.parametrize("name", ["worker", "beat"])
def test_celery_services_name_the_celery_app(name: str) -> None:
    command = SERVICES[name]["command"]
    assert command[:3] == ["celery", "-A", "raa_tracker"] and command[3] == name
    from raa_tracker import celery_app

    assert celery_app.main == "raa_tracker"


def test_migrate_runs_commands_that_exist() -> None:
    script = SERVICES["migrate"]["command"][-1]
    commands = re.findall(r"manage\.py (\w+)", script)
    assert commands == ["migrate", "seed"]
    assert set(commands) <= set(get_commands())


def test_dockerfile_installs_the_requirements_and_runs_as_non_root() -> None:
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert "pip install --no-cache-dir -r requirements.txt" in dockerfile
    assert re.search(r"^USER (?!root)\w+", dockerfile, re.MULTILINE)
    assert "collectstatic" in dockerfile
