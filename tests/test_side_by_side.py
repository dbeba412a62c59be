"""`measure.side_by_side`: each side's database is made by that side's own code."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select

from ctg_workshop.storage.db import open_database, read_session
from ctg_workshop.storage.models import Phase, Workshop
from measure import PROJECT_ROOT
from measure.side_by_side import demo_made_by


def test_a_copy_of_the_project_makes_its_own_demo_database(tmp_path: Path) -> None:
    copy = tmp_path / "copie"
    copy.symlink_to(PROJECT_ROOT)  # another directory: the copy's code runs in its own process
    url = f"sqlite:///{tmp_path / 'a.sqlite3'}"
    code = demo_made_by(copy, url)
    engine = open_database(url)
    try:
        with read_session(engine) as session:
            phase = session.scalar(select(Workshop.phase).where(Workshop.code == code))
    finally:
        engine.dispose()
    assert phase == Phase.VOTE
