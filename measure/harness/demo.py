"""The demo workshop (ARMDEMO) in a fresh database, and a workshop's phase moved as the facilitator
would on « Animer »: what the measurements and the tests against real servers start from.

Both go through the domain (`import_archive`, `change_phase`), so every constraint of the
schema holds as in the app.
"""

from __future__ import annotations

from dataclasses import dataclass

from ctg_workshop.access import ensure_view_token
from ctg_workshop.archive.load import import_archive
from ctg_workshop.day.phases import change_phase
from ctg_workshop.storage.db import make_engine, open_database, write_session
from ctg_workshop.storage.lookups import workshop_by_code
from ctg_workshop.storage.models import Phase
from measure import PROJECT_ROOT

DEMO_ARCHIVE = PROJECT_ROOT / "data" / "demo-armentieres.json"


@dataclass(frozen=True)
class DemoWorkshop:
    database_url: str
    id: int
    code: str
    view_token: str


def load_demo(database_url: str, phase: Phase | str = Phase.COLLECT) -> DemoWorkshop:
    """The demo workshop in `phase`, with its projection token, in a fresh database (its schema
    created first)."""
    engine = open_database(database_url)
    try:
        with write_session(engine) as session:
            workshop = import_archive(session=session, data=DEMO_ARCHIVE.read_bytes())
            change_phase(session=session, workshop_id=workshop.id, phase=Phase(phase))
            token = ensure_view_token(session=session, workshop_id=workshop.id)
            return DemoWorkshop(database_url, workshop.id, workshop.code, token)
    finally:
        engine.dispose()


def set_phase(database_url: str, code: str, phase: Phase | str) -> None:
    """Move the workshop `code` to `phase` (votes kept)."""
    engine = make_engine(database_url)
    try:
        with write_session(engine) as session:
            workshop = workshop_by_code(session=session, code=code)
            change_phase(session=session, workshop_id=workshop.id, phase=Phase(phase))
    finally:
        engine.dispose()
