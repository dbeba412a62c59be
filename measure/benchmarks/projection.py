"""Benchmark 2: the projection's refresh, its aggregate query, and what ten screens cost.

- One fragment rerun, through the real server: a tab on `/projection?vue=…` runs the timer of
  the counters' fragment (`st.fragment(run_every=…)`, found by its « Participants » metric)
  and of the topic's fragment (the SWOT matrix), once the shared cache has expired (what every
  refresh of a lone screen pays) and again right after (cache warm, what the other screens pay).
- The aggregate query, in this process: `live.projection_snapshot` against the same counting
  written by hand in SQL and run with `sqlite3` (no ORM), alternately.
- Ten screens: ten tabs idle on the projection of a server started by
  `measure.benchmarks.counted_streamlit`, which logs every SQL statement; the statements of
  `topic_live_counts` (the `GROUP BY item.topic_id, item.quadrant` that only a snapshot runs)
  are counted over N refresh intervals, once every tab is open.
"""

from __future__ import annotations

import asyncio
import math
import sqlite3
import time
from dataclasses import dataclass
from pathlib import Path

from ctg_workshop.day.projection import projection_snapshot
from ctg_workshop.storage.db import open_database, read_session
from ctg_workshop.storage.models import Phase
from measure.benchmarks.driver import BenchSession, PageShape, shape_after
from measure.benchmarks.results import Figure, Goal, Target
from measure.benchmarks.stats import Samples
from measure.benchmarks.workshop import BenchWorkshop
from measure.harness.demo import set_phase
from measure.loadtest import RunResult, Widget

PAGE = "/projection"
ACTION_TIMEOUT_S = 120.0
# ui/projection.py: REFRESH_SECONDS = 5, CACHE_SECONDS = 4 (read here, not imported: importing
# ui.projection would import Streamlit's caches into this process for nothing).
REFRESH_S = 5.0
CACHE_S = 4.0
COUNTERS_LABEL = "Participants"
SNAPSHOT_MARKER = "GROUP BY item.topic_id, item.quadrant"
MATRIX_MARKER = "row_number() OVER (PARTITION BY item.quadrant"
REFRESH_TARGET = Target(Goal.AT_MOST, 0.050)
QUERIES_TARGET = Target(Goal.AT_MOST, 1.25)


class ProjectionBenchError(RuntimeError):
    """The projection did not show what the benchmark expected."""


@dataclass(frozen=True)
class Fragments:
    counters: str
    topic: str


def _check(result: RunResult, what: str) -> float:
    if not result.ok:
        raise ProjectionBenchError(f"{what} : exécution en erreur ({'; '.join(result.exceptions)}).")
    return result.seconds


async def _open(tab: BenchSession, workshop: BenchWorkshop) -> Fragments:
    _check(await tab.open(PAGE, query=f"vue={workshop.view_token}", action="ouvrir"), "Ouverture")
    counters = tab.fragment_showing(COUNTERS_LABEL)
    timed = [f for f, interval in tab.auto_reruns.items() if interval == REFRESH_S and f != counters]
    if counters is None or counters not in tab.auto_reruns or not timed:
        raise ProjectionBenchError(
            "La projection n'a pas ses deux fragments rafraîchis toutes les "
            f"{REFRESH_S:g} s (compteurs et sujet affiché) : {tab.auto_reruns}."
        )
    return Fragments(counters=counters, topic=timed[0])


async def _floor_button(floor_tab: BenchSession, shape: PageShape) -> Widget:
    result = await floor_tab.open("/", query=shape.query(), action="ouvrir_plancher")
    _check(result, "Ouverture du plancher")
    return floor_tab.find_widget(key="floor_click")


async def bench_refresh(
    app_url: str, floor_url: str, workshop: BenchWorkshop, count: int, wait: float = CACHE_S + 0.3
) -> list[Figure]:
    """`count` refreshes of each fragment with the cache expired (`wait` seconds after the last
    one), and as many with it warm; each against a floor fragment of the same shape (drawn by a
    bare page, no cache, no query)."""
    cold_counters, cold_topic, warm = [], [], []
    floors: dict[str, list[float]] = {"counters": [], "topic": []}
    async with (
        BenchSession(app_url, action_timeout=ACTION_TIMEOUT_S) as tab,
        BenchSession(floor_url, action_timeout=ACTION_TIMEOUT_S) as counters_floor,
        BenchSession(floor_url, action_timeout=ACTION_TIMEOUT_S) as topic_floor,
    ):
        fragments = await _open(tab, workshop)
        shapes = {}
        for name, fragment in (("counters", fragments.counters), ("topic", fragments.topic)):
            before = tab.run_ids()
            _check(await tab.run_fragment(fragment, action=name), name)
            shapes[name] = shape_after(tab, before, fragment=True)
        buttons = {
            "counters": await _floor_button(counters_floor, shapes["counters"]),
            "topic": await _floor_button(topic_floor, shapes["topic"]),
        }
        floor_tabs = {"counters": counters_floor, "topic": topic_floor}

        async def floor(name: str) -> None:
            result = await floor_tabs[name].click(buttons[name], action="plancher")
            floors[name].append(_check(result, "Plancher"))

        for _ in range(count):
            await asyncio.sleep(wait)  # the shared cache has expired: a lone screen's case
            cold_counters.append(
                _check(await tab.run_fragment(fragments.counters, action="compteurs"), "Compteurs")
            )
            await floor("counters")
            cold_topic.append(_check(await tab.run_fragment(fragments.topic, action="sujet"), "Sujet"))
            await floor("topic")
            warm.append(_check(await tab.run_fragment(fragments.counters, action="compteurs"), "Compteurs"))
    scale = workshop.size.scale
    notes = ("cache partagé expiré : la requête d'agrégat est comprise",)

    def figure(key: str, title: str, values: list[float], name: str, extra: tuple[str, ...] = ()) -> Figure:
        return Figure(
            key,
            title,
            scale,
            Samples.of(values),
            Samples.of(floors[name]),
            floor_title=f"fragment nu, même forme : {shapes[name].describe()}",
            targets=(REFRESH_TARGET,),
            notes=extra,
        )

    return [
        figure(
            "projection.counters", "Projection : rafraîchir les compteurs", cold_counters, "counters", notes
        ),
        figure(
            "projection.topic",
            "Projection : rafraîchir le sujet affiché (matrice SWOT)",
            cold_topic,
            "topic",
            notes,
        ),
        figure("projection.warm", "Projection : rafraîchir les compteurs, cache chaud", warm, "counters"),
    ]


# --------------------------------------------------------------------------- the query

RAW_SNAPSHOT = (
    (
        "SELECT id, code, title, territory, phase, show_organisations, timer_ends_at FROM workshop WHERE id = ?"
    ),
    "SELECT count(*) FROM participant WHERE workshop_id = ?",
    (
        "SELECT topic_id, quadrant, count(*) FROM item WHERE workshop_id = ? AND hidden = 0 "
        "GROUP BY topic_id, quadrant"
    ),
    "SELECT id, key, title FROM topic WHERE workshop_id = ? ORDER BY position",
    (
        "SELECT count(*) FROM participant WHERE participant.workshop_id = ? AND EXISTS ("
        "SELECT 1 FROM vote JOIN item ON item.id = vote.item_id "
        "WHERE vote.participant_id = participant.id AND item.hidden = 0)"
    ),
)


def raw_snapshot(connection: sqlite3.Connection, workshop_id: int) -> tuple[list, ...]:
    """The projection's counting, hand-written: the floor of `projection_snapshot` (vote phase)."""
    return tuple(connection.execute(sql, (workshop_id,)).fetchall() for sql in RAW_SNAPSHOT)


def bench_query(workshop: BenchWorkshop, count: int) -> Figure:
    """`projection_snapshot` against the raw SQL, alternately, `count` times each (vote phase:
    the snapshot counts the voters too)."""
    engine = open_database(workshop.database_url)
    set_phase(workshop.database_url, workshop.code, Phase.VOTE)
    connection = sqlite3.connect(workshop.path, isolation_level=None, check_same_thread=False)
    subject, floor = [], []
    try:
        for index in range(count + 1):
            order = (True, False) if index % 2 == 0 else (False, True)
            for is_subject in order:
                started = time.perf_counter()
                if is_subject:
                    with read_session(engine) as session:
                        snapshot = projection_snapshot(session=session, workshop_id=workshop.workshop_id)
                else:
                    rows = raw_snapshot(connection, workshop.workshop_id)
                elapsed = time.perf_counter() - started
                if index:  # the first round warms both up
                    (subject if is_subject else floor).append(elapsed)
        _same_counts(snapshot, rows)
    finally:
        connection.close()
        engine.dispose()
    return Figure(
        "projection.query",
        "Projection : requête d'agrégat (projection_snapshot)",
        workshop.size.scale,
        Samples.of(subject),
        Samples.of(floor),
        floor_title="le même comptage écrit en SQL, sqlite3 sans ORM",
        notes=("pas de cible propre : elle compte dans le rafraîchissement des compteurs (< 50 ms)",),
    )


def _same_counts(snapshot, rows: tuple[list, ...]) -> None:
    participants = rows[1][0][0]
    items = sum(count for _, _, count in rows[2])
    voters = rows[4][0][0]
    if (snapshot.participants, snapshot.items, snapshot.voters) != (participants, items, voters):
        raise ProjectionBenchError(
            "Le SQL écrit à la main ne compte pas comme projection_snapshot : "
            f"{(snapshot.participants, snapshot.items, snapshot.voters)} ≠ {(participants, items, voters)}."
        )


# --------------------------------------------------------------------------- ten screens


def count_statements(log: Path, marker: str, start: float, end: float) -> int:
    """Statements containing `marker` logged between `start` and `end` (unix time)."""
    if not log.exists():
        return 0
    found = 0
    for line in log.read_text(encoding="utf-8").splitlines():
        stamp, _, statement = line.partition("\t")
        if marker in statement and start <= float(stamp) <= end:
            found += 1
    return found


async def bench_screens(
    counted_url: str, sql_log: Path, workshop: BenchWorkshop, screens: int, intervals: int
) -> Figure:
    """`screens` tabs idle on the projection for `intervals` refresh intervals: how many
    aggregate queries the server ran meanwhile (one per interval if the cache is shared)."""
    tabs = [
        BenchSession(counted_url, name=f"ecran-{n}", action_timeout=ACTION_TIMEOUT_S) for n in range(screens)
    ]
    try:
        for tab in tabs:
            await _open(tab, workshop)
        start = time.time()
        runs = await asyncio.gather(*(tab.idle(intervals * REFRESH_S + 1.0) for tab in tabs))
        end = time.time()
    finally:
        await asyncio.gather(*(tab.close() for tab in tabs))
    snapshots = count_statements(sql_log, SNAPSHOT_MARKER, start, end)
    matrices = count_statements(sql_log, MATRIX_MARKER, start, end)
    # A round: every screen has run both its fragments once (what one interval costs).
    rounds = sum(runs) / (2 * screens)
    return Figure(
        "projection.screens",
        f"Projection : {screens} écrans ouverts, calculs de l'agrégat par intervalle de {REFRESH_S:g} s",
        workshop.size.scale,
        Samples.of([snapshots / rounds if rounds else math.nan]),
        unit="requêtes",
        targets=(QUERIES_TARGET,),
        notes=(
            f"{sum(runs)} rafraîchissements de fragments ({rounds:g} tours de {screens} écrans) en "
            f"{intervals * REFRESH_S:g} s : {snapshots} calculs de projection_snapshot et "
            f"{matrices} de swot_matrix",
        ),
    )
