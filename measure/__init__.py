"""Measuring tools: everything that drives real servers of the app to see what it holds and costs.

The app itself never imports this package; the tests do (its harness), and this package never
imports `tests`.

- `harness/`: the servers a measurement or a test runs against, each started then waited on
  through a bounded readiness check (never a fixed sleep) and stopped at the end —
  `streamlit_server` (the app through `serve.py` or plain `streamlit run`, healthy once
  `/_stcore/health` answers), `nginx` (deploy/nginx.conf in front of several processes),
  `postgres` (a throwaway PostgreSQL server, fresh databases on it), `demo` (the demo workshop
  loaded in a fresh database, its phase moved as the facilitator would), `processes` (free
  port, polling, stopping).
- `loadtest/`: the load driver, tabs speaking Streamlit's websocket protocol
  (`python -m measure.loadtest`, docs/loadtest-protocol.md).
- `benchmarks/`: what each action costs against its floor (`make bench` =
  `python -m measure.benchmarks`, writes docs/benchmarks.md).
- `capacity`: N partners against K processes, optionally behind nginx
  (`python -m measure.capacity`, docs/capacity.md).
- `cost_per_action`: the server's CPU time per partner action, one at a time
  (`python -m measure.cost_per_action`, docs/capacity.md).
- `grouping`: how long duplicate suggestions take on a large topic
  (`python -m measure.grouping`, docs/benchmarks-grouping.md).

Everything is loopback only and bounded in time. Run the measurements on a quiet machine.
"""

from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent  # where the app runs from (.streamlit/config.toml)
