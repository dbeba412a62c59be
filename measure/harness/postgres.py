"""A throwaway PostgreSQL server (a temporary directory, a free port) and fresh databases on it,
for the test session and the measurements.

    server = start()
    url = server.create_database("t")  # an empty database, its SQLAlchemy URL
    server.drop_database(url)
    server.stop()

Debian's server binaries (`/usr/lib/postgresql/<version>/bin`) refuse to run as root, so
as root the server runs as the `postgres` user (`runuser`). Where no server can be had,
`start()` raises `PostgresUnavailableError` with the reason, and the tests that need one skip
with that reason. `fresh_database` gives a measurement its database: a SQLite file, or one on a
server started for it.
"""

from __future__ import annotations

import contextlib
import glob
import os
import pwd
import shutil
import subprocess
import tempfile
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from sqlalchemy import create_engine, make_url, text

from measure.harness.processes import HOST, free_port


class PostgresUnavailableError(RuntimeError):
    pass


def _bin_dir() -> Path:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(p.split("/")[4]))
    if found:
        return Path(found[-1]).parent
    initdb = shutil.which("initdb")
    if initdb:
        return Path(initdb).parent
    raise PostgresUnavailableError("serveur PostgreSQL introuvable (paquet Debian postgresql absent)")


def _as_server_user(command: list[str]) -> list[str]:
    if os.geteuid() != 0:
        return command
    try:
        pwd.getpwnam("postgres")
    except KeyError as error:
        raise PostgresUnavailableError(
            "lancé en root sans utilisateur « postgres » pour le serveur"
        ) from error
    return ["runuser", "-u", "postgres", "--", *command]


@dataclass
class PostgresServer:
    directory: Path
    port: int
    bin_dir: Path

    @property
    def admin_url(self) -> str:
        return self.url("postgres")

    def url(self, database: str) -> str:
        return f"postgresql+psycopg://ctg@{HOST}:{self.port}/{database}"

    def _admin(self, statement: str) -> None:
        admin = create_engine(self.admin_url, isolation_level="AUTOCOMMIT")
        try:
            with admin.connect() as connection:
                connection.execute(text(statement))
        finally:
            admin.dispose()

    def create_database(self, prefix: str) -> str:
        """A new empty database named `prefix_<random>`; its URL."""
        name = f"{prefix}_{uuid.uuid4().hex[:12]}"
        self._admin(f'CREATE DATABASE "{name}"')
        return self.url(name)

    def drop_database(self, url: str) -> None:
        """Drop the database of `url`, even with connections still open on it."""
        self._admin(f'DROP DATABASE IF EXISTS "{make_url(url).database}" WITH (FORCE)')

    def pg_ctl(self, *args: str) -> None:
        command = [str(self.bin_dir / "pg_ctl"), "-D", str(self.directory / "data"), *args]
        subprocess.run(_as_server_user(command), check=True, capture_output=True, timeout=120)

    def stop(self) -> None:
        try:
            self.pg_ctl("stop", "-m", "immediate", "-w")
        finally:
            shutil.rmtree(self.directory, ignore_errors=True)


def start() -> PostgresServer:
    bin_dir = _bin_dir()
    directory = Path(tempfile.mkdtemp(prefix="ctg-pg-"))
    if os.geteuid() == 0:
        shutil.chown(directory, "postgres", "postgres")
    server = PostgresServer(directory, free_port(), bin_dir)
    data = directory / "data"
    initdb = [
        str(bin_dir / "initdb"),
        "-D",
        str(data),
        "-U",
        "ctg",
        "-A",
        "trust",
        "-E",
        "UTF8",
        "--no-locale",
    ]
    try:
        subprocess.run(_as_server_user(initdb), check=True, capture_output=True, timeout=120)
        options = (
            f"-p {server.port} -k {directory} -c listen_addresses={HOST} "
            "-c fsync=off -c full_page_writes=off -c max_connections=300"
        )
        server.pg_ctl("start", "-w", "-t", "60", "-l", str(directory / "server.log"), "-o", options)
    except (subprocess.CalledProcessError, OSError) as error:
        shutil.rmtree(directory, ignore_errors=True)
        detail = getattr(error, "stderr", b"") or b""
        raise PostgresUnavailableError(
            f"le serveur PostgreSQL n'a pas démarré : {detail.decode(errors='replace')[-300:]}"
        ) from error
    return server


@contextlib.contextmanager
def fresh_database(kind: Literal["sqlite", "postgres"], directory: Path) -> Iterator[str]:
    """The URL of a new empty database: a SQLite file in `directory`, or a database on a
    throwaway PostgreSQL server started for it (stopped on exit)."""
    if kind == "sqlite":
        yield f"sqlite:///{directory / 'mesure.sqlite3'}"
        return
    server = start()
    try:
        yield server.create_database("mesure")
    finally:
        server.stop()
