"""`make run` in a real terminal (tmux): Ctrl-C, or SIGTERM to make, stops web, worker and beat cleanly.

Clean means: no "Segmentation fault" (the old `trap 'kill 0'` recipe re-entered itself), no traceback, nothing
killed for taking too long, the exit status of an interrupted or terminated make, and no process of the copy
left behind. A fresh copy of the working tree is served on a free port with a plain shell's environment.
"""

import contextlib
import os
import re
import shutil
import signal
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.conftest import need_service
from tests.fresh_copy import make_fresh_copy, plain_env
from tests.processes import free_port

# `make run` in the copy always uses the embedded defaults (plain_env drops DATABASE_URL and REDIS_URL); CI runs
# this module once, in its PostgreSQL pass (the `slow` marker, tests/conftest.py).

START_SECONDS = 240  # the first run migrates and seeds the copy
STOP_SECONDS = 40  # devrun.py kills what is left after 20 s; the worker's warm shutdown takes a few


def wait_for(condition: Callable[[], object], seconds: float, what: Callable[[], str]) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"gave up after {seconds} s waiting: {what()}")
        time.sleep(0.3)


@dataclass
class Terminal:
    """An interactive bash in its own tmux server, in the copy, as a developer's terminal would be."""

    socket_name: str
    repo: Path

    def tmux(self, *args: str) -> str:
        result = subprocess.run(
            ["tmux", "-L", self.socket_name, *args], capture_output=True, text=True, timeout=30, cwd="/"
        )
        assert result.returncode == 0, result.stderr
        return result.stdout

    def type(self, *keys: str) -> None:
        self.tmux("send-keys", "-t", "raa", *keys)

    def screen(self) -> str:
        return self.tmux("capture-pane", "-p", "-J", "-S", "-", "-t", "raa")

    def shell_pid(self) -> int:
        return int(self.tmux("display-message", "-p", "-t", "raa", "#{pane_pid}").strip())

    def processes(self) -> dict[int, str]:
        """Every process running in the copy (by working directory or command line), but the terminal's shell."""
        found, shell = {}, self.shell_pid()
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit() or int(entry.name) == shell:
                continue
            try:
                cwd = os.readlink(entry / "cwd")
                command = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace").strip()
            except OSError:  # ended meanwhile, or not ours to read
                continue
            if command and not command.startswith("tmux ") and (cwd == str(self.repo) or str(self.repo) in command):
                found[int(entry.name)] = command
        return found


@pytest.fixture(scope="module")
def repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    if not shutil.which("tmux"):
        need_service("tmux is not installed (apt-get install tmux)")
    return make_fresh_copy(tmp_path_factory.mktemp("make-run") / "repo")


@pytest.fixture
def terminal(repo: Path) -> Iterator[Terminal]:
    name = f"raa-make-run-{os.getpid()}-{time.monotonic_ns()}"
    terminal = Terminal(name, repo)
    subprocess.run(
        ["tmux", "-L", name, "-f", "/dev/null", "new-session", "-d", "-s", "raa", "-x", "200", "-y", "50"]
        + ["-c", str(repo), "bash --norc --noprofile -i"],
        env=plain_env(HISTFILE="/dev/null"),
        cwd="/",
        check=True,
        timeout=30,
    )
    try:
        yield terminal
    finally:
        left = terminal.processes()
        subprocess.run(["tmux", "-L", name, "kill-server"], capture_output=True, timeout=30)
        (Path(os.environ.get("TMUX_TMPDIR", "/tmp")) / f"tmux-{os.getuid()}" / name).unlink(missing_ok=True)
        for pid in left:  # only what this test started in its own copy
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)


def answers(port: int) -> bool:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as response:
            return response.status == 200
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return False


def start_make_run(terminal: Terminal) -> int:
    """`make run` typed into the terminal; returns once the web server answers and worker and beat are up."""
    port = free_port()
    terminal.type(f"make run PORT={port}", "Enter")
    wait_for(
        lambda: (
            answers(port)
            and re.search(r"worker \| .*celery@\S+ ready\.", terminal.screen())
            and "beat: Starting..." in terminal.screen()
        ),
        START_SECONDS,
        lambda: f"web on {port}, worker ready and beat started:\n{terminal.screen()[-3000:]}",
    )
    commands = " | ".join(terminal.processes().values())
    for part in ("manage.py runserver", "celery -A raa_tracker worker", "celery -A raa_tracker beat", "make run"):
        assert part in commands, f"{part!r} is not running: {commands}"
    return port


def assert_stopped_cleanly(terminal: Terminal, port: int, statuses: set[int]) -> None:
    wait_for(
        lambda: not terminal.processes(),
        STOP_SECONDS,
        lambda: f"processes left: {terminal.processes()}\n{terminal.screen()[-3000:]}",
    )
    terminal.type("echo EXIT:$?", "Enter")
    wait_for(lambda: re.search(r"^EXIT:\d+$", terminal.screen(), re.MULTILINE), 30, terminal.screen)
    screen = terminal.screen()
    status = int(re.findall(r"^EXIT:(\d+)$", screen, re.MULTILINE)[-1])
    assert status in statuses, screen[-3000:]
    assert "Segmentation fault" not in screen
    assert "Traceback" not in screen, screen
    assert "SIGKILL" not in screen, "a process had to be killed:\n" + screen[-3000:]
    for name in ("web", "worker", "beat"):
        assert re.search(rf"system \| {name} stopped", screen), screen[-3000:]
    assert not answers(port)


def test_ctrl_c_stops_web_worker_and_beat(terminal: Terminal) -> None:
    port = start_make_run(terminal)
    terminal.type("C-c")
    assert_stopped_cleanly(terminal, port, {0, 130})


def test_sigterm_to_make_stops_web_worker_and_beat(terminal: Terminal) -> None:
    port = start_make_run(terminal)
    (make,) = [pid for pid, command in terminal.processes().items() if command.startswith("make run")]
    os.kill(make, signal.SIGTERM)
    # make passes SIGTERM on, waits, then ends by the same signal: 128 + 15.
    assert_stopped_cleanly(terminal, port, {0, 143})
