"""Flushes that visit only the sessions with something to send (`server/session_flush.py`), and
the theme read from the config once (`server/theme_cache.py`).

On a real Streamlit Runtime (started on this test's event loop, sessions connected with clients
that record what they are sent): a session that enqueued is flushed, one that did not is not
visited, messages keep their order, sessions enqueuing from two threads are both flushed, the
disconnects, reconnects and settling of Streamlit's loop still work. The theme part of a
`new_session` message is the one Streamlit builds, without walking the config at every run, and
follows a re-parse of the config.
"""

from __future__ import annotations

import asyncio
import hashlib
import inspect
import threading
from collections import Counter
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import pytest
from streamlit import config
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.proto.NewSession_pb2 import NewSession
from streamlit.runtime import app_session
from streamlit.runtime.app_session import AppSession
from streamlit.runtime.memory_media_file_storage import MemoryMediaFileStorage
from streamlit.runtime.memory_uploaded_file_manager import MemoryUploadedFileManager
from streamlit.runtime.runtime import Runtime, RuntimeConfig
from streamlit.runtime.session_manager import SessionClientDisconnectedError

from server import session_flush, streamlit_loop
from server.session_flush import _DIRTY, DirtySessions, install_session_flush
from server.theme_cache import install_theme_cache

TIMEOUT_S = 10  # a bound on every wait: a failure, never a pause


# --- The copy of Streamlit's loop -----------------------------------------------------------------


def _unindented(source: str) -> list[str]:
    """A method's lines as a module-level function's (a string's lines at the margin stay)."""
    return [line.removeprefix("    ") for line in source.splitlines()]


def test_the_copy_differs_from_streamlits_loop_only_in_the_sessions_a_cycle_visits() -> None:
    assert install_session_flush()
    original = inspect.getsource(inspect.unwrap(Runtime._loop_coroutine))
    assert hashlib.sha256(original.encode()).hexdigest() == streamlit_loop.STREAMLIT_LOOP_SHA256
    theirs = _unindented(original)
    ours = inspect.getsource(streamlit_loop._loop_coroutine).splitlines()
    assert len(theirs) == len(ours)
    changed = [(a.strip(), b.strip()) for a, b in zip(theirs, ours, strict=True) if a != b]
    assert changed == [streamlit_loop.CHANGED_LINE]
    assert f"self.{_DIRTY}.take(" in streamlit_loop.CHANGED_LINE[1]


def test_the_patches_apply_to_this_streamlit_once() -> None:
    assert install_session_flush() and install_session_flush()
    assert install_theme_cache() and install_theme_cache()
    assert getattr(Runtime._loop_coroutine, "_ctg_session_flush", False)
    assert getattr(app_session._populate_theme_msg, "_ctg_theme_cache", False)


def test_marks_made_while_the_loop_takes_them_are_never_lost() -> None:
    """Two threads mark 20,000 ids each while the loop's thread keeps taking them: every mark is
    taken once, none lost, none twice."""
    dirty = DirtySessions()

    class Sessions:  # every session connected
        def get_active_session_info(self, session_id: str) -> str:
            return session_id

    def script_thread(name: str) -> None:
        for i in range(20_000):
            dirty.mark(f"{name}-{i}")

    threads = [threading.Thread(target=script_thread, args=(name,)) for name in ("a", "b")]
    for thread in threads:
        thread.start()
    seen: Counter[str] = Counter()
    while any(thread.is_alive() for thread in threads):
        seen.update(dirty.take(Sessions()))
    seen.update(dirty.take(Sessions()))
    assert seen == Counter(f"{name}-{i}" for name in "ab" for i in range(20_000))
    assert len(dirty) == 0


def test_sessions_of_an_unknown_kind_bring_back_streamlits_visit_of_everyone(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A session whose callback is not a Runtime's cannot be marked: every cycle visits all."""
    dirty = DirtySessions()
    dirty.mark("a")

    class Sessions:
        def list_active_sessions(self) -> list[str]:
            return ["a", "b", "c"]

    monkeypatch.setattr(session_flush, "_visit_all", True)
    assert dirty.take(Sessions()) == ["a", "b", "c"]
    assert len(dirty) == 0


# --- A real Runtime -------------------------------------------------------------------------------


class Client:
    """A SessionClient that records what it is sent (or fails as a closed websocket does)."""

    def __init__(self, *, disconnected: bool = False) -> None:
        self.received: list[ForwardMsg] = []
        self.disconnected = disconnected
        self._changed = asyncio.Event()

    def write_forward_msg(self, msg: ForwardMsg) -> None:
        if self.disconnected:
            raise SessionClientDisconnectedError
        self.received.append(msg)
        self._changed.set()

    @property
    def client_context(self) -> None:
        return None

    def texts(self) -> list[str]:
        return [msg.page_info_changed.query_string for msg in self.received]

    async def wait_for(self, count: int) -> None:
        async with asyncio.timeout(TIMEOUT_S):
            while len(self.received) < count:
                self._changed.clear()
                await self._changed.wait()


def message(text: str) -> ForwardMsg:
    msg = ForwardMsg()
    msg.page_info_changed.query_string = text
    return msg


class Visits:
    """Counts the loop's calls on each session; `cycle_done(session)` waits for the end of the
    session's next visit (its `on_flushed_messages_sent`)."""

    def __init__(self) -> None:
        self.flushes: Counter[str] = Counter()
        self.ends: Counter[str] = Counter()
        self._ended = asyncio.Event()

    def watch(self, session: AppSession) -> None:
        flush, ended = session.flush_browser_queue, session.on_flushed_messages_sent

        def counted_flush() -> list[ForwardMsg]:
            self.flushes[session.id] += 1
            return flush()

        def counted_end() -> None:
            ended()
            self.ends[session.id] += 1
            self._ended.set()

        session.flush_browser_queue = counted_flush  # type: ignore[method-assign]
        session.on_flushed_messages_sent = counted_end  # type: ignore[method-assign]

    async def until(self, predicate: Callable[[], bool]) -> None:
        async with asyncio.timeout(TIMEOUT_S):
            while not predicate():
                self._ended.clear()
                await self._ended.wait()


@asynccontextmanager
async def started_runtime(tmp_path: Path) -> AsyncIterator[Runtime]:
    assert install_session_flush()
    script = tmp_path / "app.py"
    script.write_text("", encoding="utf-8")
    runtime = Runtime(
        RuntimeConfig(
            script_path=str(script),
            media_file_storage=MemoryMediaFileStorage("/media"),
            uploaded_file_manager=MemoryUploadedFileManager("/upload"),
        )
    )
    try:
        await runtime.start()
        yield runtime
        runtime.stop()
        async with asyncio.timeout(TIMEOUT_S):
            await runtime.stopped
    finally:
        Runtime._instance = None


def connect(runtime: Runtime, visits: Visits, client: Client | None = None) -> tuple[AppSession, Client]:
    client = client or Client()
    session_id = runtime.connect_session(client=client, user_info={})
    session = runtime._session_mgr.get_active_session_info(session_id).session  # type: ignore[union-attr]
    visits.watch(session)
    return session, client


def run(scenario: Callable[[], Awaitable[None]]) -> None:
    asyncio.run(scenario())


@pytest.fixture
def runtime_scenario(tmp_path: Path) -> Iterator[Callable[[Callable[[Runtime], Awaitable[None]]], None]]:
    def runner(body: Callable[[Runtime], Awaitable[None]]) -> None:
        async def scenario() -> None:
            async with started_runtime(tmp_path) as runtime:
                await body(runtime)

        run(scenario)

    yield runner


def test_only_the_session_that_enqueued_is_visited(runtime_scenario: Any) -> None:
    async def body(runtime: Runtime) -> None:
        visits = Visits()
        (busy, busy_client), (idle, idle_client), (other, _) = [connect(runtime, visits) for _ in range(3)]
        busy._enqueue_forward_msg(message("un"))
        await busy_client.wait_for(1)
        await visits.until(lambda: visits.ends[busy.id] >= 1)
        assert busy_client.texts() == ["un"]
        assert visits.flushes[idle.id] == visits.flushes[other.id] == 0
        assert visits.ends[idle.id] == visits.ends[other.id] == 0
        assert idle_client.received == []
        assert len(runtime.__dict__[_DIRTY]) == 0

    runtime_scenario(body)


def test_a_sessions_messages_keep_their_order_across_cycles(runtime_scenario: Any) -> None:
    async def body(runtime: Runtime) -> None:
        visits = Visits()
        session, client = connect(runtime, visits)
        for i in range(60):
            session._enqueue_forward_msg(message(str(i)))
            if i % 7 == 0:
                await asyncio.sleep(0)  # one turn of the loop: it flushes part of them
        await client.wait_for(60)
        assert client.texts() == [str(i) for i in range(60)]

    runtime_scenario(body)


def test_two_sessions_enqueuing_from_two_threads_are_both_flushed(runtime_scenario: Any) -> None:
    async def body(runtime: Runtime) -> None:
        visits = Visits()
        loop = asyncio.get_running_loop()
        pairs = [connect(runtime, visits) for _ in range(2)]
        _, bystander_client = connect(runtime, visits)

        def script_thread(session: AppSession) -> None:  # as a ScriptRunner hands over its messages
            for i in range(300):
                loop.call_soon_threadsafe(session._enqueue_forward_msg, message(str(i)))

        threads = [threading.Thread(target=script_thread, args=(session,)) for session, _ in pairs]
        for thread in threads:
            thread.start()
        for _, client in pairs:
            await client.wait_for(300)
        for thread in threads:
            thread.join()
        for _, client in pairs:
            assert client.texts() == [str(i) for i in range(300)]
        assert bystander_client.received == []

    runtime_scenario(body)


def test_a_closed_session_does_not_stay_marked(runtime_scenario: Any) -> None:
    async def body(runtime: Runtime) -> None:
        visits = Visits()
        (closing, _), (other, other_client) = connect(runtime, visits), connect(runtime, visits)
        dirty = runtime.__dict__[_DIRTY]
        closing._enqueue_forward_msg(message("perdu"))
        assert closing.id in dirty
        runtime.close_session(closing.id)
        assert closing.id not in dirty
        dirty.mark(closing.id)  # a script thread's late message, after the close
        other._enqueue_forward_msg(message("un"))
        await visits.until(lambda: visits.ends[other.id] >= 1)
        assert closing.id not in dirty
        assert other_client.texts() == ["un"]

    runtime_scenario(body)


def test_a_client_gone_is_disconnected_and_a_reconnect_gets_the_messages_left(runtime_scenario: Any) -> None:
    async def body(runtime: Runtime) -> None:
        visits = Visits()
        (gone, gone_client), (other, _) = (
            connect(runtime, visits, Client(disconnected=True)),
            connect(runtime, visits),
        )
        gone._enqueue_forward_msg(message("jamais"))
        await visits.until(lambda: visits.ends[gone.id] >= 1)
        assert not runtime.is_active_session(gone.id)  # Streamlit's handling, unchanged

        gone._enqueue_forward_msg(message("en attente"))  # while disconnected, kept for a reconnect
        other._enqueue_forward_msg(message("un"))
        await visits.until(lambda: visits.ends[other.id] >= 1)
        assert gone.id in runtime.__dict__[_DIRTY]

        back = Client()
        assert runtime.connect_session(client=back, user_info={}, existing_session_id=gone.id) == gone.id
        other._enqueue_forward_msg(message("deux"))
        await back.wait_for(1)
        assert back.texts() == ["en attente"]
        assert gone_client.received == []

    runtime_scenario(body)


def test_a_session_tracking_its_settling_still_settles(runtime_scenario: Any) -> None:
    async def body(runtime: Runtime) -> None:
        visits = Visits()
        (tracked, client), _ = connect(runtime, visits), connect(runtime, visits)
        tracked.track_settling()
        tracked._unsettle()  # a run chain starts…
        tracked._enqueue_forward_msg(message("un"))
        tracked._settle_once_delivered()  # …and ends
        async with asyncio.timeout(TIMEOUT_S):
            await tracked.wait_until_settled()
        assert client.texts() == ["un"]

        await visits.until(lambda: tracked._browser_queue.is_empty() and visits.ends[tracked.id] >= 1)
        tracked._unsettle()  # a chain whose messages all went out already: settles on a cycle of its own
        tracked._settle_once_delivered()
        async with asyncio.timeout(TIMEOUT_S):
            await tracked.wait_until_settled()

    runtime_scenario(body)


# --- The theme ------------------------------------------------------------------------------------

SECTIONS = (
    "theme",
    "theme.light",
    "theme.dark",
    "theme.sidebar",
    "theme.light.sidebar",
    "theme.dark.sidebar",
)


def _theme(populate: Callable[..., None]) -> bytes:
    """The theme part of a `new_session` message, built as `_create_new_session_message` does."""
    new_session = NewSession()
    theme = new_session.custom_theme
    targets = (theme, theme.light, theme.dark, theme.sidebar, theme.light.sidebar, theme.dark.sidebar)
    populate(theme)  # the default section, as Streamlit calls it
    for target, section in zip(targets[1:], SECTIONS[1:], strict=True):
        populate(target, section)
    return new_session.SerializeToString(deterministic=True)


@pytest.fixture
def theme_cache() -> Iterator[tuple[Callable[..., None], Callable[..., None]]]:
    """(the patched `_populate_theme_msg`, Streamlit's own); the config parsed again after."""
    assert install_theme_cache()
    patched = app_session._populate_theme_msg
    yield patched, patched.cache._populate  # type: ignore[attr-defined]
    config.get_config_options(force_reparse=True)


def test_the_theme_is_streamlits_and_read_from_the_config_once(
    theme_cache: tuple[Callable[..., None], Callable[..., None]], monkeypatch: pytest.MonkeyPatch
) -> None:
    patched, original = theme_cache
    expected = _theme(original)
    assert b"#0B5563" in expected  # the project's theme (.streamlit/config.toml)
    assert _theme(patched) == expected
    walks = 0
    walk = config.get_options_for_section

    def counted(section: str) -> dict[str, Any]:
        nonlocal walks
        walks += 1
        return walk(section)

    monkeypatch.setattr(config, "get_options_for_section", counted)
    for _ in range(3):
        assert _theme(patched) == expected
    assert walks == 0


def test_the_theme_follows_a_new_parse_of_the_config_and_a_set_option(
    theme_cache: tuple[Callable[..., None], Callable[..., None]],
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    patched, original = theme_cache
    before = _theme(patched)
    (tmp_path / ".streamlit").mkdir()
    (tmp_path / ".streamlit" / "config.toml").write_text(
        '[theme]\nprimaryColor = "#ABCDEF"\n[theme.dark]\nbackgroundColor = "#101010"\n', encoding="utf-8"
    )
    monkeypatch.chdir(tmp_path)
    config.get_config_options(force_reparse=True)
    after = _theme(patched)
    assert after != before and b"#ABCDEF" in after and b"#101010" in after
    assert after == _theme(original)

    config.set_option("theme.sidebar.textColor", "#222222")
    changed = _theme(patched)
    assert b"#222222" in changed and changed == _theme(original)
