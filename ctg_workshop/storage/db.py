"""Storage: which database, how to connect, one transaction per user action, migrations.

`CTG_DATABASE_URL` selects the database; unset, a SQLite file under `data/`. SQLite runs in
WAL mode with foreign keys on and a busy timeout, and write transactions take the write lock
at BEGIN (`BEGIN IMMEDIATE`) so that a burst of writers queues instead of failing with
"database is locked" when a reader upgrades. PostgreSQL (`postgresql+psycopg://…`) serialises
what must be serialised with row locks (see `voting.py`) and triggers.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.exc import ArgumentError, NoSuchModuleError, OperationalError
from sqlalchemy.orm import Session

from ctg_workshop.errors import DatabaseUnavailableError

PROJECT_ROOT = Path(__file__).resolve().parents[2]
DATA_DIR = PROJECT_ROOT / "data"
MIGRATIONS_DIR = PROJECT_ROOT / "migrations"
DEFAULT_SQLITE_PATH = DATA_DIR / "ctg.sqlite3"
SQLITE_BUSY_TIMEOUT_MS = 30_000
_WRITE = "ctg_write"


def database_url() -> str:
    """The URL from `CTG_DATABASE_URL`, or the default SQLite file under `data/`."""
    url = os.environ.get("CTG_DATABASE_URL", "").strip()
    return url or f"sqlite:///{DEFAULT_SQLITE_PATH}"


def _configure_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record) -> None:
        # Let SQLAlchemy's "begin" event issue BEGIN itself (the driver would defer it).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        # FULL: an acknowledged commit is on disk, even if the machine loses power.
        cursor.execute("PRAGMA synchronous=FULL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection) -> None:
        # Writers take the lock at BEGIN: no deadlock-prone upgrade from a read lock later.
        mode = "BEGIN IMMEDIATE" if connection.get_execution_options().get(_WRITE) else "BEGIN"
        # Straight to the driver: every user action opens a transaction, and SQLAlchemy's own
        # statement path (events, result set-up) costs more than this BEGIN itself.
        connection.connection.driver_connection.execute(mode)


def make_engine(url: str | None = None) -> Engine:
    """Create the engine for `url` (default: `database_url()`), configured for this app."""
    url = url or database_url()
    if url.startswith("sqlite"):
        path = url.split("///", 1)[-1]
        if path and path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(
            url,
            connect_args={"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000, "check_same_thread": False},
            pool_size=20,
            max_overflow=40,
        )
        _configure_sqlite(engine)
        return engine
    return create_engine(url, pool_size=10, max_overflow=20, pool_pre_ping=True)


@contextmanager
def write_session(engine: Engine) -> Iterator[Session]:
    """One user action that writes: a transaction committed at the end, rolled back on error."""
    bind = engine.execution_options(**{_WRITE: True})
    with Session(bind, expire_on_commit=False) as session, session.begin():
        yield session


@contextmanager
def read_session(engine: Engine) -> Iterator[Session]:
    """One user action that only reads: never takes the SQLite write lock."""
    with Session(engine, expire_on_commit=False) as session, session.begin():
        yield session


@contextmanager
def snapshot_session(engine: Engine) -> Iterator[Session]:
    """A read of the whole database as it stood at one instant (an archive, a backup), that never
    blocks a writer and is never blocked by one.

    SQLite in WAL mode: a read transaction (a plain BEGIN, no lock taken at BEGIN) reads one
    snapshot of the file from its first statement to its end, while writers append to the
    write-ahead log; it only keeps the log from being folded back into the file until it ends.
    PostgreSQL: REPEATABLE READ, READ ONLY: every statement sees the snapshot of the first one
    (without it, a vote committed between two queries could point at an item not read); plain
    reads take no row lock (MVCC), so taps that lock a participant's or a workshop's row go on.
    """
    if engine.dialect.name == "postgresql":
        engine = engine.execution_options(isolation_level="REPEATABLE READ", postgresql_readonly=True)
    with Session(engine, expire_on_commit=False) as session, session.begin():
        yield session


def _alembic_config(url: str):
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def upgrade_database(engine: Engine) -> None:
    """Create or upgrade the schema to the latest migration; never drops data."""
    from alembic import command

    try:
        with engine.begin() as connection:
            config = _alembic_config(engine.url.render_as_string(hide_password=False))
            config.attributes["connection"] = connection
            command.upgrade(config, "head")
    except OperationalError as error:
        raise DatabaseUnavailableError(
            f"Impossible d'ouvrir la base de données ({engine.url.render_as_string()}) : {error.orig}"
        ) from error


def open_database(url: str | None = None) -> Engine:
    """The engine for `url`, with its schema brought up to date."""
    try:
        engine = make_engine(url)
    except (ArgumentError, NoSuchModuleError, OSError) as error:
        raise DatabaseUnavailableError(f"Adresse de base de données invalide : {error}") from error
    upgrade_database(engine)
    return engine
