"""Automatic backups: snapshots written whole or not at all, rotated, one per interval whatever the
number of processes, read without blocking a partner's tap, and restorable with `import --replace`."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select

from ctg_workshop.archive import backups
from ctg_workshop.archive.backups import (
    BackupSettings,
    Snapshot,
    backup_open_workshops,
    backup_workshop,
    claim_backup_turn,
    latest_snapshot,
    list_snapshots,
    rotate,
    run_backup_round,
    snapshot_path,
    snapshots_to_keep,
    start_backup_scheduler,
    stop_backup_schedulers,
    write_atomically,
)
from ctg_workshop.archive.dump import export_archive
from ctg_workshop.archive.load import import_archive
from ctg_workshop.cli.main import main
from ctg_workshop.day.phases import change_phase
from ctg_workshop.day.voting import add_dot
from ctg_workshop.errors import InvalidInputError
from ctg_workshop.storage.db import make_engine, open_database, read_session, snapshot_session, write_session
from ctg_workshop.storage.models import BackupLease, Item, Participant, Phase, Vote, Workshop

T0 = dt.datetime(2026, 11, 15, 9, 0, 0)
FIVE_MINUTES = dt.timedelta(minutes=5)
PROJECT = Path(__file__).resolve().parents[1]


@pytest.fixture
def voting(engine: Engine, demo_archive: bytes) -> Engine:
    """The demo workshop (ARMDEMO) in the vote phase."""
    with write_session(engine) as session:
        workshop = import_archive(session=session, data=demo_archive)
        change_phase(session=session, workshop_id=workshop.id, phase=Phase.VOTE)
    return engine


@pytest.fixture
def second_process(engine: Engine):
    other = make_engine(engine.url.render_as_string(hide_password=False))
    yield other
    other.dispose()


def _snapshot(directory: Path, when: dt.datetime, phase: str = "vote") -> Snapshot:
    path = snapshot_path(directory, "ARMDEMO", when, phase)
    write_atomically(path, b"{}")
    return Snapshot(path, "ARMDEMO", when, phase)


# --------------------------------------------------------------------------- rotation


def test_rotation_keeps_the_last_24_and_one_per_day(tmp_path: Path) -> None:
    # Three days: 10 snapshots on the 13th, 10 on the 14th, 30 on the 15th (every 5 minutes).
    times = [
        dt.datetime(2026, 11, day, 9, 0) + n * FIVE_MINUTES
        for day, count in ((13, 10), (14, 10), (15, 30))
        for n in range(count)
    ]
    for when in times:
        _snapshot(tmp_path, when)
    removed = rotate(tmp_path, "ARMDEMO")
    kept = [s.taken_at for s in list_snapshots(tmp_path, "ARMDEMO")]
    assert kept == [times[9], times[19], times[25], *times[-24:]]  # days 13, 14, 15, then the last 24
    assert len(removed) == len(times) - len(kept)
    # Nothing to remove the second time.
    assert rotate(tmp_path, "ARMDEMO") == []


def test_rotation_of_few_snapshots_keeps_them_all() -> None:
    few = [Snapshot(Path(f"x{n}"), "ARMDEMO", T0 + n * FIVE_MINUTES, "vote") for n in range(5)]
    assert snapshots_to_keep(few) == few
    assert snapshots_to_keep([]) == []


# --------------------------------------------------------------------------- atomicity


def test_a_failed_write_leaves_the_previous_snapshot_intact(tmp_path: Path, monkeypatch) -> None:
    previous = _snapshot(tmp_path, T0)
    before = previous.path.read_bytes()

    def broken_rename(*_args, **_kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(backups.os, "replace", broken_rename)
    with pytest.raises(OSError):
        write_atomically(snapshot_path(tmp_path, "ARMDEMO", T0 + FIVE_MINUTES, "vote"), b'{"nouveau": 1}')
    assert previous.path.read_bytes() == before
    assert [s.path for s in list_snapshots(tmp_path, "ARMDEMO")] == [previous.path]
    assert not list((tmp_path / "ARMDEMO").glob(".*.tmp"))  # the temporary file removed


def test_a_crash_mid_write_leaves_the_previous_snapshot_intact(tmp_path: Path) -> None:
    """A real crash: a process killed (SIGKILL, nothing runs after it) once the new data is
    written to the temporary file, before the rename."""
    previous = _snapshot(tmp_path, T0)
    before = previous.path.read_bytes()
    script = textwrap.dedent(
        f"""
        import datetime as dt, os, signal
        from pathlib import Path
        from ctg_workshop.archive import backups
        real_fsync = os.fsync
        def crash(descriptor):
            real_fsync(descriptor)
            os.kill(os.getpid(), signal.SIGKILL)
        backups.os.fsync = crash
        target = backups.snapshot_path(Path({str(tmp_path)!r}), "ARMDEMO", dt.datetime(2026, 11, 15, 9, 5), "vote")
        backups.write_atomically(target, b"x" * 5_000_000)
        """
    )
    crashed = subprocess.run([sys.executable, "-c", script], cwd=PROJECT, capture_output=True, timeout=60)
    assert crashed.returncode == -9, crashed.stderr.decode()
    leftovers = list((tmp_path / "ARMDEMO").glob(".*.tmp"))
    assert len(leftovers) == 1 and leftovers[0].stat().st_size == 5_000_000  # the crash's half-work
    assert previous.path.read_bytes() == before
    assert [s.path for s in list_snapshots(tmp_path, "ARMDEMO")] == [previous.path]
    assert latest_snapshot(tmp_path, "ARMDEMO") == previous
    # The leftover goes with a later rotation, once it is surely not a write in progress.
    assert rotate(tmp_path, "ARMDEMO", now=T0) == []
    later = dt.datetime.now(dt.UTC).replace(tzinfo=None) + dt.timedelta(hours=2)
    assert rotate(tmp_path, "ARMDEMO", now=later) == leftovers


# --------------------------------------------------------------------------- snapshots


def test_a_snapshot_restores_into_an_empty_database(voting: Engine, tmp_path: Path, sqlite_url: str) -> None:
    snapshot = backup_workshop(voting, "ARMDEMO", directory=tmp_path, now=T0)
    assert snapshot.path == tmp_path / "ARMDEMO" / "ARMDEMO-20261115T090000Z-vote.json"
    assert json.loads(snapshot.path.read_bytes())["exported_at"] == "2026-11-15T09:00:00Z"
    with read_session(voting) as session:
        original = export_archive(session=session, code="ARMDEMO", exported_at=T0)
    empty = open_database(sqlite_url if voting.dialect.name == "postgresql" else sqlite_url + "-vide")
    try:
        assert (
            main(
                [
                    "--database-url",
                    empty.url.render_as_string(False),
                    "import",
                    str(snapshot.path),
                    "--replace",
                ]
            )
            == 0
        )
        with read_session(empty) as session:
            assert export_archive(session=session, code="ARMDEMO", exported_at=T0) == original
    finally:
        empty.dispose()


def test_an_unchanged_workshop_is_not_written_again(voting: Engine, tmp_path: Path) -> None:
    first = backup_open_workshops(voting, directory=tmp_path, now=T0)
    assert [s.code for s in first] == ["ARMDEMO"]
    assert backup_open_workshops(voting, directory=tmp_path, now=T0 + FIVE_MINUTES) == []
    _one_dot(voting)
    assert len(backup_open_workshops(voting, directory=tmp_path, now=T0 + 2 * FIVE_MINUTES)) == 1
    assert len(list_snapshots(tmp_path, "ARMDEMO")) == 2


def test_a_closed_workshop_gets_one_last_snapshot_then_none(
    voting: Engine, tmp_path: Path, demo_archive
) -> None:
    with write_session(voting) as session:
        import_archive(session=session, data=demo_archive, as_code="ANCIEN1")
        session.execute(Workshop.__table__.update().where(Workshop.code == "ANCIEN1").values(phase="closed"))
    assert [s.code for s in backup_open_workshops(voting, directory=tmp_path, now=T0)] == ["ARMDEMO"]
    with write_session(voting) as session:
        workshop = session.scalar(select(Workshop).where(Workshop.code == "ARMDEMO"))
        change_phase(session=session, workshop_id=workshop.id, phase=Phase.CLOSED)
    final = backup_open_workshops(voting, directory=tmp_path, now=T0 + FIVE_MINUTES)
    assert [(s.code, s.phase) for s in final] == [("ARMDEMO", "closed")]
    assert backup_open_workshops(voting, directory=tmp_path, now=T0 + 2 * FIVE_MINUTES) == []


def _one_dot(engine: Engine) -> None:
    with write_session(engine) as session:
        participant, item = _voter_and_item(session)
        add_dot(session=session, participant_id=participant, item_id=item)


def _voter_and_item(session) -> tuple[int, int]:
    """A participant with dots left on a topic, and an item of that topic open to dots."""
    workshop = session.scalar(select(Workshop).where(Workshop.code == "ARMDEMO"))
    for participant in session.scalars(select(Participant.id).where(Participant.workshop_id == workshop.id)):
        for topic in workshop.topics:
            spent = session.scalar(
                select(func.coalesce(func.sum(Vote.dots), 0))
                .join(Item, Item.id == Vote.item_id)
                .where(Vote.participant_id == participant, Item.topic_id == topic.id)
            )
            if spent >= workshop.vote_budget:
                continue
            voted = select(Vote.item_id).where(Vote.participant_id == participant)
            item = session.scalar(
                select(Item.id).where(
                    Item.topic_id == topic.id,
                    Item.hidden.is_(False),
                    Item.merged_into_id.is_(None),
                    Item.id.not_in(voted),
                )
            )
            if item is not None:
                return participant, item
    raise AssertionError("no dot left to place in the demo")


def test_a_backup_read_never_blocks_a_tap_and_sees_one_instant(voting: Engine) -> None:
    """A write commits while a backup's read transaction is open (SQLite WAL: a reader holds no
    lock a writer waits for; PostgreSQL: plain reads lock no row), and the read goes on seeing
    the database as it was when it started."""
    done = threading.Event()
    with snapshot_session(voting) as reading:
        before = reading.scalar(select(func.count()).select_from(Vote))
        writer = threading.Thread(target=lambda: (_one_dot(voting), done.set()))
        writer.start()
        assert done.wait(timeout=20), "the tap waited for the backup"
        writer.join()
        assert reading.scalar(select(func.count()).select_from(Vote)) == before
    with read_session(voting) as session:
        assert session.scalar(select(func.count()).select_from(Vote)) == before + 1


# --------------------------------------------------------------------------- who writes


def test_the_lease_gives_each_round_to_one_process(voting: Engine, second_process: Engine) -> None:
    def claim(engine: Engine, holder: str, now: dt.datetime) -> bool:
        with write_session(engine) as session:
            return claim_backup_turn(session=session, holder=holder, interval=FIVE_MINUTES, now=now)

    assert claim(voting, "a", T0)
    assert not claim(second_process, "b", T0 + dt.timedelta(seconds=10))
    assert not claim(voting, "a", T0 + dt.timedelta(minutes=4))
    assert claim(second_process, "b", T0 + FIVE_MINUTES)  # whoever comes first once it is due
    with read_session(voting) as session:
        lease = session.get_one(BackupLease, "snapshots")
        assert (lease.holder, lease.due_at) == ("b", T0 + 2 * FIVE_MINUTES)


def test_two_processes_at_the_same_instant_write_one_snapshot(voting, second_process, tmp_path) -> None:
    settings = BackupSettings(tmp_path, FIVE_MINUTES)
    barrier = threading.Barrier(2)
    results: dict[str, object] = {}

    def process(engine: Engine, holder: str) -> None:
        barrier.wait()
        results[holder] = run_backup_round(engine, settings, holder=holder, now=T0)

    threads = [
        threading.Thread(target=process, args=(e, h)) for e, h in ((voting, "a"), (second_process, "b"))
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(results) == ["a", "b"]
    assert sum(result is not None for result in results.values()) == 1
    assert len(list_snapshots(tmp_path, "ARMDEMO")) == 1


def test_a_missing_lease_row_is_put_back_by_the_first_claim(voting: Engine) -> None:
    with write_session(voting) as session:
        session.execute(BackupLease.__table__.delete())
    with write_session(voting) as session:
        assert claim_backup_turn(session=session, holder="a", interval=FIVE_MINUTES, now=T0)
    with write_session(voting) as session:
        assert not claim_backup_turn(session=session, holder="b", interval=FIVE_MINUTES, now=T0)


def test_the_scheduler_thread_writes_snapshots_once_per_process(voting: Engine, tmp_path: Path) -> None:
    settings = BackupSettings(tmp_path, dt.timedelta(seconds=1))
    scheduler = start_backup_scheduler(voting, settings)
    try:
        assert start_backup_scheduler(voting, settings) is scheduler  # the engine's second creation
        deadline = time.monotonic() + 30
        while not list_snapshots(tmp_path, "ARMDEMO") and time.monotonic() < deadline:
            time.sleep(0.1)
        assert list_snapshots(tmp_path, "ARMDEMO")
    finally:
        stop_backup_schedulers([scheduler])
    assert not scheduler.alive()


def test_settings_from_the_environment(monkeypatch, tmp_path: Path) -> None:
    monkeypatch.delenv(backups.MINUTES_ENV, raising=False)
    monkeypatch.delenv(backups.DIRECTORY_ENV, raising=False)
    default = BackupSettings.from_environment()
    assert (default.directory, default.interval) == (PROJECT / "data" / "backups", FIVE_MINUTES)
    monkeypatch.setenv(backups.MINUTES_ENV, "0,5")
    monkeypatch.setenv(backups.DIRECTORY_ENV, str(tmp_path))
    assert BackupSettings.from_environment() == BackupSettings(tmp_path, dt.timedelta(seconds=30))
    monkeypatch.setenv(backups.MINUTES_ENV, "0")
    assert BackupSettings.from_environment().interval is None
    assert start_backup_scheduler(make_engine(f"sqlite:///{tmp_path / 'x.sqlite3'}")) is None
    monkeypatch.setenv(backups.MINUTES_ENV, "cinq")
    with pytest.raises(InvalidInputError, match="CTG_BACKUP_MINUTES"):
        BackupSettings.from_environment()


def test_backup_command(voting: Engine, tmp_path: Path, capsys) -> None:
    url = voting.url.render_as_string(hide_password=False)
    assert main(["--database-url", url, "backup", "armdemo", "--dossier", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    [snapshot] = list_snapshots(tmp_path, "ARMDEMO")
    assert f"Sauvegarde écrite : {snapshot.path}" in out and "--replace" in out
    assert main(["--database-url", url, "backup", "NOPE42", "--dossier", str(tmp_path)]) == 2
    assert "Aucun atelier ne porte le code « NOPE42 »" in capsys.readouterr().err
    os.chmod(tmp_path / "ARMDEMO", 0o500)
    try:
        if os.geteuid() != 0:  # root writes anyway
            assert main(["--database-url", url, "backup", "ARMDEMO", "--dossier", str(tmp_path)]) == 2
            assert "Impossible d'écrire la sauvegarde" in capsys.readouterr().err
    finally:
        os.chmod(tmp_path / "ARMDEMO", 0o700)


def test_restoring_over_the_live_workshop_keeps_links_and_passphrase(voting: Engine, tmp_path: Path) -> None:
    """A wrong click: the facilitator restores the snapshot of ten minutes ago in the same
    database. Phones, the projection and the facilitator go on as before; what the snapshot
    holds is back."""
    from ctg_workshop.access import check_facilitator, ensure_view_token, set_facilitator_passphrase
    from ctg_workshop.day.joining import participant_by_token
    from ctg_workshop.day.paper import new_card_author

    with write_session(voting) as session:
        workshop = session.scalar(select(Workshop).where(Workshop.code == "ARMDEMO"))
        set_facilitator_passphrase(session=session, workshop_id=workshop.id, passphrase="phrase-de-test")
        view = ensure_view_token(session=session, workshop_id=workshop.id)
        workshop.show_organisations = False
        card = new_card_author(session=session, workshop_id=workshop.id, organisation="Carte papier")
        token = session.get_one(Participant, card.participant_id).token
    snapshot = backup_workshop(voting, "ARMDEMO", directory=tmp_path, now=T0)
    with write_session(voting) as session:
        session.execute(Vote.__table__.delete())  # the wrong click
    url = voting.url.render_as_string(hide_password=False)
    assert main(["--database-url", url, "import", str(snapshot.path), "--replace"]) == 0
    with write_session(voting) as session:
        workshop = session.scalar(select(Workshop).where(Workshop.code == "ARMDEMO"))
        assert check_facilitator(session=session, code="ARMDEMO", passphrase="phrase-de-test") == workshop.id
        assert (workshop.view_token, workshop.show_organisations) == (view, False)
        again = participant_by_token(session=session, token=token, code="ARMDEMO")
        assert again is not None and again.organisation == "Carte papier"
        assert session.get_one(Participant, again.participant_id).entered_by_facilitator
        assert session.scalar(select(func.count()).select_from(Vote)) > 0


def test_the_scheduler_writes_a_round_in_a_child_process(voting: Engine, tmp_path: Path, monkeypatch) -> None:
    # Not in this process: the snapshot's reading and serialising never hold the server's
    # interpreter lock, which the partners' taps need.
    def not_here(*_args, **_kwargs):
        raise AssertionError("written in the server's process")

    monkeypatch.setattr(backups, "backup_open_workshops", not_here)
    assert backups.backup_in_child_process(voting, directory=tmp_path, now=T0)
    [snapshot] = list_snapshots(tmp_path, "ARMDEMO")
    assert snapshot.taken_at == T0 and snapshot.phase == "vote"
    assert json.loads(snapshot.path.read_bytes())["workshop"]["code"] == "ARMDEMO"


def test_the_child_process_works_from_any_working_directory(
    voting: Engine, tmp_path: Path, monkeypatch
) -> None:
    monkeypatch.chdir(tmp_path)  # a service started elsewhere than the project's folder
    monkeypatch.delenv("PYTHONPATH", raising=False)
    assert backups.backup_in_child_process(voting, directory=tmp_path / "sauvegardes", now=T0)
    assert len(list_snapshots(tmp_path / "sauvegardes", "ARMDEMO")) == 1


def test_the_child_gets_the_database_through_its_environment(monkeypatch, tmp_path: Path) -> None:
    engine = make_engine("postgresql+psycopg://ctg:secret-word@127.0.0.1:9/ctg")
    seen = {}

    def fake_run(command, **options):
        seen.update(command=command, env=options["env"])
        return subprocess.CompletedProcess(command, 0, "", "")

    monkeypatch.setattr(backups.subprocess, "run", fake_run)
    assert backups.backup_in_child_process(engine, directory=tmp_path, now=T0)
    assert not any("secret-word" in part for part in seen["command"])  # `ps` shows the command line
    assert "secret-word" in seen["env"]["CTG_DATABASE_URL"]
    assert seen["env"][backups.DIRECTORY_ENV] == str(tmp_path)
    engine.dispose()


def test_a_failed_child_is_logged_and_the_server_goes_on(tmp_path: Path, caplog) -> None:
    missing = make_engine(f"sqlite:///{tmp_path / 'absent' / 'nowhere' / 'base.sqlite3'}")
    assert not backups.backup_in_child_process(missing, directory=tmp_path / "sauvegardes", now=T0)
    assert "Sauvegarde automatique en échec" in caplog.text
    missing.dispose()
