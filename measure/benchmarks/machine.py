"""Where and when the figures were taken: machine, versions, load, commit."""

from __future__ import annotations

import datetime as dt
import os
import platform
import sqlite3
import subprocess
from dataclasses import dataclass
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

from measure import PROJECT_ROOT

PACKAGES = (
    "streamlit",
    "SQLAlchemy",
    "python-docx",
    "altair",
    "pillow",
    "vl-convert-python",
    "websockets",
    "pyinstrument",
)


@dataclass(frozen=True)
class Machine:
    processor: str
    cores: int
    memory_gib: float
    system: str
    python: str
    sqlite: str
    packages: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class Commit:
    sha: str
    date: str
    dirty: tuple[str, ...]  # files changed but not committed, as `git status --short` lists them


def _first_line(path: Path, prefix: str) -> str:
    try:
        for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
            if line.startswith(prefix):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return ""


def _package(name: str) -> str:
    try:
        return version(name)
    except PackageNotFoundError:
        return "absent"


def machine() -> Machine:
    memory_kib = _first_line(Path("/proc/meminfo"), "MemTotal").split()
    return Machine(
        processor=_first_line(Path("/proc/cpuinfo"), "model name") or platform.processor() or "inconnu",
        cores=os.cpu_count() or 1,
        memory_gib=int(memory_kib[0]) / 1024 / 1024 if memory_kib else 0.0,
        system=f"{platform.system()} {platform.release()}",
        python=platform.python_version(),
        sqlite=sqlite3.sqlite_version,
        packages=tuple((name, _package(name)) for name in PACKAGES),
    )


def load_average() -> tuple[float, float, float]:
    try:
        return os.getloadavg()
    except OSError:
        return (0.0, 0.0, 0.0)


def _git(*args: str) -> str:
    try:
        done = subprocess.run(
            ["git", *args], cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=20, check=True
        )
    except (OSError, subprocess.SubprocessError):
        return ""
    return done.stdout.strip()


def commit() -> Commit:
    status = _git("status", "--short", "--untracked-files=no")
    return Commit(
        sha=_git("rev-parse", "--short", "HEAD") or "inconnu",
        date=_git("log", "-1", "--format=%cs") or "",
        dirty=tuple(line.strip() for line in status.splitlines() if line.strip()),
    )


def now() -> dt.datetime:
    return dt.datetime.now().astimezone().replace(microsecond=0)
