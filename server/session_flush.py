"""Each flush of Streamlit's message queues visits only the sessions that have messages.

Streamlit 1.67's Runtime sends the messages of every session from one coroutine on the event
loop (`Runtime._loop_coroutine`): whenever any session enqueues a message, the loop wakes up
and, for each connected session, empties its queue (`flush_browser_queue`) and tells it so
(`on_flushed_messages_sent`), most of the time for nothing. With 500 phones on one process, a
py-spy profile put this walk at ~7.5 % of the server's CPU, and it grows with the number of
sessions (docs/capacity.md).

`install_session_flush` keeps, per Runtime, the ids of the sessions that enqueued something since
their last flush (`DirtySessions`), and lets the loop visit only those:
- `AppSession.__init__`: the session's "message enqueued" callback (the Runtime's
  `_enqueued_some_message`) is wrapped in `MarkDirty`, which records the session's id before
  waking the loop. Every path that wakes the loop goes through that callback: each message
  enqueued (`_enqueue_forward_msg`) and the end of a run chain of a session that tracks its
  settling (`_settle_once_delivered`, the agent API's sessions).
- `Runtime._loop_coroutine` is replaced by a copy (`server/streamlit_loop.py`) that differs only
  in the list of sessions a cycle visits: `DirtySessions.take`, which empties the set and
  returns the sessions that are still connected. A session marked after the set was taken is
  in the next set, and its mark has also set the loop's "send" event after the loop cleared it:
  the next cycle flushes it. A disconnected session kept for a reconnect stays marked (its
  messages go out once it is back, as with Streamlit's loop); a closed one is forgotten.
- `AppSession.shutdown` forgets the session's mark at once.

A session's messages still go out in the order they were enqueued (one queue per session,
flushed whole), and `on_flushed_messages_sent` is still called after every flush of a session
that had something to flush or a settling to report.

The copy is used only if Streamlit's loop is byte for byte the one copied (SHA-256 of its
source) and its sessions enqueue as described; otherwise the server runs as plain
`streamlit run`. A session whose callback is not a Runtime's (a SessionManager of another
kind) makes every cycle visit every session again, as Streamlit does.
"""

from __future__ import annotations

import functools
import hashlib
import inspect
import sys
import threading
from collections.abc import Callable
from typing import Any

_PATCHED = "_ctg_session_flush"
_DIRTY = "_ctg_dirty_sessions"  # on a Runtime: its DirtySessions (read by the loop's copy)
_CALLBACK = "_message_enqueued_callback"

# Set when a session wakes the loop through something else than a Runtime's method: its id
# cannot be recorded, so every cycle then visits every connected session, as Streamlit does.
_visit_all = False


class DirtySessions:
    """Ids of the sessions of one Runtime that enqueued something since their last flush."""

    def __init__(self) -> None:
        # Reentrant: a session collected while this thread holds the lock forgets its mark
        # (`AppSession.__del__` calls `shutdown`).
        self._lock = threading.RLock()
        self._ids: dict[str, None] = {}  # a set that keeps the order of the marks

    def mark(self, session_id: str) -> None:
        """Any thread: `session_id` has something to send."""
        with self._lock:
            self._ids[session_id] = None

    def forget(self, session_id: str) -> None:
        with self._lock:
            self._ids.pop(session_id, None)

    def __contains__(self, session_id: object) -> bool:
        with self._lock:
            return session_id in self._ids

    def __len__(self) -> int:
        with self._lock:
            return len(self._ids)

    def take(self, session_mgr: Any) -> list[Any]:
        """The loop's thread: the connected sessions marked so far (ActiveSessionInfo), the
        marks emptied. A disconnected session that may still reconnect stays marked."""
        if _visit_all:
            with self._lock:
                self._ids.clear()
            return session_mgr.list_active_sessions()
        with self._lock:
            ids, self._ids = self._ids, {}
        active = []
        waiting = []
        for session_id in ids:
            info = session_mgr.get_active_session_info(session_id)
            if info is not None:
                active.append(info)
            elif session_mgr.get_session_info(session_id) is not None:
                waiting.append(session_id)
        if waiting:
            with self._lock:
                for session_id in waiting:
                    self._ids.setdefault(session_id, None)
        return active


class MarkDirty:
    """A session's "message enqueued" callback: mark the session, then wake the loop."""

    __slots__ = ("callback", "runtime", "session_id")

    def __init__(self, runtime: Any, session_id: str, callback: Callable[[], None]) -> None:
        self.runtime = runtime
        self.session_id = session_id
        self.callback = callback

    def __call__(self) -> None:
        dirty = self.runtime.__dict__.get(_DIRTY)
        if dirty is not None:  # None: a Runtime whose loop is Streamlit's (visits everyone)
            dirty.mark(self.session_id)
        self.callback()

    def forget(self) -> None:
        dirty = self.runtime.__dict__.get(_DIRTY)
        if dirty is not None:
            dirty.forget(self.session_id)


class _UnsupportedError(Exception):
    pass


def _check_streamlit(runtime_class: Any, session_class: Any) -> None:
    """Raise `_UnsupportedError` unless this Streamlit's loop and sessions are the ones described."""
    from server import streamlit_loop

    source = inspect.getsource(runtime_class._loop_coroutine)
    if hashlib.sha256(source.encode()).hexdigest() != streamlit_loop.STREAMLIT_LOOP_SHA256:
        raise _UnsupportedError("boucle d'envoi de Streamlit modifiée")
    enqueue = inspect.getsource(session_class._enqueue_forward_msg)
    session_source = inspect.getsource(session_class)
    if (
        f"self.{_CALLBACK}()" not in enqueue
        or session_source.count("_browser_queue.enqueue(") != 1
        or f"self.{_CALLBACK} = message_enqueued_callback" not in session_source
    ):
        raise _UnsupportedError("file d'envoi des sessions de Streamlit modifiée")


def install_session_flush() -> bool:
    """Patch Streamlit's AppSession and Runtime as described above (once)."""
    try:
        from streamlit.runtime.app_session import AppSession
        from streamlit.runtime.runtime import Runtime

        original_loop = Runtime._loop_coroutine
        original_init = AppSession.__init__
        original_shutdown = AppSession.shutdown
        if getattr(original_loop, _PATCHED, False):
            return True
        _check_streamlit(Runtime, AppSession)
        from server.streamlit_loop import _loop_coroutine as copied_loop
    except (ImportError, AttributeError, OSError, TypeError, _UnsupportedError) as error:
        print(
            f"Attention : chaque envoi de messages parcourt toutes les sessions ({error}).",
            file=sys.stderr,
        )
        return False

    @functools.wraps(original_loop)  # `__wrapped__`: Streamlit's method
    async def loop_coroutine(self: Any) -> None:
        # Before the loop says it has started, hence before any session exists.
        self.__dict__[_DIRTY] = DirtySessions()
        await copied_loop(self)

    @functools.wraps(original_init)
    def init(self: Any, *args: Any, **kwargs: Any) -> None:
        global _visit_all
        original_init(self, *args, **kwargs)
        callback = self.__dict__.get(_CALLBACK)
        if callback is None:  # no Runtime (a session nothing sends)
            return
        runtime = getattr(callback, "__self__", None)
        if isinstance(runtime, Runtime):
            self.__dict__[_CALLBACK] = MarkDirty(runtime, self.id, callback)
        elif not _visit_all:
            _visit_all = True
            print(
                "Attention : session sans Runtime connu, chaque envoi parcourt toutes les sessions.",
                file=sys.stderr,
            )

    @functools.wraps(original_shutdown)
    def shutdown(self: Any) -> None:
        original_shutdown(self)
        callback = self.__dict__.get(_CALLBACK)
        if isinstance(callback, MarkDirty):
            callback.forget()

    setattr(loop_coroutine, _PATCHED, True)
    Runtime._loop_coroutine = loop_coroutine  # type: ignore[method-assign]
    AppSession.__init__ = init  # type: ignore[method-assign]
    AppSession.shutdown = shutdown  # type: ignore[method-assign]
    return True
