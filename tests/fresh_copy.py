"""A fresh copy of the working tree, as a new clone would be, for tests that run `make` and the README's commands.

The copy holds the git-tracked and the untracked-but-not-ignored files (so no .env, no var/, no caches), with
their modification times kept, and a symlink to the existing .venv, so that make finds its install stamp up to
date and installs nothing. Its processes get the environment of a plain shell: none of the variables that
pytest, make or the developer's .env put into this process.
"""

import os
import shutil
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# Set by pytest(-env), by make for the recipe it runs, or read from the developer's .env by settings.
NOT_IN_A_PLAIN_SHELL = (
    "DEBUG",
    "SECRET_KEY",
    "DATABASE_URL",
    "REDIS_URL",
    "ENV_FILE",
    "DJANGO_SETTINGS_MODULE",
    "DJANGO_ALLOW_ASYNC_UNSAFE",
    "PORT",
    "PYTHONUNBUFFERED",
    "MAKEFLAGS",
    "MFLAGS",
    "MAKELEVEL",
    "MAKEOVERRIDES",
    "TMUX",
    "TMUX_PANE",
)


def plain_env(**extra: str) -> dict[str, str]:
    """This process's environment less what a developer's plain shell would not have."""
    names = set(NOT_IN_A_PLAIN_SHELL) | set(_dotenv_names())
    return {**{k: v for k, v in os.environ.items() if k not in names and not k.startswith("PYTEST_")}, **extra}


def _dotenv_names() -> list[str]:
    """The variables the developer's .env sets: settings copied them into this process's environment."""
    path = ROOT / ".env"
    if not path.is_file():
        return []
    lines = (line.removeprefix("export ").split("=", 1) for line in path.read_text().splitlines())
    return [parts[0].strip() for parts in lines if len(parts) == 2 and not parts[0].lstrip().startswith("#")]


def make_fresh_copy(destination: Path) -> Path:
    """Copy the working tree into destination (which must not exist) and link the existing virtualenv."""
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=ROOT,
        capture_output=True,
        check=True,
    ).stdout.decode()
    destination.mkdir()
    for name in filter(None, listed.split("\0")):
        source = ROOT / name
        if not source.is_file():  # deleted in the working tree but still in the index
            continue
        target = destination / name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(source, target)
    (destination / ".venv").symlink_to(ROOT / ".venv")
    stamp = subprocess.run(["make", "-q", ".venv/.installed"], cwd=destination, env=plain_env(), capture_output=True)
    if stamp.returncode != 0:
        raise RuntimeError("The virtualenv is older than the requirements: run `make test` (or `make run`) once.")
    return destination
