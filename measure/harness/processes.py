"""What every server of the harness shares: a free loopback port, a bounded wait on a readiness
signal (never a fixed sleep), and a started server process (`ServerProcess`) that stops with its
working directory, as a context manager.

Standard library only.
"""

from __future__ import annotations

import shutil
import signal
import socket
import subprocess
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType
from typing import ClassVar, Self

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


@dataclass
class ServerProcess:
    """A server we started on loopback: its URL and port, its process, its own directory (log,
    configuration), removed when it stops. `with` stops it on the way out."""

    STOP_SIGNAL: ClassVar[signal.Signals] = signal.SIGTERM
    LOG_NAME: ClassVar[str] = "server.log"

    url: str
    port: int
    process: subprocess.Popen[bytes]
    directory: Path = field(repr=False)

    @property
    def pid(self) -> int:
        return self.process.pid

    @property
    def log_path(self) -> Path:
        return self.directory / self.LOG_NAME

    def running(self) -> bool:
        return self.process.poll() is None

    def log_text(self) -> str:
        try:
            return self.log_path.read_text(encoding="utf-8", errors="replace")
        except OSError:
            return ""

    def stop(self, timeout: float = STOP_TIMEOUT_S) -> None:
        """`STOP_SIGNAL`, SIGKILL after `timeout`; then remove the directory. Safe to call twice."""
        try:
            stop_process(self.process, self.STOP_SIGNAL, timeout)
        finally:
            shutil.rmtree(self.directory, ignore_errors=True)

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()
