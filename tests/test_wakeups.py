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
