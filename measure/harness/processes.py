"""What every server of the harness shares: a free loopback port, a bounded wait on a readiness
signal (never a fixed sleep), and stopping a process we started.

Standard library only.
"""

from __future__ import annotations

import signal
import socket
import subprocess
import time
from collections.abc import Callable

HOST = "127.0.0.1"
STOP_TIMEOUT_S = 10.0
_POLL_FIRST_S = 0.05
_POLL_MAX_S = 0.5


def free_port() -> int:
    """A TCP port free on the loopback interface right now (the OS picks it)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def wait_until(
    ready: Callable[[], bool],
    alive: Callable[[], bool],
    timeout: float,
    *,
    first: float = _POLL_FIRST_S,
    longest: float = _POLL_MAX_S,
) -> bool:
    """Poll `ready` (pauses doubling from `first` to `longest`) until it is true (True), the
    process it waits for dies (`alive` false: False) or `timeout` seconds pass (False)."""
    deadline = time.monotonic() + timeout
    pause = first
    while time.monotonic() < deadline:
        if not alive():
            return False
        if ready():
            return True
        time.sleep(min(pause, max(0.0, deadline - time.monotonic())))
        pause = min(pause * 2, longest)
    return False


def stop_process(
    process: subprocess.Popen[bytes], sig: signal.Signals = signal.SIGTERM, timeout: float = STOP_TIMEOUT_S
) -> None:
    """Send `sig` to a process we started, SIGKILL it if it is still there after `timeout`."""
    if process.poll() is not None:
        return
    process.send_signal(sig)
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=timeout)
