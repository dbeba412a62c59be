"""The whole bench: every benchmark at every size, a diagnostic, a profile; bounded in time.

For each size the generated workshop gets its own SQLite file and its own app server (through
the launcher `serve.py`, the shipped settings); the floor page has one server for the whole run.
Order per size: partner in the collect phase, partner in the vote phase, projection (vote),
ten screens (a separate, query-logging server), concurrent writers (on a copy of the database
taken before anything was written), the convention export (closed). The servers are the
harness's (`measure.harness.streamlit_server`), started through
`measure.benchmarks.counted_streamlit` when they log or profile.
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

from ctg_workshop.storage.models import Phase
from measure.benchmarks import counted_streamlit, first_visit, partner, profiling, projection, writes
from measure.benchmarks import follow_up as follow_up_bench
from measure.benchmarks.export import bench_export
from measure.benchmarks.follow_up import bench_follow_up
from measure.benchmarks.machine import Commit, Machine, commit, load_average, machine, now
from measure.benchmarks.pdf import bench_pdf
from measure.benchmarks.results import Figure
from measure.benchmarks.workshop import BenchWorkshop, WorkshopSize, create_workshop
from measure.harness.demo import set_phase
from measure.harness.streamlit_server import (
    APP_PATH,
    PLAIN,
    SERVE,
    StreamlitServer,
    StreamlitStartError,
    start_streamlit,
)

FLOOR_PAGE = Path(__file__).resolve().parent / "floor_page.py"

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
    first_visits: int = 1  # Chromium visits of the partners' page per emulated link


FULL_REPS = {
    1.0: Reps(
        partner=16,
        # 40 whole pages, not 16: a figure compared with 2× its floor is a median over a noisy
        # shared machine, and 16 of them moved it by ±0.1× from one pass to the next (a refresh
        # changes nothing, so more of them only steady the median; they take ~1 s).
        page=40,
        refresh=6,
        query=40,
        screens=10,
        intervals=3,
        write_runs=2,
        writers=200,
        per_writer=1,
        export=4,
        first_visits=3,
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
    first_visit: bool = True  # a phone's first visit in Chromium (slow link, 4G), against a bare page
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


def _start(
    script: Path,
    database_url: str,
    *,
    name: str,
    sql_log: Path | None = None,
    profile_dir: Path | None = None,
    nodelay: bool = True,
) -> StreamlitServer:
    """`script` served from the project root once healthy. `sql_log`: every SQL statement logged
    there; `profile_dir`: every script run profiled there (both through `counted_streamlit`);
    `nodelay=False`: plain `streamlit run`, without the launcher's TCP_NODELAY (a diagnostic)."""
    env = {
        counted_streamlit.SQL_LOG_ENV: str(sql_log or ""),
        counted_streamlit.PROFILE_DIR_ENV: str(profile_dir or ""),
        counted_streamlit.NODELAY_ENV: "1" if nodelay else "0",
    }
    instrumented = sql_log is not None or profile_dir is not None
    runner = counted_streamlit.RUNNER if instrumented else (SERVE if nodelay else PLAIN)
    try:
        return start_streamlit(database_url, env=env, app=script, runner=runner)
    except StreamlitStartError as error:
        raise StreamlitStartError(f"Serveur {name} : {error}") from error


def _page_figures(
    label: str,
    app_url: str,
    floor_url: str,
    workshop: BenchWorkshop,
    steps: _Steps,
    *,
    partner_reps: int,
    page_reps: int,
    refresh_reps: int,
    cache_wait: float,
) -> list[Figure]:
    """The partner's and the projection's actions on one app server, against the floor: add an
    item (collect phase), place a dot and refresh the page (vote), refresh the projection."""
    set_phase(workshop.database_url, workshop.code, Phase.COLLECT)
    figures = [
        steps.run(
            f"{label} ajouter une contribution",
            lambda: asyncio.run(partner.bench_add_item(app_url, floor_url, workshop, partner_reps)),
        )
    ]
    figures += steps.run(
        f"{label} placer un point, actualiser",
        lambda: asyncio.run(partner.bench_dot(app_url, floor_url, workshop, partner_reps, page_reps)),
    )
    figures += steps.run(
        f"{label} projection",
        lambda: asyncio.run(projection.bench_refresh(app_url, floor_url, workshop, refresh_reps, cache_wait)),
    )
    return figures


def _bench_size(
    workshop: BenchWorkshop, floor_url: str, directory: Path, plan: Plan, steps: _Steps
) -> list[Figure]:
    reps = plan.reps_for(workshop.size.scale)
    label = workshop.size.label
    code = workshop.size.code
    writers = steps.run(
        f"{label} rédacteurs prêts", lambda: writes.prepare(workshop, directory, reps.writers)
    )
    with _start(APP_PATH, workshop.database_url, name=f"app-{code}") as app:
        figures = _page_figures(
            label,
            app.url,
            floor_url,
            workshop,
            steps,
            partner_reps=reps.partner,
            page_reps=reps.page,
            refresh_reps=reps.refresh,
            cache_wait=plan.cache_wait,
        )
    figures.append(
        steps.run(f"{label} requête d'agrégat", lambda: projection.bench_query(workshop, reps.query))
    )
    sql_log = directory / f"compte-{code}-sql.log"
    with _start(APP_PATH, workshop.database_url, name=f"compte-{code}", sql_log=sql_log) as counted:
        figures.append(
            steps.run(
                f"{label} {reps.screens} écrans",
                lambda: asyncio.run(
                    projection.bench_screens(counted.url, sql_log, workshop, reps.screens, reps.intervals)
                ),
            )
        )
    figures += steps.run(
        f"{label} écritures simultanées",
        lambda: writes.bench_writes(writers, workshop.size.scale, reps.write_runs, reps.per_writer),
    )
    figures += steps.run(f"{label} export de la convention", lambda: bench_export(workshop, reps.export))
    figures += steps.run(f"{label} convention en PDF", lambda: bench_pdf(workshop, reps.export))
    figures += steps.run(
        f"{label} suivi de la convention", lambda: bench_follow_up(directory, workshop.size, reps.export)
    )
    return figures


def _diagnostic(workshop: BenchWorkshop, plan: Plan, steps: _Steps) -> list[Figure]:
    """The partner's and the projection's reruns again, on plain `streamlit run` servers: what
    the launcher's TCP_NODELAY saves (the shipped set-up is the launcher's)."""
    reps = plan.reps_for(workshop.size.scale)
    with (
        _start(APP_PATH, workshop.database_url, nodelay=False, name="app-nagle") as app,
        _start(FLOOR_PAGE, "sqlite://", nodelay=False, name="plancher-nagle") as floor,
    ):
        return _page_figures(
            "diagnostic sans le lanceur :",
            app.url,
            floor.url,
            workshop,
            steps,
            partner_reps=reps.partner,
            page_reps=0,
            refresh_reps=max(2, reps.refresh // 2),
            cache_wait=plan.cache_wait,
        )


def _profile(figure: Figure, workshop: BenchWorkshop, directory: Path, floor_url: str) -> profiling.Profile:
    key = figure.key
    if key.startswith("follow_up."):
        text = follow_up_bench.profile_report(directory / "profil-suivi", workshop.size)
        return profiling.Profile(figure, "un bilan annuel en mémoire, dans ce processus", text)
    if key == "export.pdf":
        return profiling.Profile(figure, "LibreOffice, un processus à part : non profilé ici", "")
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
    set_phase(workshop.database_url, workshop.code, phase)
    with _start(APP_PATH, workshop.database_url, profile_dir=target, name="app-profil") as app:
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
    """Run every benchmark of `plan`; the results, ready for `report.render`."""
    results = Results(
        machine=machine(), commit=commit(), started=now().isoformat(sep=" "), command=command, plan=plan
    )
    results.load_before = load_average()
    began = time.monotonic()
    directory = Path(tempfile.mkdtemp(prefix="ctg-bench-"))
    steps = _Steps(results, log)
    workshops: dict[float, BenchWorkshop] = {}
    try:
        with _start(FLOOR_PAGE, "sqlite://", name="plancher") as floor:
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
            if plan.first_visit:
                missing = first_visit.available()
                if missing is None:
                    scale = plan.scales[0]
                    results.figures += steps.run(
                        "première visite (Chromium)",
                        lambda: first_visit.bench_first_visit(plan.reps_for(scale).first_visits, scale, log),
                    )
                else:
                    log(f"Première visite non mesurée : {missing}")
            if plan.diagnostic:
                log("Diagnostic : les mêmes exécutions sur `streamlit run` seul (algorithme de Nagle actif)")
                results.diagnostics = _diagnostic(first, plan, steps)
            worst = profiling.worst_figure([f for f in results.figures if f.scale == plan.scales[0]])
            if plan.profile and worst is not None:
                log(f"Profil : {worst.title} ({worst.scale:g}×)")
                results.profile = steps.run("profil", lambda: _profile(worst, first, directory, floor.url))
    finally:
        shutil.rmtree(directory, ignore_errors=True)
    results.load_after = load_average()
    results.seconds = time.monotonic() - began
    return results
