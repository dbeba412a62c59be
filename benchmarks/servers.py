"""Streamlit servers for the benchmarks: loopback only, a free port, the shipped settings.

Every server runs `streamlit run` from the project root, so `.streamlit/config.toml` (the
settings a town runs) applies to the app and to the floor page alike. `counting=True` starts
the same server through `benchmarks.counted_streamlit`, which logs every SQL statement the
process executes to a file (the projection's query count), and nothing else differs.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType

from ctg_workshop.db import PROJECT_ROOT

HOST = "127.0.0.1"
APP = PROJECT_ROOT / "app.py"
FLOOR_PAGE = Path(__file__).resolve().parent / "floor_page.py"
SQL_LOG_ENV = "CTG_BENCH_SQL_LOG"
PROFILE_DIR_ENV = "CTG_BENCH_PROFILE_DIR"
NODELAY_ENV = "CTG_BENCH_NODELAY"
STARTUP_TIMEOUT_S = 60.0
STOP_TIMEOUT_S = 10.0


class ServerError(RuntimeError):
    """The server did not start: the message carries the end of its log."""


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


@dataclass
class Server:
    url: str
    process: subprocess.Popen[bytes]
    log_path: Path
    sql_log: Path | None

    @property
    def pid(self) -> int:
        return self.process.pid

    def log_tail(self, chars: int = 3000) -> str:
        try:
            return self.log_path.read_text(encoding="utf-8", errors="replace")[-chars:]
        except OSError:
            return ""

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=STOP_TIMEOUT_S)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=STOP_TIMEOUT_S)

    def __enter__(self) -> Server:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()


def _healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
            return response.status == 200
    except (urllib.error.URLError, ConnectionError, TimeoutError, OSError):
        return False


def _command(script: Path, port: int, *, counting: bool) -> list[str]:
    runner = ["-m", "benchmarks.counted_streamlit"] if counting else ["-m", "streamlit"]
    return [
        sys.executable,
        *runner,
        "run",
        str(script),
        "--server.headless",
        "true",
        "--browser.gatherUsageStats",
        "false",
        "--server.address",
        HOST,
        "--server.port",
        str(port),
        "--server.fileWatcherType",
        "none",
    ]


def start_server(
    script: Path,
    database_url: str,
    workdir: Path,
    *,
    counting: bool = False,
    profile_dir: Path | None = None,
    nodelay: bool = False,
    name: str = "app",
) -> Server:
    """Start `streamlit run script` on a free loopback port; return once it answers /health.

    `counting`: log every SQL statement (`Server.sql_log`); `profile_dir`: profile every script
    run there; `nodelay`: Nagle's algorithm off (a diagnostic, not the shipped set-up). These go
    through `benchmarks.counted_streamlit`; without them, the plain `streamlit` command runs."""
    port = free_port()
    log_path = Path(tempfile.mkstemp(prefix=f"{name}-", suffix=".log", dir=workdir)[1])
    sql_log = workdir / f"{name}-sql.log" if counting else None
    env = {**os.environ, "CTG_DATABASE_URL": database_url, "PYTHONUNBUFFERED": "1"}
    env.pop(SQL_LOG_ENV, None)
    env.pop(PROFILE_DIR_ENV, None)
    env.pop(NODELAY_ENV, None)
    if sql_log is not None:
        env[SQL_LOG_ENV] = str(sql_log)
    if profile_dir is not None:
        env[PROFILE_DIR_ENV] = str(profile_dir)
    if nodelay:
        env[NODELAY_ENV] = "1"
    instrumented = sql_log is not None or profile_dir is not None or nodelay
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            _command(script, port, counting=instrumented),
            cwd=PROJECT_ROOT,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    server = Server(f"http://{HOST}:{port}", process, log_path, sql_log)
    deadline = time.monotonic() + STARTUP_TIMEOUT_S
    while time.monotonic() < deadline and process.poll() is None:
        if _healthy(server.url):
            return server
        time.sleep(0.2)
    server.stop()
    raise ServerError(f"Le serveur {name} n'a pas démarré. Fin du journal :\n{server.log_tail()}")
