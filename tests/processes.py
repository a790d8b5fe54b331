"""Child processes of the tests (servers, workers): a port to serve on, and a stop, gently, then for good."""

import socket
import subprocess


def free_port() -> int:
    """A loopback port that nothing listens on now (the kernel's pick)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def stop(process: subprocess.Popen, seconds: float = 15) -> None:
    """SIGTERM, then SIGKILL if the process is still there after `seconds`; always reaped, so no zombie stays."""
    if process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(timeout=seconds)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
