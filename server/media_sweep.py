"""Streamlit's sweep of orphaned media files, at most once a second instead of after every run.

At the end of every script run, Streamlit 1.67 calls `MediaFileManager.remove_orphaned_files`,
which walks the file references of EVERY session (twice: files, then deferred downloads) to find
those no session uses any more. Each partner's page holds one deferred download (« Télécharger
mes données »), so with 500 phones on a process each run walked 500 sessions: ~2 % of the
server's CPU under load (py-spy, docs/capacity.md), growing with the number of partners.

`install_throttled_media_sweep` lets one sweep through per `SWEEP_INTERVAL_S` for each manager
and skips the others. Nothing is swept wrongly: a skipped sweep only leaves files orphaned since
the last one in memory until the next run ends (a second at most while anyone is active); files
still in use are never touched, as before. If this Streamlit no longer has the method, the
server runs as plain `streamlit run`.
"""

from __future__ import annotations

import sys
import threading
import time
from collections.abc import Callable
from typing import Any

SWEEP_INTERVAL_S = 1.0
_PATCHED = "_ctg_throttled_sweep"
_NEXT_SWEEP = "_ctg_next_sweep"
_lock = threading.Lock()


def throttled(
    sweep: Callable[[Any], None], interval: float, clock: Callable[[], float] = time.monotonic
) -> Callable[[Any], None]:
    """`sweep(manager)`, run at most once per `interval` seconds for each manager."""

    def remove_orphaned_files(manager: Any) -> None:
        now = clock()
        with _lock:
            if now < manager.__dict__.get(_NEXT_SWEEP, float("-inf")):
                return
            manager.__dict__[_NEXT_SWEEP] = now + interval
        sweep(manager)

    setattr(remove_orphaned_files, _PATCHED, True)
    return remove_orphaned_files


def install_throttled_media_sweep(interval: float = SWEEP_INTERVAL_S) -> bool:
    """Patch Streamlit's MediaFileManager as described above (once)."""
    try:
        from streamlit.runtime.media_file_manager import MediaFileManager

        original = MediaFileManager.remove_orphaned_files
    except (ImportError, AttributeError) as error:
        print(f"Attention : nettoyage des fichiers à chaque exécution ({error}).", file=sys.stderr)
        return False
    if not getattr(original, _PATCHED, False):
        MediaFileManager.remove_orphaned_files = throttled(original, interval)  # type: ignore[method-assign]
    return True
