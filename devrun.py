"""`make run`'s supervisor: the Procfile's processes side by side, stopped together the way Ctrl-C stops each.

Every process runs in its own process group, so a terminal's Ctrl-C reaches only this supervisor (and make),
which then sends SIGINT to each group: runserver and beat exit, the Celery worker makes its warm shutdown
while its pool children, which ignore SIGINT, finish their tasks. SIGTERM (from make, which passes it on)
stops them the same way. A group still alive after STOP_SECONDS is killed, a second Ctrl-C kills at once.
When one process ends by itself, the others are stopped too. Exit status: 128 + the signal (130, 143) when
stopped by one, otherwise that of the first process to end.

Not honcho: it sends SIGTERM to every group, which kills the worker's pool children under it (error lines
and a pool restart mid-shutdown), and kills whatever is left after a fixed 5 s, shorter than the worker's
warm shutdown on the file-system broker (4 to 7 s); neither is configurable.
"""

import contextlib
import os
import re
import signal
import subprocess
import sys
import threading
import time
from datetime import datetime
from pathlib import Path
from typing import IO

STOP_SECONDS = 20.0
PROCFILE_LINE = re.compile(r"^([A-Za-z0-9_-]+):\s*(.+)$")


def read_procfile(path: Path) -> dict[str, str]:
    """Process name -> shell command, in file order; other lines (comments) are ignored."""
    lines = (PROCFILE_LINE.match(line) for line in path.read_text().splitlines())
    return {match[1]: match[2] for match in lines if match}


class Supervisor:
    """Runs the processes, relays their output with a time and name prefix, and stops them together."""

    def __init__(self, processes: dict[str, str]) -> None:
        self.processes = processes
        self.width = max(len(name) for name in [*processes, "system"])
        self.lock = threading.Lock()
        self.children: dict[str, subprocess.Popen] = {}
        self.signals: list[int] = []

    def say(self, name: str, text: str) -> None:
        with self.lock:
            sys.stdout.write(f"{datetime.now():%H:%M:%S} {name:<{self.width}} | {text}\n")
            sys.stdout.flush()

    def relay(self, name: str, stream: IO[bytes]) -> None:
        for raw in iter(stream.readline, b""):
            self.say(name, raw.decode(errors="replace").rstrip("\r\n"))

    def on_signal(self, signum: int, _frame: object) -> None:
        self.signals.append(signum)

    def alive(self, name: str) -> bool:
        """Whether anything of the process's group still runs (its leader, once reaped, or a child it left)."""
        child = self.children[name]
        child.poll()
        try:
            os.killpg(child.pid, 0)
        except (ProcessLookupError, PermissionError):
            return False
        return True

    def signal_groups(self, signum: int) -> None:
        for name, child in self.children.items():
            if self.alive(name):
                self.say("system", f"sending {signal.Signals(signum).name} to {name} (pid {child.pid})")
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(child.pid, signum)

    def run(self) -> int:
        signal.signal(signal.SIGINT, self.on_signal)
        signal.signal(signal.SIGTERM, self.on_signal)
        for name, command in self.processes.items():
            child = subprocess.Popen(
                ["/bin/sh", "-c", command],
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                start_new_session=True,
            )
            self.children[name] = child
            threading.Thread(target=self.relay, args=(name, child.stdout), daemon=True).start()
            self.say("system", f"{name} started (pid {child.pid}): {command}")
        first_exit: int | None = None
        while not self.signals and first_exit is None:
            time.sleep(0.1)
            for name, child in self.children.items():
                if child.poll() is not None:
                    self.say("system", f"{name} ended (exit status {child.returncode}); stopping the others")
                    first_exit = child.returncode
                    break
        if self.signals:
            self.say("system", f"{signal.Signals(self.signals[0]).name} received: stopping")
        self.stop()
        if self.signals:
            return 128 + self.signals[0]
        return 128 - first_exit if first_exit < 0 else first_exit

    def stop(self) -> None:
        """SIGINT to every group, then SIGKILL to what is left after STOP_SECONDS or a second signal."""
        handled = len(self.signals)
        self.signal_groups(signal.SIGINT)
        deadline = time.monotonic() + STOP_SECONDS
        while any(self.alive(name) for name in self.children):
            if time.monotonic() > deadline or len(self.signals) > handled:
                self.signal_groups(signal.SIGKILL)
                deadline = float("inf")
                handled = len(self.signals)
            time.sleep(0.1)
        for name, child in self.children.items():
            self.say("system", f"{name} stopped (exit status {child.returncode})")


def main(argv: list[str]) -> int:
    procfile = Path(argv[1] if len(argv) > 1 else "Procfile")
    return Supervisor(read_procfile(procfile)).run()


if __name__ == "__main__":
    sys.exit(main(sys.argv))
