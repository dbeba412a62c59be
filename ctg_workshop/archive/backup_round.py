"""One automatic backup round, in a child process of the server (see `backups.py`, « Never in a
tap's way »): `python -m ctg_workshop.archive.backup_round [ISO-TIME]`, the database from
`CTG_DATABASE_URL`, the folder from `CTG_BACKUP_DIR`. Runs at low priority: on a busy machine
the server's taps come first; the snapshot waits a little."""

from __future__ import annotations

import datetime as dt
import os
import sys

NICENESS = 10  # below the server's priority: on a busy machine, the taps come first


def main(argv: list[str]) -> int:
    os.nice(NICENESS)  # before the heavy imports: all of this child's work yields
    from ctg_workshop.archive.backups import BackupSettings, backup_open_workshops
    from ctg_workshop.storage.db import make_engine

    now = dt.datetime.fromisoformat(argv[0]) if argv else None
    engine = make_engine()
    try:
        written = backup_open_workshops(
            engine, directory=BackupSettings.from_environment().directory, now=now
        )
    finally:
        engine.dispose()
    for snapshot in written:
        print(snapshot.path)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
