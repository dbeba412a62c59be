"""Databases the browser tests start from."""

from __future__ import annotations

import json
from typing import Any

from ctg_workshop.access import set_facilitator_passphrase
from ctg_workshop.archive.load import import_archive
from ctg_workshop.storage.db import open_database, write_session
from measure.harness.demo import DEMO_ARCHIVE


def demo_data() -> dict[str, Any]:
    """The demo archive as data, to change before `import_data` (a code, a phase, some texts)."""
    return json.loads(DEMO_ARCHIVE.read_text(encoding="utf-8"))


def import_data(database_url: str, data: dict[str, Any]) -> None:
    """Create the schema at `database_url` and import the archive `data`."""
    engine = open_database(database_url)
    try:
        with write_session(engine) as session:
            import_archive(session=session, data=json.dumps(data, ensure_ascii=False))
    finally:
        engine.dispose()


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
