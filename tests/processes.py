"""Child processes of the tests (servers, workers): stopped gently, then for good."""

import subprocess


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
