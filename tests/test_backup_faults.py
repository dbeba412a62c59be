"""The disk is lost: the latest automatic backup brings back everything partners were told was saved
before it was taken.

A real server (the deployment's launcher) takes a snapshot every 3 seconds while phones (the load
driver) write items, then spend dots. Once a snapshot taken after a dozen acknowledged dots is on
disk, the server is killed with SIGKILL. The latest snapshot is then imported with
`import --replace` into an EMPTY database: every item and every dot acknowledged before the
snapshot's time is there (a dot changed again around that time may hold either value), and
nothing that the original database did not hold.

Every wait is bounded and on a signal (the ledger's acknowledgements, the snapshot files).
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from sqlalchemy import select

from ctg_workshop.archive.backups import latest_snapshot
from ctg_workshop.cli.main import main
from ctg_workshop.storage.db import make_engine, read_session
from ctg_workshop.storage.models import Item, Participant, Topic, Vote, Workshop
from ctg_workshop.text import clean_item_text
from measure.harness.demo import load_demo, set_phase
from measure.harness.streamlit_server import StreamlitServer, start_streamlit
from measure.loadtest import AppSession, LatencyRecorder, LoadTestError
from measure.loadtest.ledger import Ledger, Outcome
from measure.loadtest.scenarios import Pace, ScenarioOptions, partner
from tests.support.partners import run

PARTNERS = 6
DOTS_BEFORE_SNAPSHOT = 12
ACTION_TIMEOUT_S = 30.0
STAGE_TIMEOUT_S = 120.0
BACKUP_ENV = {"CTG_BACKUP_MINUTES": "0.05"}  # every 3 seconds


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


@dataclass
class Timeline:
    """When each acknowledgement and each unanswered action was recorded (this machine's clock,
    the server's too): what the partners had been told by a given instant."""

    items: list[tuple[dt.datetime, object]] = field(default_factory=list)
    # (token, item id) -> [(time, dots shown or possibly written, acknowledged?)]
    dots: dict[tuple[str, int], list[tuple[dt.datetime, int, bool]]] = field(default_factory=dict)
    _seen_items: int = 0
    _seen_votes: dict[tuple[str, int], tuple[int, frozenset[int]]] = field(default_factory=dict)

    def watch(self, ledger: Ledger) -> None:
        now = _now()
        for record in ledger.items[self._seen_items :]:
            self.items.append((now, record))
        self._seen_items = len(ledger.items)
        for key, record in ledger.votes.items():
            state = (record.dots, frozenset(record.doubt))
            if self._seen_votes.get(key) == state:
                continue
            history = self.dots.setdefault(key, [])
            if not record.doubt:
                history.append((now, record.dots, True))
            for value in record.doubt - self._seen_votes.get(key, (0, frozenset()))[1]:
                history.append((now, value, False))
            self._seen_votes[key] = state

    def acknowledged_dots_before(self, instant: dt.datetime) -> int:
        return sum(1 for history in self.dots.values() for when, _, ack in history if ack and when < instant)


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest) -> str:
    return request.getfixturevalue("sqlite_url" if request.param == "sqlite" else "postgres_url")


@pytest.fixture
def empty_url(request: pytest.FixtureRequest, database_url: str, tmp_path: Path) -> Iterator[str]:
    """An empty database of the same kind, where the backup is restored."""
    if database_url.startswith("sqlite"):
        yield f"sqlite:///{tmp_path / 'restauree.sqlite3'}"
        return
    server = request.getfixturevalue("postgres_server")
    url = server.create_database("r")
    yield url
    server.drop_database(url)


async def phones(
    server: StreamlitServer, options: ScenarioOptions, stop: Callable[[Ledger], bool] | None
) -> None:
    """PARTNERS phones run the partner scenario to its end, or until `stop(ledger)` holds."""
    stopped = asyncio.Event()
    recorder = LatencyRecorder()
    watch = options.ledger.on_record

    def on_record(ledger: Ledger) -> None:
        if watch is not None:
            watch(ledger)
        if stop is not None and not stopped.is_set() and stop(ledger):
            server.kill()
            stopped.set()

    options.ledger.on_record = on_record

    async def phone(index: int) -> None:
        async with AppSession(server.url, recorder=recorder, action_timeout=ACTION_TIMEOUT_S) as tab:
            with contextlib.suppress(LoadTestError):
                await partner(options, index)(tab)

    tasks = [asyncio.create_task(phone(index)) for index in range(PARTNERS)]
    try:
        async with asyncio.timeout(STAGE_TIMEOUT_S):
            if stop is not None:
                await stopped.wait()
            await asyncio.gather(*tasks)
    finally:
        options.ledger.on_record = watch
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)


@dataclass(frozen=True)
class Keys:
    """What the original database calls things: tokens and ids become archive keys."""

    participant_by_token: dict[str, str]
    item_by_id: dict[int, str]
    items: dict[str, tuple[str | None, str, str, str]]  # key -> (author key, topic key, quadrant, text)


def _keys(database_url: str, code: str) -> Keys:
    engine = make_engine(database_url)
    try:
        with read_session(engine) as session:
            workshop_id = session.scalar(select(Workshop.id).where(Workshop.code == code))
            participants = session.execute(
                select(Participant.id, Participant.token, Participant.key).where(
                    Participant.workshop_id == workshop_id
                )
            ).all()
            authors = {pid: key for pid, _, key in participants}
            rows = session.execute(
                select(Item.id, Item.key, Item.author_id, Topic.key, Item.quadrant, Item.text)
                .join(Topic, Topic.id == Item.topic_id)
                .where(Item.workshop_id == workshop_id)
            ).all()
    finally:
        engine.dispose()
    return Keys(
        {token: key for _, token, key in participants},
        {row[0]: row[1] for row in rows},
        {row[1]: (authors.get(row[2]), row[3], str(row[4]), row[5]) for row in rows},
    )


def _restored(url: str, code: str) -> tuple[dict[str, tuple], dict[tuple[str, str], int]]:
    """The restored workshop's items (by key) and dots (by participant key, item key)."""
    engine = make_engine(url)
    try:
        with read_session(engine) as session:
            workshop_id = session.scalar(select(Workshop.id).where(Workshop.code == code))
            items = {
                key: (author, topic, str(quadrant), body)
                for key, author, topic, quadrant, body in session.execute(
                    select(Item.key, Participant.key, Topic.key, Item.quadrant, Item.text)
                    .join(Topic, Topic.id == Item.topic_id)
                    .outerjoin(Participant, Participant.id == Item.author_id)
                    .where(Item.workshop_id == workshop_id)
                )
            }
            dots = {
                (participant, item): value
                for participant, item, value in session.execute(
                    select(Participant.key, Item.key, Vote.dots)
                    .join(Participant, Participant.id == Vote.participant_id)
                    .join(Item, Item.id == Vote.item_id)
                    .where(Vote.workshop_id == workshop_id)
                )
            }
    finally:
        engine.dispose()
    return items, dots


@pytest.mark.heavy
def test_the_latest_backup_restores_everything_acknowledged_before_it(
    database_url: str, empty_url: str, tmp_path: Path
) -> None:
    backups = tmp_path / "sauvegardes"
    workshop = load_demo(database_url, "collect")
    server = start_streamlit(database_url, env={**BACKUP_ENV, "CTG_BACKUP_DIR": str(backups)})
    timeline = Timeline()
    ledger = Ledger(code=workshop.code, on_record=timeline.watch)
    try:
        # 1. Partners write items.
        writing = ScenarioOptions(
            code=workshop.code, ledger=ledger, tag="disque-recueil", steps=6, pace=Pace()
        )
        run(phones(server, writing, None), timeout=STAGE_TIMEOUT_S + 30)
        # 2. The vote: killed once a snapshot taken after a dozen acknowledged dots is on disk.
        set_phase(database_url, workshop.code, "vote")

        def snapshot_after_enough_dots(_ledger: Ledger) -> bool:
            latest = latest_snapshot(backups, workshop.code)
            return (
                latest is not None
                and latest.phase == "vote"
                and timeline.acknowledged_dots_before(latest.taken_at) >= DOTS_BEFORE_SNAPSHOT
            )

        voting = ScenarioOptions(code=workshop.code, ledger=ledger, tag="disque-vote", steps=60, pace=Pace())
        run(phones(server, voting, snapshot_after_enough_dots), timeout=STAGE_TIMEOUT_S + 30)
        assert not server.running()
    finally:
        server.stop()

    snapshot = latest_snapshot(backups, workshop.code)  # a write cut by the kill is not a snapshot
    assert snapshot is not None and snapshot.phase == "vote"
    assert main(["--database-url", empty_url, "import", str(snapshot.path), "--replace"]) == 0
    original = _keys(database_url, workshop.code)
    items, dots = _restored(empty_url, workshop.code)

    # Nothing forged: every restored item is the original database's, word for word.
    assert all(original.items.get(key) == value for key, value in items.items())
    # Every item acknowledged before the snapshot's time is there.
    acknowledged = [
        r for when, r in timeline.items if r.outcome is Outcome.ACKNOWLEDGED and when < snapshot.taken_at
    ]
    assert len(acknowledged) >= PARTNERS
    present = set(items.values())
    for record in acknowledged:
        author = original.participant_by_token[record.token]
        assert (author, record.topic_key, record.quadrant, clean_item_text(record.text)) in present, record
    # Every dot acknowledged before it: the value shown then, or one of the changes after it.
    checked = 0
    for (token, item_id), history in timeline.dots.items():
        before = [i for i, (when, _, ack) in enumerate(history) if ack and when < snapshot.taken_at]
        if not before:
            continue
        allowed = {value for _, value, _ in history[before[-1] :]}
        restored = dots.get((original.participant_by_token[token], original.item_by_id[item_id]), 0)
        assert restored in allowed, (token, item_id, history, snapshot.taken_at)
        checked += 1
    assert checked >= 1 and timeline.acknowledged_dots_before(snapshot.taken_at) >= DOTS_BEFORE_SNAPSHOT
