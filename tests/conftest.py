"""Shared fixtures: databases (a SQLite file, a real PostgreSQL server), the demo workshop."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, update

from ctg_workshop.archive.load import import_archive
from ctg_workshop.storage.db import open_database, write_session
from ctg_workshop.storage.models import Phase, Workshop
from measure.harness import postgres
from measure.harness.demo import DEMO_ARCHIVE

# No automatic backups from the app a test opens (AppTest pages, servers): they would write into
# the project's data/backups. The backup tests turn them on with settings of their own.
os.environ["CTG_BACKUP_MINUTES"] = "0"

SPEC_DIR = Path(__file__).resolve().parents[2] / "shared" / "spec"
EXAMPLE_ARCHIVE = SPEC_DIR / "example-armentieres.json"
FOLLOW_UP_ARCHIVE = SPEC_DIR / "example-armentieres-suivi.json"


def _spec_example(path: Path) -> bytes:
    """A spec example (shared/spec), or the copy kept in tests/data if absent."""
    return (path if path.exists() else Path(__file__).parent / "data" / path.name).read_bytes()


@pytest.fixture(scope="session")
def example_archive() -> bytes:
    """The spec's version 1 example: the day of 2022 and its fiches action."""
    return _spec_example(EXAMPLE_ARCHIVE)


@pytest.fixture(scope="session")
def follow_up_archive() -> bytes:
    """The spec's version 2 example: the analysis of the diagnostic and four years of follow-up."""
    return _spec_example(FOLLOW_UP_ARCHIVE)


@pytest.fixture(scope="session")
def demo_archive() -> bytes:
    return DEMO_ARCHIVE.read_bytes()


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'ctg.sqlite3'}"


@pytest.fixture
def sqlite_engine(sqlite_url: str) -> Iterator[Engine]:
    engine = open_database(sqlite_url)
    yield engine
    engine.dispose()


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[postgres.PostgresServer]:
    try:
        server = postgres.start()
    except postgres.PostgresUnavailableError as reason:
        pytest.skip(f"PostgreSQL indisponible : {reason}")
    yield server
    server.stop()


@pytest.fixture
def postgres_url(postgres_server: postgres.PostgresServer) -> Iterator[str]:
    """A fresh database on the session's server, dropped afterwards."""
    url = postgres_server.create_database("t")
    yield url
    postgres_server.drop_database(url)


@pytest.fixture
def postgres_engine(postgres_url: str) -> Iterator[Engine]:
    engine = open_database(postgres_url)
    yield engine
    engine.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def engine(request: pytest.FixtureRequest) -> Engine:
    """The same test on both databases the app supports."""
    if request.param == "sqlite":
        return request.getfixturevalue("sqlite_engine")
    return request.getfixturevalue("postgres_engine")


@pytest.fixture
def both_engine(engine: Engine, demo_archive: bytes) -> Engine:
    """The demo workshop (code ARMDEMO) in collect phase, on SQLite and on PostgreSQL."""
    with write_session(engine) as session:
        import_archive(session=session, data=demo_archive)
        session.execute(update(Workshop).where(Workshop.code == "ARMDEMO").values(phase=Phase.COLLECT.value))
    return engine


@pytest.fixture
def demo_engine(sqlite_engine: Engine, demo_archive: bytes) -> Engine:
    """A SQLite database holding the demo workshop (code ARMDEMO)."""
    with write_session(sqlite_engine) as session:
        import_archive(session=session, data=demo_archive)
    return sqlite_engine
