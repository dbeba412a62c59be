"""Databases the browser tests start from."""

from __future__ import annotations

from ctg_workshop.access import set_facilitator_passphrase
from ctg_workshop.archive.load import import_archive
from ctg_workshop.storage.db import open_database, write_session


def demo_with_passphrase(database_url: str, archive: bytes, passphrase: str) -> None:
    """Create the schema at `database_url`, import the demo `archive` and give its workshop the
    facilitator `passphrase`."""
    engine = open_database(database_url)
    try:
        with write_session(engine) as session:
            workshop = import_archive(session=session, data=archive)
            set_facilitator_passphrase(session=session, workshop_id=workshop.id, passphrase=passphrase)
    finally:
        engine.dispose()
