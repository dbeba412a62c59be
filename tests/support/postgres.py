"""A throwaway PostgreSQL server for the test session: a temporary directory, a free port.

Debian's server binaries (`/usr/lib/postgresql/<version>/bin`) refuse to run as root, so
as root the server runs as the `postgres` user (`runuser`). Where no server can be had,
`start()` raises `PostgresUnavailableError` with the reason, and the tests that need one skip
with that reason.
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path


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


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


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
        return f"postgresql+psycopg://ctg@127.0.0.1:{self.port}/postgres"

    def url(self, database: str) -> str:
        return f"postgresql+psycopg://ctg@127.0.0.1:{self.port}/{database}"

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
    server = PostgresServer(directory, _free_port(), bin_dir)
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
            f"-p {server.port} -k {directory} -c listen_addresses=127.0.0.1 "
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
