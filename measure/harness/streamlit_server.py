"""A real Streamlit server of the app on a free loopback port, for the tests and the measurements.

    with start_streamlit(database_url) as server:
        ...  # server.url ("http://127.0.0.1:PORT"), server.pid, server.log_text()

The server runs headless from the project root (so `.streamlit/config.toml` applies), with
`CTG_DATABASE_URL` set to the given database, started the way it is deployed: through the
launcher `python serve.py` (TCP_NODELAY on its connections) when the copy of the
project it runs from has it. `runner=PLAIN` runs plain `streamlit run` instead, and
`runner=("-m", "some.module")` any launcher taking the same arguments (`SCRIPT [options…]`).
`start_streamlit` returns once `/_stcore/health` answers 200 — polled until a bounded deadline,
never a fixed sleep — and raises `StreamlitStartError` (with the end of the server's log) if it
never does. `stop()` ends the process it started (SIGTERM, then SIGKILL after a grace period)
and is safe to call twice.

The port, the polling and the stopping are `processes`'s, shared with `nginx.py`. Standard
library only.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import urllib.error
import urllib.request
from collections.abc import Mapping, Sequence
from pathlib import Path

from measure import PROJECT_ROOT
from measure.harness.processes import HOST, STOP_TIMEOUT_S, ServerProcess, free_port, wait_until

APP_PATH = PROJECT_ROOT / "app.py"
STARTUP_TIMEOUT_S = 60.0
_LOG_TAIL_CHARS = 4000
_PORT_ATTEMPTS = 3
# How the server is started: `python <runner…> SCRIPT [options…]`.
SERVE = ("-m", "serve")  # the launcher of the deployment (TCP_NODELAY)
PLAIN = ("-m", "streamlit", "run")  # Streamlit's own command, Nagle's algorithm left on


class StreamlitStartError(RuntimeError):
    """The server did not become healthy: the message carries the end of its log."""


def default_runner(cwd: Path) -> tuple[str, ...]:
    """The launcher of the copy of the project in `cwd` (`SERVE`), or `PLAIN` for an older copy
    that has none (a « before » measured by a script's `--app-dir`)."""
    return SERVE if (cwd / "serve.py").is_file() else PLAIN


class StreamlitServer(ServerProcess):
    """A running server: its base URL, its PID (for CPU/memory sampling), its log."""

    LOG_NAME = "streamlit.log"

    @property
    def health_url(self) -> str:
        return f"{self.url}/_stcore/health"

    def kill(self, timeout: float = STOP_TIMEOUT_S) -> None:
        """SIGKILL, as a crash (nothing runs in the server); the log stays until `stop()`."""
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=timeout)


def _command(app: Path, port: int, extra_args: Sequence[str], runner: Sequence[str]) -> list[str]:
    return [
        sys.executable,
        *runner,
        str(app),
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
        "--server.runOnSave",
        "false",
        *extra_args,
    ]


def _is_healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return response.status == 200
    except (urllib.error.URLError, ConnectionError, TimeoutError, OSError):
        return False


def _wait_healthy(server: StreamlitServer, timeout: float) -> bool:
    """Poll the health endpoint until it answers 200, the process dies, or the deadline."""
    return wait_until(lambda: _is_healthy(server.health_url), server.running, timeout)


def _launch(
    database_url: str,
    port: int,
    env: Mapping[str, str] | None,
    app: Path,
    extra_args: Sequence[str],
    cwd: Path,
    runner: Sequence[str],
) -> StreamlitServer:
    workdir = Path(tempfile.mkdtemp(prefix="ctg-streamlit-"))
    log_path = workdir / StreamlitServer.LOG_NAME
    environment = {**os.environ, **(env or {}), "CTG_DATABASE_URL": database_url}
    environment.setdefault("PYTHONUNBUFFERED", "1")
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            _command(app, port, extra_args, runner),
            cwd=cwd,
            env=environment,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    return StreamlitServer(url=f"http://{HOST}:{port}", port=port, process=process, directory=workdir)


def start_streamlit(
    database_url: str,
    port: int | None = None,
    env: dict[str, str] | None = None,
    *,
    app: Path = APP_PATH,
    extra_args: Sequence[str] = (),
    startup_timeout: float = STARTUP_TIMEOUT_S,
    cwd: Path = PROJECT_ROOT,
    runner: Sequence[str] | None = None,
) -> StreamlitServer:
    """Start `streamlit run app.py` on loopback with `CTG_DATABASE_URL=database_url`.

    `port=None` picks a free port (and retries with another one if it was taken in between);
    `env` adds variables to the server's environment; `extra_args` are more `streamlit run`
    options (for example `["--server.enableXsrfProtection", "false"]`); `cwd` is where the
    server runs (its `.streamlit/config.toml` applies), the project root by default; `runner`
    starts it: `SERVE` (the deployment's launcher), `PLAIN` (`streamlit run`), or by default
    `default_runner(cwd)`.
    """
    runner = default_runner(cwd) if runner is None else runner
    attempts = 1 if port is not None else _PORT_ATTEMPTS
    last_log = ""
    for _ in range(attempts):
        server = _launch(database_url, port or free_port(), env, app, extra_args, cwd, runner)
        if _wait_healthy(server, startup_timeout):
            return server
        last_log = server.log_text()[-_LOG_TAIL_CHARS:]
        exited = not server.running()
        server.stop()
        if not exited:
            break  # alive but never healthy: another port will not help
    raise StreamlitStartError(
        f"Le serveur Streamlit n'a pas démarré (santé /_stcore/health non atteinte en "
        f"{startup_timeout:.0f} s). Fin du journal :\n{last_log}"
    )
