"""Batched wake-ups of Streamlit's event loop (`server/wakeups.py`): a session's callbacks run in
the order they were queued, on the loop's thread, with far fewer wake-ups than callbacks."""

from __future__ import annotations

import asyncio
import threading

import pytest

from server.wakeups import LoopQueue, install_batched_wakeups, loop_queue


def test_callbacks_from_another_thread_run_in_order_on_the_loop_with_few_wakeups() -> None:
    ran: list[tuple[int, int]] = []

    async def main() -> int:
        loop = asyncio.get_running_loop()
        queue = LoopQueue(loop)
        wakeups = 0
        original = loop.call_soon_threadsafe

        def counted(*args, **kwargs):
            nonlocal wakeups
            wakeups += 1
            return original(*args, **kwargs)

        loop.call_soon_threadsafe = counted  # type: ignore[method-assign]
        done = asyncio.Event()

        def script_thread() -> None:
            for i in range(2000):
                queue.call_soon(lambda i=i: ran.append((i, threading.get_ident())))
            queue.call_soon(done.set)

        worker = threading.Thread(target=script_thread)
        worker.start()
        await asyncio.wait_for(done.wait(), 10)
        worker.join()
        return wakeups

    loop_thread: list[int] = []

    async def runner() -> int:
        loop_thread.append(threading.get_ident())
        return await main()

    wakeups = asyncio.run(runner())
    assert [i for i, _ in ran] == list(range(2000))
    assert {thread for _, thread in ran} == set(loop_thread)
    assert 1 <= wakeups < 2000


def test_a_failing_callback_is_reported_and_the_others_still_run() -> None:
    ran: list[str] = []
    reported: list[BaseException] = []

    async def main() -> None:
        loop = asyncio.get_running_loop()
        loop.set_exception_handler(lambda _loop, context: reported.append(context["exception"]))
        queue = LoopQueue(loop)
        done = asyncio.Event()
        queue.call_soon(lambda: ran.append("avant"))
        queue.call_soon(lambda: 1 / 0)
        queue.call_soon(lambda: ran.append("après"))
        queue.call_soon(done.set)
        await asyncio.wait_for(done.wait(), 5)

    asyncio.run(main())
    assert ran == ["avant", "après"]
    assert len(reported) == 1 and isinstance(reported[0], ZeroDivisionError)


def test_a_closed_loop_drops_the_callbacks_quietly() -> None:
    loop = asyncio.new_event_loop()
    loop.close()
    queue = LoopQueue(loop)
    queue.call_soon(lambda: pytest.fail("ran on a closed loop"))
    queue.call_soon(lambda: pytest.fail("ran on a closed loop"))


def test_one_queue_per_session_and_loop() -> None:
    class Session:
        pass

    first, second = Session(), Session()
    loop = asyncio.new_event_loop()
    try:
        assert loop_queue(first, loop) is loop_queue(first, loop)
        assert loop_queue(first, loop) is not loop_queue(second, loop)
    finally:
        loop.close()


def test_the_patch_applies_to_this_streamlit() -> None:
    from streamlit.runtime.app_session import AppSession

    assert install_batched_wakeups()
    assert install_batched_wakeups()  # once only
    assert getattr(AppSession._call_soon_on_event_loop, "_ctg_batched_wakeups", False)


def _counting_wakeups(loop: asyncio.AbstractEventLoop) -> list[int]:
    """Count the loop's wake-ups through its pipe (`call_soon_threadsafe`)."""
    count = [0]
    original = loop.call_soon_threadsafe

    def counted(*args, **kwargs):
        count[0] += 1
        return original(*args, **kwargs)

    loop.call_soon_threadsafe = counted  # type: ignore[method-assign]
    return count


def test_a_run_s_messages_wait_for_the_end_of_the_hold_without_waking_the_loop() -> None:
    """After a batch the loop holds the queue: a message queued then (not urgent) costs no
    wake-up, and is sent when the hold ends, in order."""
    ran: list[str] = []

    async def main() -> int:
        loop = asyncio.get_running_loop()
        wakeups = _counting_wakeups(loop)
        queue = LoopQueue(loop, hold_s=1.0)
        first, second = asyncio.Event(), asyncio.Event()
        queue.call_soon(lambda: (ran.append("début du script"), first.set()))
        await asyncio.wait_for(first.wait(), 5)
        queue.call_soon(lambda: ran.append("élément"), urgent=False)
        queue.call_soon(lambda: (ran.append("élément suivant"), second.set()), urgent=False)
        await asyncio.wait_for(second.wait(), 5)
        return wakeups[0]

    assert asyncio.run(main()) == 1
    assert ran == ["début du script", "élément", "élément suivant"]


def test_a_run_s_start_starts_a_hold_and_goes_with_its_end() -> None:
    """Nothing held yet: a run's start and its messages (not urgent) only make the loop start a
    hold, they are not sent while the script runs; its end takes them, in order. The hold here
    outlasts the test."""
    ran: list[str] = []

    async def main() -> int:
        loop = asyncio.get_running_loop()
        wakeups = _counting_wakeups(loop)
        queue = LoopQueue(loop, hold_s=60.0)
        passed, ended = asyncio.Event(), asyncio.Event()
        queue.call_soon(lambda: ran.append("début du script"), urgent=False)
        queue.call_soon(lambda: ran.append("élément"), urgent=False)
        loop.call_soon(lambda: (ran.append("la boucle passe"), passed.set()))  # after the hold starts
        await asyncio.wait_for(passed.wait(), 5)
        queue.call_soon(lambda: (ran.append("fin du script"), ended.set()))
        await asyncio.wait_for(ended.wait(), 5)
        return wakeups[0]

    assert asyncio.run(main()) == 2  # the hold, then the end
    assert ran == ["la boucle passe", "début du script", "élément", "fin du script"]


def test_a_run_s_start_starts_a_whole_new_hold() -> None:
    """The hold left by the previous run's end could end in the middle of the next run: that
    run's start replaces it with a whole one (a short wake-up that sends nothing; the holds here
    outlast the test)."""
    ran: list[str] = []

    async def main() -> int:
        loop = asyncio.get_running_loop()
        wakeups = _counting_wakeups(loop)
        queue = LoopQueue(loop, hold_s=60.0)
        ended, passed, done = asyncio.Event(), asyncio.Event(), asyncio.Event()
        queue.call_soon(lambda: (ran.append("fin du passage d'avant"), ended.set()))
        await asyncio.wait_for(ended.wait(), 5)
        queue.call_soon(lambda: ran.append("début"), urgent=False, opens_run=True)
        loop.call_soon(lambda: (ran.append("la boucle passe"), passed.set()))
        await asyncio.wait_for(passed.wait(), 5)
        queue.call_soon(lambda: (ran.append("fin"), done.set()))
        await asyncio.wait_for(done.wait(), 5)
        return wakeups[0]

    assert asyncio.run(main()) == 3  # the first end, the new hold, the second end
    assert ran == ["fin du passage d'avant", "la boucle passe", "début", "fin"]


def test_an_urgent_callback_ends_the_hold_at_once_and_takes_the_held_ones_in_order() -> None:
    """The end of a run (or anything but a plain message) is never held: it wakes the loop,
    which runs the messages held before it, then it. The hold here outlasts the test."""
    ran: list[str] = []

    async def main() -> int:
        loop = asyncio.get_running_loop()
        wakeups = _counting_wakeups(loop)
        queue = LoopQueue(loop, hold_s=60.0)
        started, ended = threading.Event(), asyncio.Event()

        def script_thread() -> None:
            queue.call_soon(lambda: (ran.append("début"), started.set()))
            started.wait(5)
            queue.call_soon(lambda: ran.append("élément"), urgent=False)
            queue.call_soon(lambda: (ran.append("fin du script"), ended.set()))

        worker = threading.Thread(target=script_thread)
        worker.start()
        await asyncio.wait_for(ended.wait(), 5)
        worker.join()
        return wakeups[0]

    assert asyncio.run(main()) == 2
    assert ran == ["début", "élément", "fin du script"]


def test_only_a_run_s_start_and_plain_messages_may_wait() -> None:
    """The patched session marks as not urgent the callbacks of SCRIPT_STARTED and
    ENQUEUE_FORWARD_MSG only."""
    from streamlit.runtime.app_session import AppSession
    from streamlit.runtime.scriptrunner import ScriptRunnerEvent

    assert install_batched_wakeups()
    seen: list[bool] = []

    class Queue:
        def call_soon(self, _callback, *, urgent: bool, opens_run: bool) -> None:
            seen.append((urgent, opens_run))

    class Session:  # what the patched methods use of an AppSession
        _call_soon_on_event_loop = AppSession._call_soon_on_event_loop

    loop = asyncio.new_event_loop()
    try:
        Queue.loop = loop
        session = Session()
        session._event_loop = loop
        session.__dict__["_ctg_loop_queue"] = Queue()
        AppSession._on_scriptrunner_event(session, None, ScriptRunnerEvent.SCRIPT_STARTED)
        AppSession._on_scriptrunner_event(session, None, ScriptRunnerEvent.ENQUEUE_FORWARD_MSG)
        AppSession._on_scriptrunner_event(session, None, ScriptRunnerEvent.SCRIPT_STOPPED_WITH_SUCCESS)
        session._call_soon_on_event_loop(lambda: None)
    finally:
        loop.close()
    assert seen == [(False, True), (False, False), (True, False), (True, False)]
