"""Backup snapshots on disk: their names (`ARMDEMO/ARMDEMO-20261115T101500Z-vote.json`),
writing one whole or not at all, which ones the rotation keeps, and whether a new one would
only repeat the latest (`archive/backups.py` says when they are taken)."""

from __future__ import annotations

import datetime as dt
import os
import re
import tempfile
from contextlib import suppress
from dataclasses import dataclass
from pathlib import Path

from ctg_workshop.identifiers import utc_now

KEEP_LATEST = 24
STALE_TEMPORARY = dt.timedelta(hours=1)
_STAMP = "%Y%m%dT%H%M%SZ"
_NAME = re.compile(r"^(?P<code>[A-Z0-9]{4,12})-(?P<stamp>\d{8}T\d{6}Z)-(?P<phase>[a-z]+)\.json$")
_EXPORTED_AT = re.compile(rb'"exported_at": "[^"]*"')


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


def same_as(snapshot: Snapshot | None, archive: bytes) -> bool:
    if snapshot is None:
        return False
    try:
        return _content(snapshot.path.read_bytes()) == _content(archive)
    except OSError:
        return False
