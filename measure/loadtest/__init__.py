"""Load driver speaking Streamlit's own websocket protocol (`/_stcore/stream`), loopback only.

`AppSession` is one browser tab (open a page, find widgets, set values, click, read texts,
latency per action); a scenario is a small async function of an `AppSession`; `run_load`
runs many of them at once and reports percentiles, errors and server CPU/memory; a `Ledger`
keeps what the server acknowledged to each partner and `verify` checks the database against it.
See docs/loadtest-protocol.md.
"""

from measure.loadtest.checks import CheckReport, verify
from measure.loadtest.ledger import Ledger, Outcome
from measure.loadtest.limits import LimitError, LoadTestError, LoopbackOnlyError, ensure_loopback
from measure.loadtest.protocol import ProtocolError, RunStatus
from measure.loadtest.report import LatencyRecorder, LoadReport, ProcessSampler
from measure.loadtest.runner import Group, LoadPlan, run_load
from measure.loadtest.scenarios import Scenario, ScenarioError
from measure.loadtest.session import AppSession, RerunTimeoutError, RunResult, SessionClosedError
from measure.loadtest.widgets import Widget, WidgetError

__all__ = [
    "AppSession",
    "CheckReport",
    "Group",
    "LatencyRecorder",
    "Ledger",
    "LimitError",
    "LoadPlan",
    "LoadReport",
    "LoadTestError",
    "LoopbackOnlyError",
    "Outcome",
    "ProcessSampler",
    "ProtocolError",
    "RerunTimeoutError",
    "RunResult",
    "RunStatus",
    "Scenario",
    "ScenarioError",
    "SessionClosedError",
    "Widget",
    "WidgetError",
    "ensure_loopback",
    "run_load",
    "verify",
]
