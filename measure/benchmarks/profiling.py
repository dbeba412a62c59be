"""A profile of the figure furthest from its target (pyinstrument), for the report.

Work done in this process (the export, the aggregate query, a writer's transaction) is profiled
here. A page's run is profiled inside a server started with `CTG_BENCH_PROFILE_DIR` (see
`measure.benchmarks.counted_streamlit`): the benchmark runs its action a few times and the slowest
script run recorded is kept.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from pyinstrument import Profiler

from ctg_workshop.day.projection import projection_snapshot
from ctg_workshop.storage.db import open_database, read_session, write_session
from ctg_workshop.storage.models import Phase
from measure.benchmarks.results import Figure, Goal
from measure.benchmarks.workshop import BenchWorkshop
from measure.harness.demo import set_phase

MAX_LINES = 45


@dataclass(frozen=True)
class Profile:
    figure: Figure
    how: str  # French: what was profiled, where
    text: str


def distance(figure: Figure) -> float:
    """How far a figure is from its target, as a factor (above 1: missed). NaN without target."""
    worst = math.nan
    for target in figure.targets:
        if target.goal is Goal.RATIO_AT_MOST:
            found = figure.ratio / target.value
        elif target.goal is Goal.RATIO_AT_LEAST:
            found = target.value / figure.ratio if figure.ratio > 0 else math.inf
        elif target.value > 0:
            found = figure.subject.median / target.value
        else:  # « none lost »: met or infinitely far
            found = 0.0 if figure.subject.median <= 0 else math.inf
        if not math.isnan(found) and (math.isnan(worst) or found > worst):
            worst = found
    return worst


def worst_figure(figures: list[Figure]) -> Figure | None:
    judged = [f for f in figures if not math.isnan(distance(f))]
    return max(judged, key=distance, default=None)


def _trim(text: str) -> str:
    lines = [line for line in text.splitlines() if line.strip()]
    start = next((i for i, line in enumerate(lines) if line.lstrip().startswith(("0.", "1.", "2.", "3."))), 0)
    body = lines[start : start + MAX_LINES]
    return "\n".join(body)


def profile_call(action: Callable[[], object], repeat: int = 1) -> str:
    profiler = Profiler(interval=0.0005, async_mode="disabled")
    profiler.start()
    for _ in range(repeat):
        action()
    profiler.stop()
    return _trim(profiler.output_text(unicode=True, color=False, show_all=False))


def profile_export(workshop: BenchWorkshop, *, first: bool) -> str:
    """One export; `first`: with the chart cache emptied (the charts are drawn)."""
    from ctg_workshop.documents.charts import ranking_png
    from measure.benchmarks.export import export_convention

    engine = open_database(workshop.database_url)
    try:
        export_convention(engine, workshop.workshop_id)
        if first:
            ranking_png.cache_clear()
        return profile_call(lambda: export_convention(engine, workshop.workshop_id))
    finally:
        engine.dispose()


def profile_query(workshop: BenchWorkshop) -> str:
    engine = open_database(workshop.database_url)
    set_phase(workshop.database_url, workshop.code, Phase.VOTE)

    def snapshot() -> None:
        with read_session(engine) as session:
            projection_snapshot(session=session, workshop_id=workshop.workshop_id)

    try:
        return profile_call(snapshot, repeat=20)
    finally:
        engine.dispose()


def profile_writer(path: Path, participant_id: int, topic_key: str) -> str:
    """One writer alone, 50 items in a row: the CPU each `add_item` transaction costs."""
    from ctg_workshop.day.contributions import add_item

    engine = open_database(f"sqlite:///{path}")
    counter = iter(range(10**6))

    def write() -> None:
        with write_session(engine) as session:
            add_item(
                session=session,
                participant_id=participant_id,
                topic_key=topic_key,
                quadrant="strength",
                text=f"banc profil n°{next(counter)}",
            )

    try:
        return profile_call(write, repeat=50)
    finally:
        engine.dispose()


def slowest_run(directory: Path) -> str:
    """The text of the slowest script run profiled in `directory` (by its recorded duration),
    leaving out the server's first run: it pays once per process what no action costs again
    (imports, the engine's creation and the schema check), and would hide the action's profile."""
    best, best_seconds = "", -1.0
    for path in sorted(directory.glob("run-*.txt"))[1:]:
        text = path.read_text(encoding="utf-8")
        seconds = _duration(text)
        if seconds > best_seconds:
            best, best_seconds = text, seconds
    return _trim(best)


def _duration(text: str) -> float:
    for line in text.splitlines():
        if "Duration:" in line:
            try:
                return float(line.split("Duration:")[1].split()[0])
            except (IndexError, ValueError):
                return 0.0
    return 0.0
