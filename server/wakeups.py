"""Fewer wake-ups of Streamlit's event loop per script run.

Streamlit 1.67 hands every message a script run produces (one per element: ~240 for a partner's
vote page) from the script's thread to the event loop with its own `call_soon_threadsafe`: a
write to the loop's wake-up pipe and a hand-over of the GIL per element. On the loop, each
message then calls `call_soon_threadsafe` again, from the loop's own thread, to wake the
coroutine that sends the queued messages. Profiled with py-spy over 150 redraws of the vote
page (docs/capacity.md): a quarter of the server's CPU went to these wake-ups.

`install_batched_wakeups` wraps two private methods:
- `AppSession._call_soon_on_event_loop`: the callbacks of one session queue up in order (one
  FIFO per session); the first one wakes the loop, which runs every callback queued by then, so
  a run's messages cross over in a few batches instead of one by one. The order of a session's
  messages is unchanged; a long batch yields to the other sessions between rounds.
- `Runtime._enqueued_some_message`: on the loop's own thread, the "send" event is set directly
  (an `asyncio.Event` must be set on its loop: that is where we are), not through the pipe.

If this Streamlit no longer has these methods, the server runs as plain `streamlit run`.
"""

from __future__ import annotations

import asyncio
import logging
import sys
import threading
from collections import deque
from collections.abc import Callable
from typing import Any

log = logging.getLogger(__name__)

_PATCHED = "_ctg_batched_wakeups"
_QUEUE = "_ctg_loop_queue"
_creating = threading.Lock()


class LoopQueue:
    """Callbacks for one event loop, run in order, with one wake-up per batch."""

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        self.loop = loop
        self._pending: deque[Callable[[], None]] = deque()
        self._lock = threading.Lock()
        self._scheduled = False

    def call_soon(self, callback: Callable[[], None]) -> None:
        """Queue `callback`; wake the loop unless a wake-up is already on its way."""
        with self._lock:
            self._pending.append(callback)
            if self._scheduled:
                return
            self._scheduled = True
        try:
            self.loop.call_soon_threadsafe(self._drain)
        except RuntimeError:
            if not self.loop.is_closed():
                raise
            with self._lock:  # process shutdown: nothing will run these any more
                self._pending.clear()
                self._scheduled = False
            log.debug("Dropped event-loop callback", exc_info=True)

    def _drain(self) -> None:
        with self._lock:
            batch, self._pending = self._pending, deque()
        for callback in batch:
            try:
                callback()
            except Exception as error:  # as the loop does for a failing callback: report, go on
                self.loop.call_exception_handler(
                    {"message": "Exception in a batched callback", "exception": error}
                )
        with self._lock:
            if not self._pending:
                self._scheduled = False
                return
        self.loop.call_soon(self._drain)  # more came meanwhile: after the other sessions' turn


def loop_queue(owner: Any, loop: asyncio.AbstractEventLoop) -> LoopQueue:
    """The `LoopQueue` kept on `owner` (an AppSession) for `loop`, created on first use."""
    queue = owner.__dict__.get(_QUEUE)
    if queue is None or queue.loop is not loop:
        with _creating:
            queue = owner.__dict__.get(_QUEUE)
            if queue is None or queue.loop is not loop:
                queue = LoopQueue(loop)
                owner.__dict__[_QUEUE] = queue
    return queue


def _running_loop() -> asyncio.AbstractEventLoop | None:
    try:
        return asyncio.get_running_loop()
    except RuntimeError:
        return None


def install_batched_wakeups() -> bool:
    """Patch Streamlit's AppSession and Runtime as described above (once)."""
    try:
        from streamlit.runtime.app_session import AppSession
        from streamlit.runtime.runtime import Runtime

        original_call_soon = AppSession._call_soon_on_event_loop
        original_enqueued = Runtime._enqueued_some_message
    except (ImportError, AttributeError) as error:
        print(f"Attention : réveils de la boucle non regroupés ({error}).", file=sys.stderr)
        return False
    if getattr(original_call_soon, _PATCHED, False):
        return True

    def call_soon_on_event_loop(self: Any, callback: Callable[[], None]) -> None:
        loop_queue(self, self._event_loop).call_soon(callback)

    def enqueued_some_message(self: Any) -> None:
        objects = self._get_async_objs()
        if _running_loop() is objects.eventloop:
            objects.need_send_data.set()
        else:
            original_enqueued(self)

    setattr(call_soon_on_event_loop, _PATCHED, True)
    AppSession._call_soon_on_event_loop = call_soon_on_event_loop  # type: ignore[method-assign]
    Runtime._enqueued_some_message = enqueued_some_message  # type: ignore[method-assign]
    return True
