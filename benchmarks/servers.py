"""Streamlit servers for the benchmarks: loopback only, a free port, the shipped settings.

Every server runs from the project root, so `.streamlit/config.toml` (the settings a town
runs) applies to the app and to the floor page alike, and starts the way the app is deployed:
through the launcher `python serve.py` (TCP_NODELAY on every connection).
`nodelay=False` runs plain `streamlit run` instead (Nagle's algorithm on: what the launcher
saves). `counting=True` starts the same server through `benchmarks.counted_streamlit`, which
logs every SQL statement the process executes to a file (the projection's query count), and
nothing else differs. Starting, waiting for /_stcore/health and stopping are
`tests.support.streamlit_server.start_streamlit`'s, the same as for the tests.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from types import TracebackType

from ctg_workshop.storage.db import PROJECT_ROOT
from tests.support.streamlit_server import PLAIN, SERVE, StreamlitServer, StreamlitStartError, start_streamlit

APP = PROJECT_ROOT / "app.py"
FLOOR_PAGE = Path(__file__).resolve().parent / "floor_page.py"
SQL_LOG_ENV = "CTG_BENCH_SQL_LOG"
PROFILE_DIR_ENV = "CTG_BENCH_PROFILE_DIR"
NODELAY_ENV = "CTG_BENCH_NODELAY"
COUNTED = ("-m", "benchmarks.counted_streamlit")


@dataclass
class Server:
    """A running benchmark server: its URL, its PID and, when counting, its SQL log."""

    streamlit: StreamlitServer
    sql_log: Path | None

    @property
    def url(self) -> str:
        return self.streamlit.url

    @property
    def pid(self) -> int:
        return self.streamlit.pid

    def stop(self) -> None:
        self.streamlit.stop()

    def __enter__(self) -> Server:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()


def start_server(
    script: Path,
    database_url: str,
    workdir: Path,
    *,
    counting: bool = False,
    profile_dir: Path | None = None,
    nodelay: bool = True,
    name: str = "app",
) -> Server:
    """Start `script` on a free loopback port; return once it answers /_stcore/health.

    `counting`: log every SQL statement (`Server.sql_log`); `profile_dir`: profile every script
    run there (both through `benchmarks.counted_streamlit`); `nodelay=False`: plain
    `streamlit run`, without the launcher's TCP_NODELAY (a diagnostic, not the shipped set-up).
    Raises `StreamlitStartError` (with the end of the server's log) if it does not start."""
    sql_log = workdir / f"{name}-sql.log" if counting else None
    env = {
        SQL_LOG_ENV: str(sql_log or ""),
        PROFILE_DIR_ENV: str(profile_dir or ""),
        NODELAY_ENV: "1" if nodelay else "0",
    }
    instrumented = sql_log is not None or profile_dir is not None
    runner = COUNTED if instrumented else (SERVE if nodelay else PLAIN)
    try:
        server = start_streamlit(database_url, env=env, app=script, cwd=PROJECT_ROOT, runner=runner)
    except StreamlitStartError as error:
        raise StreamlitStartError(f"Serveur {name} : {error}") from error
    return Server(server, sql_log)
