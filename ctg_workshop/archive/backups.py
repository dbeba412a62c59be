"""Automatic backups: while a workshop is open, its archive every few minutes, kept on disk.

- **What**: the workshop's archive (`dump.export_archive`, the spec's format): restoring one is
  `python -m ctg_workshop import FICHIER --replace` (README; `restore_archive` keeps the access
  an archive does not carry when the workshop is still in the database). One folder per workshop under the
  backups folder (`CTG_BACKUP_DIR`, default `data/backups/`), one file per snapshot:
  `ARMDEMO/ARMDEMO-20261115T101500Z-vote.json` (the time, UTC, and the workshop's phase).
- **When**: every `CTG_BACKUP_MINUTES` minutes (default 5; 0 turns automatic backups off) for
  every workshop that is not closed, and once more after it is closed (its final state). A
  snapshot identical to the previous one (the export time aside) is not written again: an idle
  lunch break does not push the morning out of the rotation. `python -m ctg_workshop backup
  CODE` writes one on demand.
- **Kept**: the last `KEEP_LATEST` snapshots of each workshop, and before them the last one of
  each day (UTC).
- **Safe**: written to a temporary file in the same folder, flushed to disk, then renamed over
  its final name: a crash while writing leaves the previous snapshots intact and no half file
  under a snapshot's name. Read in one `snapshot_session` (storage/db.py): a read transaction
  that sees one instant and never blocks a partner's tap, on SQLite (WAL) and PostgreSQL alike.
- **Who**: each server process starts one scheduler thread (`start_backup_scheduler`, called
  once from the engine's creation). Before a round, a process claims it in the database: a
  conditional UPDATE of the `backup_lease` row moves its due time forward only if it has come;
  the one whose UPDATE changed the row writes the snapshots. With two processes behind nginx,
  one snapshot per interval, whichever process wins; if one dies, the other takes over.
- **Never in a tap's way**: the claiming process does not write the snapshots itself but starts
  a child process at low priority (`python -m ctg_workshop.archive.backup_round`): reading and
  serialising the archive never holds the server's interpreter lock, which the partners' taps
  need (measured: `python -m measure.backups_under_load`, docs/capacity.md).
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Engine, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ctg_workshop.archive.backup_files import (
    KEEP_LATEST,
    STALE_TEMPORARY,
    Snapshot,
    latest_snapshot,
    list_snapshots,
    rotate,
    same_as,
    snapshot_path,
    snapshots_to_keep,
    write_atomically,
)
from ctg_workshop.archive.dump import export_archive
from ctg_workshop.archive.restore import restore_archive
from ctg_workshop.errors import InvalidInputError
from ctg_workshop.identifiers import utc_now
from ctg_workshop.storage.db import DATA_DIR, read_session, snapshot_session, write_session
from ctg_workshop.storage.models import BackupLease, Phase, Workshop

__all__ = [
    "DEFAULT_DIRECTORY",
    "DEFAULT_MINUTES",
    "DIRECTORY_ENV",
    "KEEP_LATEST",
    "MINUTES_ENV",
    "SCHEDULE",
    "STALE_TEMPORARY",
    "BackupScheduler",
    "BackupSettings",
    "Snapshot",
    "backup_due",
    "backup_in_child_process",
    "backup_open_workshops",
    "backup_workshop",
    "claim_backup_turn",
    "latest_snapshot",
    "list_snapshots",
    "restore_archive",
    "rotate",
    "run_backup_round",
    "snapshot_path",
    "snapshots_to_keep",
    "start_backup_scheduler",
    "stop_backup_schedulers",
    "workshops_to_back_up",
    "write_atomically",
]

MINUTES_ENV = "CTG_BACKUP_MINUTES"
DIRECTORY_ENV = "CTG_BACKUP_DIR"
DEFAULT_MINUTES = 5.0
DEFAULT_DIRECTORY = DATA_DIR / "backups"
SCHEDULE = "snapshots"

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class BackupSettings:
    directory: Path
    interval: dt.timedelta | None  # None: no automatic backups

    @classmethod
    def from_environment(cls) -> BackupSettings:
        """`CTG_BACKUP_DIR` and `CTG_BACKUP_MINUTES` (decimals allowed, 0: off)."""
        directory = Path(os.environ.get(DIRECTORY_ENV, "").strip() or DEFAULT_DIRECTORY)
        typed = os.environ.get(MINUTES_ENV, "").strip().replace(",", ".")
        try:
            minutes = float(typed) if typed else DEFAULT_MINUTES
        except ValueError:
            raise InvalidInputError(
                f"{MINUTES_ENV} : « {typed} » n'est pas un nombre de minutes (par exemple 5, ou 0 pour arrêter)."
            ) from None
        if minutes < 0:
            raise InvalidInputError(
                f"{MINUTES_ENV} : un nombre de minutes positif est attendu (0 pour arrêter)."
            )
        return cls(directory, dt.timedelta(minutes=minutes) if minutes else None)


# --------------------------------------------------------------------------- snapshots


def backup_workshop(
    engine: Engine,
    code: str,
    *,
    directory: Path,
    now: dt.datetime | None = None,
    only_if_changed: bool = False,
) -> Snapshot | None:
    """Write a snapshot of workshop `code` now and rotate its folder. With `only_if_changed`,
    nothing is written (None) when the archive equals the latest snapshot."""
    # Taken before the read starts: everything committed before this second is in the snapshot.
    taken_at = now or utc_now()
    with snapshot_session(engine) as session:
        phase = session.scalar(select(Workshop.phase).where(Workshop.code == code))
        archive = export_archive(session=session, code=code, exported_at=taken_at)
    if only_if_changed and same_as(latest_snapshot(directory, code), archive):
        return None
    snapshot = Snapshot(snapshot_path(directory, code, taken_at, str(phase)), code, taken_at, str(phase))
    write_atomically(snapshot.path, archive)
    rotate(directory, code, now=taken_at)
    return snapshot


def workshops_to_back_up(session: Session, directory: Path) -> list[str]:
    """Codes of the workshops not closed, and of those closed since their latest snapshot."""
    codes = []
    for code, phase in session.execute(select(Workshop.code, Workshop.phase).order_by(Workshop.code)):
        if phase != Phase.CLOSED:
            codes.append(code)
            continue
        latest = latest_snapshot(directory, code)
        if latest is not None and latest.phase != Phase.CLOSED.value:
            codes.append(code)
    return codes


def backup_open_workshops(
    engine: Engine, *, directory: Path, now: dt.datetime | None = None
) -> list[Snapshot]:
    """One automatic round: a snapshot of each workshop `workshops_to_back_up` names, when it
    changed since the previous one. A workshop that fails is logged; the others go on."""
    with read_session(engine) as session:
        codes = workshops_to_back_up(session, directory)
    written = []
    for code in codes:
        try:
            snapshot = backup_workshop(engine, code, directory=directory, now=now, only_if_changed=True)
        except Exception:
            log.exception("Sauvegarde automatique de l'atelier %s impossible", code)
            continue
        if snapshot is not None:
            written.append(snapshot)
    return written


# --------------------------------------------------------------------------- who writes


def claim_backup_turn(*, session: Session, holder: str, interval: dt.timedelta, now: dt.datetime) -> bool:
    """Whether this process writes the round due now: one conditional UPDATE moves the lease's
    due time to `now + interval` only if it has come. Two processes claiming at once: the
    second's UPDATE waits for the first (a row lock on PostgreSQL, BEGIN IMMEDIATE on SQLite),
    then finds the due time moved and changes nothing."""
    claimed = session.execute(
        update(BackupLease)
        .where(BackupLease.name == SCHEDULE, BackupLease.due_at <= now)
        .values(due_at=now + interval, holder=holder, claimed_at=now)
    )
    if claimed.rowcount == 1:
        return True
    if session.get(BackupLease, SCHEDULE) is not None:
        return False
    try:  # the row is missing (deleted by hand): the first to put it back has the turn
        with session.begin_nested():
            session.add(BackupLease(name=SCHEDULE, due_at=now + interval, holder=holder, claimed_at=now))
    except IntegrityError:
        return False
    return True


def backup_due(*, session: Session, now: dt.datetime) -> bool:
    """A cheap read before any write: has the next round's time come?"""
    due_at = session.scalar(select(BackupLease.due_at).where(BackupLease.name == SCHEDULE))
    return due_at is None or due_at <= now


# What writes a claimed round: in this process (`backup_open_workshops`) or in a child.
RoundWriter = Callable[..., object]
CHILD_TIMEOUT_S = 600.0
DATABASE_ENV = "CTG_DATABASE_URL"


def backup_in_child_process(engine: Engine, *, directory: Path, now: dt.datetime) -> bool:
    """Write the round's snapshots from a child process (`archive/backup_round.py`), so that
    the server's interpreter lock stays with the partners' taps. False (and a log) if it failed.
    The database's URL goes through the environment, not the command line (`ps` shows that)."""
    if engine.url.get_backend_name() == "sqlite" and engine.url.database in (None, "", ":memory:"):
        backup_open_workshops(engine, directory=directory, now=now)  # nothing a child could open
        return True
    # The child finds this package whatever the server's working directory (a service may start
    # elsewhere); relative paths (a SQLite file, the folder) stay relative to the same directory.
    package_root = str(Path(__file__).resolve().parents[2])
    inherited = os.environ.get("PYTHONPATH", "")
    env = {
        **os.environ,
        DATABASE_ENV: engine.url.render_as_string(hide_password=False),
        DIRECTORY_ENV: str(directory),
        "PYTHONPATH": package_root + (os.pathsep + inherited if inherited else ""),
    }
    command = [sys.executable, "-m", "ctg_workshop.archive.backup_round", now.isoformat()]
    try:
        done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=CHILD_TIMEOUT_S)
    except (OSError, subprocess.TimeoutExpired) as error:
        log.error("Sauvegarde automatique : processus impossible à lancer ou trop long (%s)", error)
        return False
    if done.returncode != 0:
        log.error("Sauvegarde automatique en échec (code %s) : %s", done.returncode, done.stderr[-2000:])
        return False
    if done.stderr.strip():  # a workshop that could not be saved (the others were)
        log.warning("Sauvegarde automatique : %s", done.stderr[-2000:])
    return True


def run_backup_round(
    engine: Engine,
    settings: BackupSettings,
    *,
    holder: str,
    now: dt.datetime | None = None,
    write: RoundWriter = backup_open_workshops,
) -> object:
    """Claim the round if it is due and `write` it (in this process by default); None when it
    was not this process's turn, else what `write` returned."""
    if settings.interval is None:
        return None
    now = now or utc_now()
    with read_session(engine) as session:
        if not backup_due(session=session, now=now):
            return None
    with write_session(engine) as session:
        if not claim_backup_turn(session=session, holder=holder, interval=settings.interval, now=now):
            return None
    return write(engine, directory=settings.directory, now=now)


class BackupScheduler:
    """The daemon thread of one server process: every `poll` seconds, `run_backup_round`."""

    def __init__(
        self,
        engine: Engine,
        settings: BackupSettings,
        holder: str | None = None,
        write: RoundWriter = backup_in_child_process,
    ) -> None:
        assert settings.interval is not None
        self.engine = engine
        self.settings = settings
        self.write = write
        self.holder = holder or f"{socket.gethostname()}:{os.getpid()}"
        # Often enough to start a round soon after it is due, rarely enough to cost nothing.
        self.poll_seconds = min(max(settings.interval.total_seconds() / 5, 0.2), 30.0)
        self._stopped = threading.Event()
        self._thread = threading.Thread(target=self._run, name="ctg-sauvegardes", daemon=True)

    def start(self) -> BackupScheduler:
        self._thread.start()
        return self

    def alive(self) -> bool:
        return self._thread.is_alive()

    def stop(self, timeout: float = 30.0) -> None:
        self._stopped.set()
        self._thread.join(timeout)

    def _run(self) -> None:
        while not self._stopped.is_set():
            started = time.monotonic()
            try:
                run_backup_round(self.engine, self.settings, holder=self.holder, write=self.write)
            except Exception:  # the database away for a moment: try again at the next poll
                log.exception("Tour de sauvegarde automatique impossible")
            self._stopped.wait(max(self.poll_seconds - (time.monotonic() - started), 0.0))


_schedulers: dict[str, BackupScheduler] = {}
_schedulers_lock = threading.Lock()


def start_backup_scheduler(engine: Engine, settings: BackupSettings | None = None) -> BackupScheduler | None:
    """Start this process's backup thread for `engine`'s database (once: a second call returns
    the running one). None when automatic backups are off (`CTG_BACKUP_MINUTES=0`)."""
    settings = settings or BackupSettings.from_environment()
    if settings.interval is None:
        return None
    key = engine.url.render_as_string(hide_password=False)
    with _schedulers_lock:
        running = _schedulers.get(key)
        if running is not None and running.alive():
            return running
        _schedulers[key] = BackupScheduler(engine, settings).start()
        return _schedulers[key]


def stop_backup_schedulers(schedulers: Iterable[BackupScheduler] | None = None) -> None:
    """Stop the given schedulers, or every one this process started (tests)."""
    with _schedulers_lock:
        chosen = list(schedulers) if schedulers is not None else list(_schedulers.values())
        for key, scheduler in list(_schedulers.items()):
            if scheduler in chosen:
                del _schedulers[key]
    for scheduler in chosen:
        scheduler.stop()
