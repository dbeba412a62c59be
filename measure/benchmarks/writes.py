"""Benchmark 3: items written per second by 200 concurrent writers, and nothing lost.

The subject: 200 threads, each one participant, each calling `contributions.add_item` in its
own `db.write_session` (the app's engine: pool, BEGIN IMMEDIATE, WAL, synchronous=FULL), as
200 phones tapping « Ajouter » at once do through the server's script threads. The floor: 200
threads inserting the same rows with the standard `sqlite3` module, one connection each, one
transaction per row (BEGIN IMMEDIATE … COMMIT), with the same pragmas. Both start together
behind a barrier; the rows are counted afterwards. Runs alternate, after one warm-up round each.
"""

from __future__ import annotations

import sqlite3
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Engine, func, select

from ctg_workshop.day.contributions import add_item
from ctg_workshop.day.joining import join_workshop
from ctg_workshop.identifiers import new_key, utc_now
from ctg_workshop.storage.db import SQLITE_BUSY_TIMEOUT_MS, open_database, read_session, write_session
from ctg_workshop.storage.models import Item, Phase, Quadrant, Topic
from measure.benchmarks.results import Figure, Goal, Target
from measure.benchmarks.stats import Samples
from measure.benchmarks.workshop import BenchWorkshop
from measure.harness.demo import set_phase

WRITERS = 200
TARGET = Target(Goal.RATIO_AT_LEAST, 0.5)
JOIN_TIMEOUT_S = 300.0
INSERT_SQL = (
    "INSERT INTO item (workshop_id, key, topic_id, quadrant, text, author_id, created_at, hidden) "
    "VALUES (?, ?, ?, ?, ?, ?, ?, 0)"
)


@dataclass(frozen=True)
class Writers:
    """A copy of the generated workshop's database and 200 participants who write in it."""

    path: Path
    workshop_id: int
    participants: tuple[int, ...]
    topics: tuple[tuple[int, str], ...]  # (id, key)


def prepare(workshop: BenchWorkshop, directory: Path, writers: int = WRITERS) -> Writers:
    """Copy the workshop's database, put it in the collect phase, and join `writers` partners."""
    path = directory / f"ecritures-{workshop.size.code}.sqlite3"
    path.unlink(missing_ok=True)
    with sqlite3.connect(workshop.path) as source, sqlite3.connect(path) as copy:
        source.backup(copy)  # a consistent copy, whatever the WAL still holds
    source.close()
    copy.close()
    engine = open_database(f"sqlite:///{path}")
    try:
        set_phase(f"sqlite:///{path}", workshop.code, Phase.COLLECT)
        with write_session(engine) as session:
            participants = tuple(
                join_workshop(
                    session=session, code=workshop.code, organisation=f"Rédacteur {n:03d}"
                ).participant_id
                for n in range(writers)
            )
            topics = tuple(
                (topic_id, key)
                for topic_id, key in session.execute(
                    select(Topic.id, Topic.key)
                    .where(Topic.workshop_id == workshop.workshop_id)
                    .order_by(Topic.position)
                )
            )
    finally:
        engine.dispose()
    return Writers(path, workshop.workshop_id, participants, topics)


def _rows(writers: Writers, tag: str, per_writer: int) -> list[list[tuple[int, str, str, str]]]:
    """For each writer, its items: (topic id, topic key, quadrant, text)."""
    quadrants = [q.value for q in Quadrant]
    return [
        [
            (*writers.topics[(n + k) % len(writers.topics)], quadrants[(n + k) % 4], f"{tag} n°{n}-{k}")
            for k in range(per_writer)
        ]
        for n in range(len(writers.participants))
    ]


def _run_threads(workers: list[Callable[[threading.Barrier], None]]) -> float:
    """Start every worker behind one barrier; the seconds from the release to the last one done."""
    barrier = threading.Barrier(len(workers) + 1, timeout=JOIN_TIMEOUT_S)
    threads = [threading.Thread(target=work, args=(barrier,), daemon=True) for work in workers]
    for thread in threads:
        thread.start()
    barrier.wait()
    started = time.perf_counter()
    for thread in threads:
        thread.join(JOIN_TIMEOUT_S)
    return time.perf_counter() - started


def domain_run(engine: Engine, writers: Writers, tag: str, per_writer: int) -> tuple[float, list[str]]:
    """Every writer adds its items through `contributions.add_item`; (seconds, errors)."""
    errors: list[str] = []
    rows = _rows(writers, tag, per_writer)

    def worker(
        participant_id: int, items: list[tuple[int, str, str, str]]
    ) -> Callable[[threading.Barrier], None]:
        def work(barrier: threading.Barrier) -> None:
            barrier.wait()
            for _topic_id, topic_key, quadrant, text in items:
                try:
                    with write_session(engine) as session:
                        add_item(
                            session=session,
                            participant_id=participant_id,
                            topic_key=topic_key,
                            quadrant=quadrant,
                            text=text,
                        )
                except Exception as error:  # every failure is a lost item: reported, not raised
                    errors.append(f"{type(error).__name__}: {error}")

        return work

    seconds = _run_threads([worker(p, items) for p, items in zip(writers.participants, rows, strict=True)])
    return seconds, errors


def _connect(path: Path) -> sqlite3.Connection:
    """A connection with the app's pragmas (ctg_workshop.db), autocommit: BEGIN is explicit."""
    connection = sqlite3.connect(
        path, timeout=SQLITE_BUSY_TIMEOUT_MS / 1000, isolation_level=None, check_same_thread=False
    )
    connection.execute("PRAGMA journal_mode=WAL")
    connection.execute("PRAGMA foreign_keys=ON")
    connection.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    connection.execute("PRAGMA synchronous=FULL")
    return connection


def raw_run(writers: Writers, tag: str, per_writer: int) -> tuple[float, list[str]]:
    """Every writer inserts the same rows with `sqlite3`, one transaction each; (seconds, errors)."""
    errors: list[str] = []
    rows = _rows(writers, tag, per_writer)
    connections = [_connect(writers.path) for _ in writers.participants]

    def worker(
        connection: sqlite3.Connection, participant_id: int, items: list[tuple[int, str, str, str]]
    ) -> Callable[[threading.Barrier], None]:
        def work(barrier: threading.Barrier) -> None:
            barrier.wait()
            for topic_id, _topic_key, quadrant, text in items:
                values = (
                    writers.workshop_id,
                    new_key("i"),
                    topic_id,
                    quadrant,
                    text,
                    participant_id,
                    utc_now(),
                )
                try:
                    connection.execute("BEGIN IMMEDIATE")
                    connection.execute(INSERT_SQL, values)
                    connection.execute("COMMIT")
                except sqlite3.Error as error:
                    errors.append(f"{type(error).__name__}: {error}")
                    if connection.in_transaction:
                        connection.execute("ROLLBACK")

        return work

    try:
        seconds = _run_threads(
            [worker(c, p, items) for c, p, items in zip(connections, writers.participants, rows, strict=True)]
        )
    finally:
        for connection in connections:
            connection.close()
    return seconds, errors


def count_rows(engine: Engine, tag: str) -> int:
    with read_session(engine) as session:
        return int(session.scalar(select(func.count()).select_from(Item).where(Item.text.like(f"{tag} n°%"))))


def bench_writes(writers: Writers, scale: float, runs: int, per_writer: int) -> list[Figure]:
    """`runs` rounds of each (alternating, after a warm-up), `per_writer` items per writer: the
    throughput against the floor, and the items lost (sent, acknowledged or not, but not found)."""
    engine = open_database(f"sqlite:///{writers.path}")
    subject, floor, lost, problems = [], [], 0, []
    expected = len(writers.participants) * per_writer
    try:
        for index in range(runs + 1):
            order = ("domaine", "brut") if index % 2 == 0 else ("brut", "domaine")
            for kind in order:
                tag = f"banc {kind} {index}"
                count = per_writer if index else 1  # round 0 warms the pool and the file up
                if kind == "domaine":
                    seconds, errors = domain_run(engine, writers, tag, count)
                else:
                    seconds, errors = raw_run(writers, tag, count)
                written = count_rows(engine, tag)
                wanted = len(writers.participants) * count
                if kind == "domaine":
                    lost += wanted - written
                if written != wanted or errors:
                    problems.append(
                        f"{kind} {index} : {written}/{wanted} lignes, {len(errors)} erreurs {errors[:1]}"
                    )
                if index:
                    (subject if kind == "domaine" else floor).append(written / seconds)
    finally:
        engine.dispose()
    notes = tuple(problems) or (f"{expected} contributions par mesure, toutes retrouvées en base",)
    return [
        Figure(
            "writes.add_item",
            f"{len(writers.participants)} rédacteurs simultanés (contributions.add_item)",
            scale,
            Samples.of(subject),
            Samples.of(floor),
            floor_title="les mêmes lignes par sqlite3, une transaction chacune, mêmes pragmas",
            unit="contributions/s",
            targets=(TARGET,),
            notes=notes,
        ),
        Figure(
            "writes.lost",
            f"{len(writers.participants)} rédacteurs simultanés : contributions perdues",
            scale,
            Samples.of([lost]),
            unit="perdues",
            targets=(Target(Goal.AT_MOST, 0),),
            notes=("comptées en base après chaque mesure, échauffement compris",),
        ),
    ]
