"""The whole bench: every benchmark at every size, a diagnostic, a profile; bounded in time.

For each size the generated workshop gets its own SQLite file and its own app server (plain
`streamlit run app.py`, the shipped settings); the floor page has one server for the whole run.
Order per size: partner in the collect phase, partner in the vote phase, projection (vote),
ten screens (a separate, query-logging server), concurrent writers (on a copy of the database
taken before anything was written), the convention export (closed).
"""

from __future__ import annotations

import asyncio
import shutil
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

from benchmarks import partner, profiling, projection, writes
from benchmarks.export import bench_export
from benchmarks.machine import Commit, Machine, commit, load_average, machine, now
from benchmarks.results import Figure
from benchmarks.servers import APP, FLOOR_PAGE, start_server
from benchmarks.workshop import BenchWorkshop, WorkshopSize, create_workshop, set_phase
from ctg_workshop.storage.db import open_database
from ctg_workshop.storage.models import Phase

Log = Callable[[str], None]
T = TypeVar("T")


@dataclass(frozen=True)
class Reps:
    """How many times each thing is measured at one size."""

    partner: int
    page: int
    refresh: int
    query: int
    screens: int
    intervals: int
    write_runs: int
    writers: int
    per_writer: int
    export: int


FULL_REPS = {
    1.0: Reps(
        partner=16,
        page=8,
        refresh=6,
        query=40,
        screens=10,
        intervals=3,
        write_runs=2,
        writers=200,
        per_writer=1,
        export=4,
    ),
    4.0: Reps(
        partner=10,
        page=6,
        refresh=4,
        query=20,
        screens=10,
        intervals=2,
        write_runs=2,
        writers=200,
        per_writer=1,
        export=3,
    ),
    16.0: Reps(
        partner=6,
        page=6,
        refresh=3,
        query=10,
        screens=10,
        intervals=2,
        write_runs=1,
        writers=200,
        per_writer=1,
        export=2,
    ),
}
TINY_REPS = Reps(
    partner=2,
    page=1,
    refresh=1,
    query=3,
    screens=2,
    intervals=1,
    write_runs=1,
    writers=8,
    per_writer=1,
    export=1,
)


@dataclass(frozen=True)
class Plan:
    scales: tuple[float, ...] = (1.0, 4.0, 16.0)
    reps: dict[float, Reps] = field(default_factory=lambda: dict(FULL_REPS))
    diagnostic: bool = True  # the first size again, on plain `streamlit run` (Nagle's algorithm on)
    profile: bool = True
    cache_wait: float = projection.CACHE_S + 0.3  # until the projection's shared cache expires

    def reps_for(self, scale: float) -> Reps:
        return self.reps.get(scale, TINY_REPS)


@dataclass
class Results:
    machine: Machine
    commit: Commit
    started: str
    command: str
    plan: Plan
    figures: list[Figure] = field(default_factory=list)
    diagnostics: list[Figure] = field(default_factory=list)
    sizes: dict[float, str] = field(default_factory=dict)
    profile: profiling.Profile | None = None
    load_before: tuple[float, float, float] = (0.0, 0.0, 0.0)
    load_after: tuple[float, float, float] = (0.0, 0.0, 0.0)
    seconds: float = 0.0
    steps: list[tuple[str, float, float]] = field(default_factory=list)  # name, seconds, load after


class _Steps:
    """Times each step and says what runs (the bench takes minutes)."""

    def __init__(self, results: Results, log: Log) -> None:
        self.results, self.log, self.start = results, log, time.monotonic()

    def run(self, name: str, action: Callable[[], T]) -> T:
        self.log(f"  {name}…")
        began = time.monotonic()
        value = action()
        self.results.steps.append((name, time.monotonic() - began, load_average()[0]))
        return value


def _phase(workshop: BenchWorkshop, phase: Phase) -> None:
    engine = open_database(workshop.database_url)
    try:
        set_phase(engine, workshop.workshop_id, phase)
    finally:
        engine.dispose()


def _bench_size(
    workshop: BenchWorkshop, floor_url: str, directory: Path, plan: Plan, steps: _Steps
) -> list[Figure]:
    reps = plan.reps_for(workshop.size.scale)
    figures: list[Figure] = []
    label = workshop.size.label
    writers = steps.run(
        f"{label} rédacteurs prêts", lambda: writes.prepare(workshop, directory, reps.writers)
    )
    with start_server(APP, workshop.database_url, directory, name=f"app-{workshop.size.code}") as app:
        figures.append(
            steps.run(
                f"{label} ajouter une contribution",
                lambda: asyncio.run(partner.bench_add_item(app.url, floor_url, workshop, reps.partner)),
            )
        )
        figures += steps.run(
            f"{label} placer un point, actualiser",
            lambda: asyncio.run(partner.bench_dot(app.url, floor_url, workshop, reps.partner, reps.page)),
        )
        figures += steps.run(
            f"{label} projection",
            lambda: asyncio.run(
                projection.bench_refresh(app.url, floor_url, workshop, reps.refresh, plan.cache_wait)
            ),
        )
    figures.append(
        steps.run(f"{label} requête d'agrégat", lambda: projection.bench_query(workshop, reps.query))
    )
    with start_server(
        APP, workshop.database_url, directory, counting=True, name=f"compte-{workshop.size.code}"
    ) as counted:
        assert counted.sql_log is not None
        figures.append(
            steps.run(
                f"{label} {reps.screens} écrans",
                lambda: asyncio.run(
                    projection.bench_screens(
                        counted.url, counted.sql_log, workshop, reps.screens, reps.intervals
                    )
                ),
            )
        )
    figures += steps.run(
        f"{label} écritures simultanées",
        lambda: writes.bench_writes(writers, workshop.size.scale, reps.write_runs, reps.per_writer),
    )
    figures += steps.run(f"{label} export de la convention", lambda: bench_export(workshop, reps.export))
    return figures


def _diagnostic(workshop: BenchWorkshop, directory: Path, plan: Plan, steps: _Steps) -> list[Figure]:
    """The partner's and the projection's reruns again, on plain `streamlit run` servers: what
    the launcher's TCP_NODELAY saves (the shipped set-up is the launcher's)."""
    reps = plan.reps_for(workshop.size.scale)
    _phase(workshop, Phase.COLLECT)
    with (
        start_server(APP, workshop.database_url, directory, nodelay=False, name="app-nagle") as app,
        start_server(FLOOR_PAGE, "sqlite://", directory, nodelay=False, name="plancher-nagle") as floor,
    ):
        figures = [
            steps.run(
                "diagnostic sans le lanceur, ajouter",
                lambda: asyncio.run(partner.bench_add_item(app.url, floor.url, workshop, reps.partner)),
            )
        ]
        figures += steps.run(
            "diagnostic sans le lanceur, point",
            lambda: asyncio.run(partner.bench_dot(app.url, floor.url, workshop, reps.partner, 0)),
        )
        figures += steps.run(
            "diagnostic sans le lanceur, projection",
            lambda: asyncio.run(
                projection.bench_refresh(
                    app.url, floor.url, workshop, max(2, reps.refresh // 2), plan.cache_wait
                )
            ),
        )
    return figures


def _profile(figure: Figure, workshop: BenchWorkshop, directory: Path, floor_url: str) -> profiling.Profile:
    key = figure.key
    if key.startswith("export."):
        text = profiling.profile_export(workshop, first=key == "export.convention")
        return profiling.Profile(figure, "export en mémoire, dans ce processus", text)
    if key == "projection.query":
        text = profiling.profile_query(workshop)
        return profiling.Profile(figure, "20 appels de projection_snapshot, dans ce processus", text)
    if key.startswith("writes."):
        writers = writes.prepare(workshop, directory, 1)
        text = profiling.profile_writer(writers.path, writers.participants[0], writers.topics[0][1])
        return profiling.Profile(figure, "un rédacteur seul, 50 add_item à la suite", text)
    return _profile_page(figure, workshop, directory, floor_url)


def _profile_page(
    figure: Figure, workshop: BenchWorkshop, directory: Path, floor_url: str
) -> profiling.Profile:
    """The slowest script run of the figure's action, on a server profiling every run."""
    target = directory / f"profil-{figure.key}"
    key = figure.key
    phase = Phase.COLLECT if key == "partner.add_item" else Phase.VOTE
    _phase(workshop, phase)
    with start_server(APP, workshop.database_url, directory, profile_dir=target, name="app-profil") as app:
        if key == "partner.add_item":
            asyncio.run(partner.bench_add_item(app.url, floor_url, workshop, 3))
        elif key.startswith("partner."):
            asyncio.run(
                partner.bench_dot(app.url, floor_url, workshop, 2, 1 if key == "partner.refresh" else 0)
            )
        else:
            asyncio.run(projection.bench_refresh(app.url, floor_url, workshop, 2))
    how = "exécution de script la plus lente, serveur Streamlit profilant chaque exécution"
    return profiling.Profile(figure, how, profiling.slowest_run(target))


def run(plan: Plan, command: str, log: Log = print) -> Results:
    """Run every benchmark of `plan`; the results, ready for `benchmarks.report`."""
    results = Results(
        machine=machine(), commit=commit(), started=now().isoformat(sep=" "), command=command, plan=plan
    )
    results.load_before = load_average()
    began = time.monotonic()
    directory = Path(tempfile.mkdtemp(prefix="ctg-bench-"))
    steps = _Steps(results, log)
    workshops: dict[float, BenchWorkshop] = {}
    try:
        with start_server(FLOOR_PAGE, "sqlite://", directory, name="plancher") as floor:
            for scale in plan.scales:
                size = WorkshopSize(scale)
                log(f"Taille {size.label} : {size.describe()}")
                results.sizes[scale] = size.describe()
                workshop = steps.run(
                    f"{size.label} génération",
                    lambda s=size: create_workshop(directory / f"{s.code}.sqlite3", s),
                )
                workshops[scale] = workshop
                results.figures += _bench_size(workshop, floor.url, directory, plan, steps)
            first = workshops[plan.scales[0]]
            if plan.diagnostic:
                log("Diagnostic : les mêmes exécutions sur `streamlit run` seul (algorithme de Nagle actif)")
                results.diagnostics = _diagnostic(first, directory, plan, steps)
            worst = profiling.worst_figure([f for f in results.figures if f.scale == plan.scales[0]])
            if plan.profile and worst is not None:
                log(f"Profil : {worst.title} ({worst.scale:g}×)")
                results.profile = steps.run("profil", lambda: _profile(worst, first, directory, floor.url))
    finally:
        shutil.rmtree(directory, ignore_errors=True)
    results.load_after = load_average()
    results.seconds = time.monotonic() - began
    return results
