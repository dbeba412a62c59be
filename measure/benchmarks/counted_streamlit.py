"""The app's server with every SQL statement of the process logged, optionally each script run
profiled (benchmark-only server).

    CTG_BENCH_SQL_LOG=/tmp/sql.log python -m measure.benchmarks.counted_streamlit app.py [options…]
    CTG_BENCH_PROFILE_DIR=/tmp/profiles python -m measure.benchmarks.counted_streamlit app.py [options…]

An SQLAlchemy event on the `Engine` class (every engine the app creates) appends one line per
statement executed — `<unix time>\\t<statement on one line>` — then the server starts as
deployed, through the launcher `serve.py` (TCP_NODELAY on every connection, same
arguments: `SCRIPT [streamlit run options…]`). The projection benchmark counts the aggregate
queries in that file. With `CTG_BENCH_PROFILE_DIR`, each script run (a page or a fragment) is
recorded by pyinstrument and written there as text (`run-<n>.txt`): Streamlit runs scripts in
their own threads, so the profiler wraps the script runner's (private) `_run_script` method — a
benchmark-only patch, never loaded by the app. With `CTG_BENCH_NODELAY=0`, plain `streamlit
run` starts instead of the launcher (Nagle's algorithm on, as without it).

`install_nodelay` is the launcher's (`serve.py`), re-exported here.
"""

from __future__ import annotations

import itertools
import os
import sys
import threading
import time
from pathlib import Path
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Engine

import serve
from serve import install_nodelay

__all__ = ["install_nodelay", "install_profiler", "install_sql_log", "main"]

RUNNER = ("-m", "measure.benchmarks.counted_streamlit")  # a `runner` of the harness's start_streamlit
SQL_LOG_ENV = "CTG_BENCH_SQL_LOG"
PROFILE_DIR_ENV = "CTG_BENCH_PROFILE_DIR"
NODELAY_ENV = "CTG_BENCH_NODELAY"

_lock = threading.Lock()
_runs = itertools.count(1)


def install_sql_log(path: str) -> None:
    """Log every statement executed by any engine of this process to `path`."""

    @event.listens_for(Engine, "before_cursor_execute")
    def _log(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        line = " ".join(statement.split())
        with _lock, open(path, "a", encoding="utf-8") as log:
            log.write(f"{time.time():.3f}\t{line}\n")


def install_profiler(directory: str) -> None:
    """Profile every script run with pyinstrument; one text file per run in `directory`."""
    from pyinstrument import Profiler
    from streamlit.runtime.scriptrunner.script_runner import ScriptRunner

    original = ScriptRunner._run_script
    target = Path(directory)
    target.mkdir(parents=True, exist_ok=True)

    def profiled(self: ScriptRunner, rerun_data: Any) -> None:
        profiler = Profiler(interval=0.0005, async_mode="disabled")
        profiler.start()
        try:
            original(self, rerun_data)
        finally:
            profiler.stop()
            fragment = "fragment" if getattr(rerun_data, "fragment_id_queue", None) else "page"
            name = target / f"run-{next(_runs):04d}-{fragment}.txt"
            name.write_text(profiler.output_text(unicode=True, color=False, show_all=False), encoding="utf-8")

    ScriptRunner._run_script = profiled  # type: ignore[method-assign]


def main() -> None:
    if path := os.environ.get(SQL_LOG_ENV):
        install_sql_log(path)
    if directory := os.environ.get(PROFILE_DIR_ENV):
        install_profiler(directory)
    if os.environ.get(NODELAY_ENV) != "0":
        serve.main()  # installs TCP_NODELAY, then `streamlit run`
        return
    from streamlit.web.cli import main as streamlit_main

    sys.argv = serve.streamlit_argv(sys.argv[1:])
    streamlit_main(prog_name="streamlit")


if __name__ == "__main__":
    main()
