"""Fewer wake-ups of Streamlit's event loop per script run.

Streamlit 1.67 hands every message a script run produces (one per element: ~240 for a partner's
vote page) from the script's thread to the event loop with its own `call_soon_threadsafe`: a
write to the loop's wake-up pipe and a hand-over of the GIL per element. On the loop, each
message then calls `call_soon_threadsafe` again, from the loop's own thread, to wake the
coroutine that sends the queued messages. Profiled with py-spy over 150 redraws of the vote
page (docs/capacity.md): a quarter of the server's CPU went to these wake-ups.

`install_batched_wakeups` wraps three private methods:
- `AppSession._call_soon_on_event_loop`: the callbacks of one session queue up in order (one
  FIFO per session); the first one wakes the loop, which runs every callback queued by then, so
  a run's messages cross over in a few batches instead of one by one. The order of a session's
  messages is unchanged; a long batch yields to the other sessions between rounds.
- `AppSession._on_scriptrunner_event`: a run's start (`SCRIPT_STARTED`) and a script's plain
  messages (`ENQUEUE_FORWARD_MSG`) may wait: the first of them starts a hold of `HOLD_S` (30 ms)
  on the session's queue instead of a send, and so does each batch sent; what is queued meanwhile
  goes with the next batch instead of waking the loop one by one. A run that ends, or anything
  else, wakes it at once and takes the held messages with it: a short run crosses over with its
  end, in one batch, and the loop never takes the GIL from the script in the middle of it.
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


# How long the loop lets a run's messages gather before it sends them: they then cross over in
# a batch or two, not one per few elements (each wake-up is a write to the loop's pipe, a system
# call, and a hand-over of the GIL between the script's thread and the loop's). Longer than a
# partner's page takes to run at the reference size (10 to 20 ms): its messages, its start's
# included, go with its end, in one batch, instead of a batch that stops the run half-way and
# takes the GIL from it (« Actualiser la page » 1.55–1.70× its floor instead of 2.02–2.17× when
# the start was sent at once, two copies alternated side by side: docs/capacity.md). A run that
# lasts longer (an export behind its spinner) shows what it drew so far every 30 ms, under what a
# person perceives as a wait. Whatever else (a run that ends, an exception, a rerun) is never held.
HOLD_S = 0.030


class LoopQueue:
    """Callbacks for one event loop, run in order, with one wake-up per batch.

    A callback queued with `urgent=False` (a run's start, its messages) starts a hold of `HOLD_S`
    if none is running, and waits for its end, as do those queued after a batch; an urgent one
    (the run ends, anything else) wakes the loop at once and takes the waiting ones with it."""

    def __init__(self, loop: asyncio.AbstractEventLoop, hold_s: float = HOLD_S) -> None:
        self.loop = loop
        self.hold_s = hold_s
        self._pending: deque[Callable[[], None]] = deque()
        self._lock = threading.Lock()
        self._scheduled = False  # a drain is on its way: queue without waking the loop
        self._holding: asyncio.TimerHandle | None = None  # set on the loop's thread only
        self._arming = False  # a hold is on its way (queued before any batch)

    def call_soon(
        self, callback: Callable[[], None], *, urgent: bool = True, opens_run: bool = False
    ) -> None:
        """Queue `callback`; wake the loop to run it unless a drain is on its way. One that is not
        urgent waits for the end of the hold, and starts one (a short wake-up) if none runs; a
        run's start (`opens_run`) starts a whole new one: the hold left by the previous run's end
        could end in the middle of this run."""
        with self._lock:
            self._pending.append(callback)
            held = self._holding is not None and not opens_run
            if self._scheduled or (not urgent and (held or self._arming)):
                return
            if urgent:
                self._scheduled = True
                wake = self._drain
            else:  # nothing held yet: the loop only starts holding, it sends nothing now
                self._arming = True
                wake = self._arm
        try:
            self.loop.call_soon_threadsafe(wake)
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
            holding, self._holding = self._holding, None
        if holding is not None:
            holding.cancel()
        for callback in batch:
            try:
                callback()
            except Exception as error:  # as the loop does for a failing callback: report, go on
                self.loop.call_exception_handler(
                    {"message": "Exception in a batched callback", "exception": error}
                )
        with self._lock:
            if self._pending:
                more = True  # came meanwhile: after the other sessions' turn
            else:
                more = False
                self._scheduled = False
                if self.hold_s > 0:
                    self._holding = self.loop.call_later(self.hold_s, self._end_hold)
        if more:
            self.loop.call_soon(self._drain)

    def _arm(self) -> None:
        """Start a whole hold for what is queued (unless a batch came first)."""
        with self._lock:
            self._arming = False
            if self._scheduled or not self._pending:
                return
            if self._holding is not None:
                self._holding.cancel()
            self._holding = self.loop.call_later(self.hold_s, self._end_hold)

    def _end_hold(self) -> None:
        with self._lock:
            self._holding = None
            if not self._pending or self._scheduled:
                return
            self._scheduled = True
        self._drain()


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


# Set while the script's thread hands over a run's start or a plain message (SCRIPT_STARTED,
# ENQUEUE_FORWARD_MSG): the callback it queues may wait for the end of a hold.
_handing_message = threading.local()


def install_batched_wakeups() -> bool:
    """Patch Streamlit's AppSession and Runtime as described above (once)."""
    try:
        from streamlit.runtime.app_session import AppSession
        from streamlit.runtime.runtime import Runtime
        from streamlit.runtime.scriptrunner import ScriptRunnerEvent

        original_call_soon = AppSession._call_soon_on_event_loop
        original_on_event = AppSession._on_scriptrunner_event
        original_enqueued = Runtime._enqueued_some_message
        message_event = ScriptRunnerEvent.ENQUEUE_FORWARD_MSG
        started_event = ScriptRunnerEvent.SCRIPT_STARTED
    except (ImportError, AttributeError) as error:
        print(f"Attention : réveils de la boucle non regroupés ({error}).", file=sys.stderr)
        return False
    if getattr(original_call_soon, _PATCHED, False):
        return True

    def call_soon_on_event_loop(self: Any, callback: Callable[[], None]) -> None:
        urgent = not getattr(_handing_message, "active", False)
        opens_run = getattr(_handing_message, "start", False)
        loop_queue(self, self._event_loop).call_soon(callback, urgent=urgent, opens_run=opens_run)

    def on_scriptrunner_event(self: Any, sender: Any, event: Any, *args: Any, **kwargs: Any) -> None:
        _handing_message.start = event is started_event
        _handing_message.active = event is message_event or _handing_message.start
        try:
            original_on_event(self, sender, event, *args, **kwargs)
        finally:
            _handing_message.active = _handing_message.start = False

    def enqueued_some_message(self: Any) -> None:
        objects = self._get_async_objs()
        if _running_loop() is objects.eventloop:
            objects.need_send_data.set()
        else:
            original_enqueued(self)

    setattr(call_soon_on_event_loop, _PATCHED, True)
    AppSession._call_soon_on_event_loop = call_soon_on_event_loop  # type: ignore[method-assign]
    AppSession._on_scriptrunner_event = on_scriptrunner_event  # type: ignore[method-assign]
    Runtime._enqueued_some_message = enqueued_some_message  # type: ignore[method-assign]
    return True
