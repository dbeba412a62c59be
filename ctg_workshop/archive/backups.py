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
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import re
import socket
import tempfile
import threading
import time
from collections.abc import Iterable
from contextlib import suppress
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Engine, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ctg_workshop.archive.dump import export_archive
from ctg_workshop.archive.load import import_archive, read_archive
from ctg_workshop.errors import InvalidInputError
from ctg_workshop.identifiers import utc_now
from ctg_workshop.storage.db import DATA_DIR, read_session, snapshot_session, write_session
from ctg_workshop.storage.models import BackupLease, Participant, Phase, Workshop

MINUTES_ENV = "CTG_BACKUP_MINUTES"
DIRECTORY_ENV = "CTG_BACKUP_DIR"
DEFAULT_MINUTES = 5.0
DEFAULT_DIRECTORY = DATA_DIR / "backups"
KEEP_LATEST = 24
SCHEDULE = "snapshots"
STALE_TEMPORARY = dt.timedelta(hours=1)
_STAMP = "%Y%m%dT%H%M%SZ"
_NAME = re.compile(r"^(?P<code>[A-Z0-9]{4,12})-(?P<stamp>\d{8}T\d{6}Z)-(?P<phase>[a-z]+)\.json$")
_EXPORTED_AT = re.compile(rb'"exported_at": "[^"]*"')

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


@dataclass(frozen=True)
class Snapshot:
    path: Path
    code: str
    taken_at: dt.datetime  # naive UTC, to the second: the archive's `exported_at`
    phase: str


# --------------------------------------------------------------------------- files


def write_atomically(path: Path, data: bytes) -> None:
    """Write `data` to `path` whole or not at all: a temporary file in the same folder, flushed
    to disk, renamed over `path` (atomic on one file system), then the folder flushed."""
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(descriptor, "wb") as file:
            file.write(data)
            file.flush()
            os.fsync(file.fileno())
        os.replace(temporary, path)
    except BaseException:
        with suppress(OSError):
            os.unlink(temporary)
        raise
    folder = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(folder)  # the rename itself survives a power cut
    finally:
        os.close(folder)


def snapshot_path(directory: Path, code: str, taken_at: dt.datetime, phase: str) -> Path:
    return directory / code / f"{code}-{taken_at.strftime(_STAMP)}-{phase}.json"


def list_snapshots(directory: Path, code: str) -> list[Snapshot]:
    """The workshop's snapshots, oldest first (temporary files and anything else ignored)."""
    folder = directory / code
    if not folder.is_dir():
        return []
    found = []
    for path in folder.iterdir():
        match = _NAME.match(path.name)
        if match and match["code"] == code and path.is_file():
            taken_at = dt.datetime.strptime(match["stamp"], _STAMP)
            found.append(Snapshot(path, code, taken_at, match["phase"]))
    return sorted(found, key=lambda s: (s.taken_at, s.path.name))


def latest_snapshot(directory: Path, code: str) -> Snapshot | None:
    snapshots = list_snapshots(directory, code)
    return snapshots[-1] if snapshots else None


def snapshots_to_keep(snapshots: list[Snapshot], keep_latest: int = KEEP_LATEST) -> list[Snapshot]:
    """The newest `keep_latest`, and before them the newest of each day (oldest first)."""
    ordered = sorted(snapshots, key=lambda s: (s.taken_at, s.path.name))
    latest = ordered[-keep_latest:] if keep_latest else []
    last_of_day: dict[dt.date, Snapshot] = {}
    for snapshot in ordered[: len(ordered) - len(latest)]:
        last_of_day[snapshot.taken_at.date()] = snapshot
    return [*last_of_day.values(), *latest]


def rotate(
    directory: Path, code: str, *, keep_latest: int = KEEP_LATEST, now: dt.datetime | None = None
) -> list[Path]:
    """Delete the workshop's snapshots `snapshots_to_keep` leaves out, and temporary files an
    interrupted write left behind (older than an hour). Returns what was deleted."""
    snapshots = list_snapshots(directory, code)
    kept = {s.path for s in snapshots_to_keep(snapshots, keep_latest)}
    doomed = [s.path for s in snapshots if s.path not in kept]
    limit = (now or utc_now()) - STALE_TEMPORARY
    for path in (directory / code).glob(".*.tmp"):
        with suppress(OSError):
            if dt.datetime.fromtimestamp(path.stat().st_mtime, dt.UTC).replace(tzinfo=None) < limit:
                doomed.append(path)
    for path in doomed:
        with suppress(FileNotFoundError):
            path.unlink()
    return doomed


def _content(archive: bytes) -> bytes:
    """The archive without its export time: what tells two snapshots apart."""
    return _EXPORTED_AT.sub(b"", archive, count=1)


def _same_as(snapshot: Snapshot | None, archive: bytes) -> bool:
    if snapshot is None:
        return False
    try:
        return _content(snapshot.path.read_bytes()) == _content(archive)
    except OSError:
        return False


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
    if only_if_changed and _same_as(latest_snapshot(directory, code), archive):
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


def run_backup_round(
    engine: Engine, settings: BackupSettings, *, holder: str, now: dt.datetime | None = None
) -> list[Snapshot] | None:
    """Claim the round if it is due and write it; None when it was not this process's turn."""
    if settings.interval is None:
        return None
    now = now or utc_now()
    with read_session(engine) as session:
        if not backup_due(session=session, now=now):
            return None
    with write_session(engine) as session:
        if not claim_backup_turn(session=session, holder=holder, interval=settings.interval, now=now):
            return None
    return backup_open_workshops(engine, directory=settings.directory, now=now)


class BackupScheduler:
    """The daemon thread of one server process: every `poll` seconds, `run_backup_round`."""

    def __init__(self, engine: Engine, settings: BackupSettings, holder: str | None = None) -> None:
        assert settings.interval is not None
        self.engine = engine
        self.settings = settings
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
                run_backup_round(self.engine, self.settings, holder=self.holder)
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


# --------------------------------------------------------------------------- restoring


@dataclass(frozen=True)
class _Access:
    """What an archive does not carry but a restore into the same database should keep."""

    facilitator_secret_hash: str | None
    view_token: str | None
    show_organisations: bool
    tokens: dict[str, str]  # participant key -> token (their links and cookies)
    paper: frozenset[str]  # keys of participants typed in from a paper card


def _access(session: Session, code: str) -> _Access | None:
    workshop = session.scalar(select(Workshop).where(Workshop.code == code))
    if workshop is None:
        return None
    participants = session.execute(
        select(Participant.key, Participant.token, Participant.entered_by_facilitator).where(
            Participant.workshop_id == workshop.id
        )
    ).all()
    return _Access(
        workshop.facilitator_secret_hash,
        workshop.view_token,
        workshop.show_organisations,
        {key: token for key, token, _ in participants},
        frozenset(key for key, _, paper in participants if paper),
    )


def restore_archive(*, session: Session, data: bytes | str) -> Workshop:
    """Import an archive over the workshop of the same code (`import --replace`), keeping what
    the archive does not carry: the facilitator passphrase, the projection link, the setting
    that shows organisations, each participant's token (their link and cookie go on working:
    a partner keeps their own items and their budget) and the paper-card marks."""
    code = read_archive(data).workshop.code
    kept = _access(session, code)
    workshop = import_archive(session=session, data=data, replace=True)
    if kept is None:
        return workshop
    workshop.facilitator_secret_hash = kept.facilitator_secret_hash
    workshop.view_token = kept.view_token
    workshop.show_organisations = kept.show_organisations
    session.flush()  # the old rows are gone: their tokens are free again
    for participant in session.scalars(select(Participant).where(Participant.workshop_id == workshop.id)):
        participant.token = kept.tokens.get(participant.key, participant.token)
        participant.entered_by_facilitator = participant.key in kept.paper
    session.flush()
    return workshop
