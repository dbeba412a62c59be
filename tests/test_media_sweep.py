"""Streamlit's sweep of orphaned media files, throttled by the launcher (server/media_sweep.py)."""

from __future__ import annotations

import pytest
import streamlit.runtime.media_file_manager as media_file_manager
from streamlit.runtime.media_file_manager import MediaFileManager
from streamlit.runtime.memory_media_file_storage import MemoryMediaFileStorage

import server.media_sweep as media_sweep
from server.media_sweep import install_throttled_media_sweep, throttled


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture(autouse=True)
def session(monkeypatch) -> list[str]:
    """The session drawing files (Streamlit reads it from the script run's context)."""
    current = ["a"]
    monkeypatch.setattr(media_file_manager, "_get_session_id", lambda: current[0])
    return current


def stored(manager: MediaFileManager) -> int:
    return len(manager._file_metadata)


def manager_with_an_orphan() -> tuple[MediaFileManager, str]:
    """A manager holding one image that session « a » drew, then forgot (its run ended)."""
    manager = MediaFileManager(MemoryMediaFileStorage("/media"))
    url = manager.add(b"\x89PNG image", "image/png", "coordinates")
    manager.clear_session_refs("a")
    return manager, url


def test_one_sweep_per_interval_and_the_orphans_go_at_the_next(session) -> None:
    clock = Clock()
    sweeps: list[MediaFileManager] = []
    original = MediaFileManager.remove_orphaned_files

    def counted(manager: MediaFileManager) -> None:
        sweeps.append(manager)
        original(manager)

    sweep = throttled(counted, 1.0, clock)
    first, url = manager_with_an_orphan()
    second, _ = manager_with_an_orphan()
    sweep(first)
    assert sweeps == [first] and stored(first) == 0  # swept: the orphan is gone
    session[0] = "b"
    kept = first.add(b"other", "image/png", "c2")
    first.clear_session_refs("b")
    clock.now += 0.5
    sweep(first)  # within the second: skipped, the new orphan waits
    assert sweeps == [first] and stored(first) == 1
    sweep(second)  # another manager has its own pace
    assert sweeps == [first, second]
    clock.now += 0.6
    sweep(first)
    assert sweeps == [first, second, first] and stored(first) == 0
    assert url != kept


def test_files_in_use_are_never_swept() -> None:
    clock = Clock()
    manager = MediaFileManager(MemoryMediaFileStorage("/media"))
    sweep = throttled(MediaFileManager.remove_orphaned_files, 1.0, clock)
    manager.add(b"in use", "image/png", "coordinates")
    for _ in range(3):
        clock.now += 5
        sweep(manager)
    assert stored(manager) == 1


def test_installing_twice_patches_once(monkeypatch) -> None:
    monkeypatch.setattr(MediaFileManager, "remove_orphaned_files", MediaFileManager.remove_orphaned_files)
    assert install_throttled_media_sweep()
    patched = MediaFileManager.remove_orphaned_files
    assert getattr(patched, media_sweep._PATCHED)
    assert install_throttled_media_sweep()
    assert MediaFileManager.remove_orphaned_files is patched


def test_without_the_method_the_server_runs_as_plain_streamlit(monkeypatch, capsys) -> None:
    monkeypatch.delattr(MediaFileManager, "remove_orphaned_files")
    assert not install_throttled_media_sweep()
    assert "Attention" in capsys.readouterr().err
