# Copyright (c) Streamlit Inc. (2018-2022) Snowflake Inc. (2022-2026)
#
# Licensed under the Apache License, Version 2.0 (the "License");
# you may not use this file except in compliance with the License.
# You may obtain a copy of the License at
#
#     http://www.apache.org/licenses/LICENSE-2.0
#
# Unless required by applicable law or agreed to in writing, software
# distributed under the License is distributed on an "AS IS" BASIS,
# WITHOUT WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied.
# See the License for the specific language governing permissions and
# limitations under the License.

"""Streamlit 1.67's `Runtime._loop_coroutine`, copied with one line changed (`server/session_flush.py`).

The only difference from Streamlit's method: a flush cycle goes over the sessions that enqueued
something since their last flush (`self._ctg_dirty_sessions.take(...)`, the `DirtySessions` the
patch keeps on the Runtime), not over every connected session
(`self._session_mgr.list_active_sessions()`). `tests/test_session_flush.py` checks that this is
the only difference; `install_session_flush` uses the copy only when Streamlit's method is
still, byte for byte, the one copied here (its SHA-256 below).

Copied from Streamlit 1.67.0 (lib/streamlit/runtime/runtime.py, Apache License 2.0: the notice
above is Streamlit's).
"""

# ruff: noqa: RUF100 - the copy keeps Streamlit's own `noqa` comments

from __future__ import annotations

import asyncio
import traceback

from streamlit.runtime.runtime import (
    _LOGGER,
    _SIGNAL_CHECK_INTERVAL,
    MESSAGE_FLUSH_INTERVAL_SECS,
    RuntimeState,
    SessionClientDisconnectedError,
)

# SHA-256 of `inspect.getsource(Runtime._loop_coroutine)` in Streamlit 1.67.0: the method copied.
STREAMLIT_LOOP_SHA256 = "f2bf0cf6b7bd78b79f3e6e24cb5032fbcbda0e583bb52725b0dc9262787d9382"

CHANGED_LINE = (
    "for active_session_info in self._session_mgr.list_active_sessions():",
    "for active_session_info in self._ctg_dirty_sessions.take(self._session_mgr):",
)


# fmt: off
async def _loop_coroutine(self) -> None:
    """The main Runtime loop.

    This function won't exit until `stop` is called.

    Notes
    -----
    Threading: UNSAFE. Must be called on the eventloop thread.
    """

    async_objs = self._get_async_objs()

    try:
        if self._state == RuntimeState.INITIAL:
            self._set_state(RuntimeState.NO_SESSIONS_CONNECTED)
        elif self._state == RuntimeState.ONE_OR_MORE_SESSIONS_CONNECTED:
            pass
        else:
            raise RuntimeError(f"Bad Runtime state at start: {self._state}")  # noqa: TRY301

        # Signal that we're started and ready to accept sessions
        async_objs.started.set_result(None)

        while not async_objs.must_stop.is_set():
            if self._state == RuntimeState.NO_SESSIONS_CONNECTED:  # type: ignore[comparison-overlap]
                # mypy 1.4 incorrectly thinks this if-clause is unreachable,
                # because it thinks self._state must be INITIAL | ONE_OR_MORE_SESSIONS_CONNECTED.

                # Wait for new websocket connections (new sessions):
                done_tasks, pending_tasks = await asyncio.wait(  # type: ignore[unreachable]
                    (
                        asyncio.create_task(async_objs.must_stop.wait()),
                        asyncio.create_task(async_objs.has_connection.wait()),
                    ),
                    return_when=asyncio.FIRST_COMPLETED,
                    # On Windows, use a timeout to ensure signal handlers can be processed
                    timeout=_SIGNAL_CHECK_INTERVAL,
                )
                # Clean up pending tasks to avoid memory leaks
                for task in pending_tasks:
                    task.cancel()

                # If we timed out (Windows only), continue the loop to check must_stop
                if not done_tasks and _SIGNAL_CHECK_INTERVAL is not None:
                    continue
            elif self._state == RuntimeState.ONE_OR_MORE_SESSIONS_CONNECTED:
                async_objs.need_send_data.clear()

                for active_session_info in self._ctg_dirty_sessions.take(self._session_mgr):
                    msg_list = active_session_info.session.flush_browser_queue()
                    for msg in msg_list:
                        try:
                            self._send_message(active_session_info, msg)
                        except SessionClientDisconnectedError:
                            # Only disconnect if the session is still bound to
                            # this (now-disconnected) client. A reconnect during
                            # the flush loop can swap in a new client for the same
                            # session id, and we must not tear that freshly
                            # reconnected session down.
                            self.disconnect_session(
                                active_session_info.session.id,
                                client=active_session_info.client,
                            )

                        # Yield for a tick after sending a message.
                        await asyncio.sleep(0)

                    active_session_info.session.on_flushed_messages_sent()

                # Yield briefly between session message flushing cycles.
                await asyncio.sleep(MESSAGE_FLUSH_INTERVAL_SECS)
            else:
                # Break out of the thread loop if we encounter any other state.
                break

            # Wait for new proto messages that need to be sent out:
            done_tasks, pending_tasks = await asyncio.wait(
                (
                    asyncio.create_task(async_objs.must_stop.wait()),
                    asyncio.create_task(async_objs.need_send_data.wait()),
                ),
                return_when=asyncio.FIRST_COMPLETED,
                # On Windows, use a timeout to ensure signal handlers can be processed
                timeout=_SIGNAL_CHECK_INTERVAL,
            )
            # We need to cancel the pending tasks (the `must_stop` one in most situations).
            # Otherwise, this would stack up one waiting task per loop
            # (e.g. per forward message). These tasks cannot be garbage collected
            # causing an increase in memory (-> memory leak).
            for task in pending_tasks:
                task.cancel()

            # If we timed out (Windows only), continue to check must_stop
            if not done_tasks and _SIGNAL_CHECK_INTERVAL is not None:
                continue

        # Shut down all AppSessions.
        for session_info in self._session_mgr.list_sessions():
            # NOTE: We want to fully shut down sessions when the runtime stops for
            # now, but this may change in the future if/when our notion of a session
            # is no longer so tightly coupled to a browser tab.
            self._session_mgr.close_session(session_info.session.id)

        self._set_state(RuntimeState.STOPPED)
        async_objs.stopped.set_result(None)

    except Exception as e:
        async_objs.stopped.set_exception(e)
        traceback.print_exc()
        _LOGGER.info(
            """
Please report this bug at https://github.com/streamlit/streamlit/issues.
"""
        )
# fmt: on
