"""One simulated browser tab: a websocket to `/_stcore/stream` and the page it shows.

    async with AppSession("http://127.0.0.1:8501") as tab:
        await tab.open("/", query="atelier=ARMDEMO")
        box = tab.find_widget(key="home_workshop")
        await tab.set_value(box, box.options[1])
        tab.metrics()["Participants"]

Each action sends one `rerun_script` and returns when its `script_finished` arrives, with the
latency (send → script_finished) recorded under the action's name. A background task reads
every frame as it comes (the server drops a client that lets 500 messages pile up), keeps
the element tree, the pages, the query string and the ForwardMsg cache up to date.
Widgets in a form keep their values until the form's submit button is clicked, as in a browser.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
import urllib.request
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from types import TracebackType
from typing import Any
from urllib.parse import urlsplit

import websockets
from streamlit.proto.BackMsg_pb2 import BackendOperationRequest, BackMsg, DeferredFileRequestPayload
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.proto.WidgetStates_pb2 import WidgetState
from websockets.asyncio.client import ClientConnection
from websockets.typing import Origin, Subprotocol

from measure.loadtest.limits import (
    DEFAULT_ACTION_TIMEOUT_S,
    DEFAULT_CONNECT_TIMEOUT_S,
    MAX_ACTIONS_PER_SESSION,
    MAX_MESSAGES_PER_RUN,
    LimitError,
    LoadTestError,
    check_duration,
    ensure_loopback,
)
from measure.loadtest.protocol import (
    SUBPROTOCOL,
    BrowserContext,
    MessageCache,
    Page,
    RerunRequest,
    RunStatus,
    decode_forward,
    encode_rerun,
    find_page,
    finished_status,
    fragment_ids,
    message_kind,
    page_name_for_path,
    pages_from_navigation,
    run_id,
    stream_url,
)
from measure.loadtest.report import LatencyRecorder
from measure.loadtest.tree import ElementTree
from measure.loadtest.widgets import (
    Widget,
    WidgetError,
    component_trigger_state,
    initial_state,
    server_set_value,
    trigger_state,
    value_state,
)


class SessionClosedError(LoadTestError):
    """The websocket closed (server stopped, client dropped, network error)."""


class RerunTimeoutError(LoadTestError):
    """No `script_finished` within the action's time limit."""


@dataclass(frozen=True)
class RunResult:
    """The answer to one action."""

    action: str
    seconds: float
    status: RunStatus
    runs: int
    messages: int
    exceptions: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        return self.status is not RunStatus.COMPILE_ERROR and not self.exceptions


@dataclass
class _Pending:
    action: str
    future: asyncio.Future[RunResult]
    sent_at: float = 0.0
    started: bool = False
    runs: int = 0
    messages: int = 0


@dataclass
class SessionStats:
    frames: int = 0
    bytes: int = 0
    cache_hits: int = 0
    actions: int = 0


@dataclass
class _Forms:
    """Values typed in forms, waiting for their submit button (by form id, then widget id)."""

    pending: dict[str, dict[str, WidgetState]] = field(default_factory=dict)

    def put(self, form_id: str, state: WidgetState) -> None:
        self.pending.setdefault(form_id, {})[state.id] = state

    def take(self, form_id: str) -> list[WidgetState]:
        return list(self.pending.pop(form_id, {}).values())

    def drop_inactive(self, active: set[str]) -> None:
        for values in self.pending.values():
            for widget_id in [w for w in values if w not in active]:
                del values[widget_id]


def _http_get(url: str, cookies: dict[str, str], timeout: float) -> bytes:
    """GET on this machine (the URL is the session's own loopback server)."""
    ensure_loopback(url)
    request = urllib.request.Request(url)
    if cookies:
        request.add_header("Cookie", "; ".join(f"{name}={value}" for name, value in cookies.items()))
    with urllib.request.urlopen(request, timeout=timeout) as response:
        return response.read()


def _widget_value(state: WidgetState) -> Any:
    kind = state.WhichOneof("value")
    if kind is None:
        return None
    value = getattr(state, kind)
    if kind.endswith("array_value"):
        return list(value.data)
    return value


class AppSession:
    """A browser tab on a Streamlit app served on this machine (loopback only)."""

    def __init__(
        self,
        base_url: str,
        *,
        name: str = "",
        recorder: LatencyRecorder | None = None,
        action_timeout: float = DEFAULT_ACTION_TIMEOUT_S,
        connect_timeout: float = DEFAULT_CONNECT_TIMEOUT_S,
        use_message_cache: bool = True,
        context: BrowserContext | None = None,
        max_actions: int = MAX_ACTIONS_PER_SESSION,
        cookies: dict[str, str] | None = None,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.ws_url = stream_url(self.base_url)  # refuses anything but loopback
        self.name = name
        self.recorder = recorder if recorder is not None else LatencyRecorder()
        self.action_timeout = check_duration("délai d'une action", action_timeout)
        self.connect_timeout = check_duration("délai de connexion", connect_timeout)
        self.use_message_cache = use_message_cache
        self.context = context or BrowserContext()
        self.max_actions = max_actions
        self.cookies = dict(cookies or {})
        self.stats = SessionStats()
        self._lock = asyncio.Lock()
        self._changed = asyncio.Event()
        self._operations: dict[str, asyncio.Future[ForwardMsg]] = {}
        self._pending: _Pending | None = None
        self._reset_tab()

    def _reset_tab(self) -> None:
        """A fresh tab: no connection, nothing on screen, no widget value, empty cache."""
        self.tree = ElementTree()
        self.cache = MessageCache()
        self.session_id = ""
        self.main_script_hash = ""
        self.page_script_hash = ""
        self.pages: tuple[Page, ...] = ()
        self.path = "/"
        self.query_string = ""
        self.page_not_found: str | None = None
        self.compile_error: str | None = None
        self.auto_reruns: dict[str, float] = {}
        self._values: dict[str, WidgetState] = {}
        self._forms = _Forms()
        self._run_id = ""
        self._run_fragments: tuple[str, ...] = ()
        self._ws: ClientConnection | None = None
        self._reader: asyncio.Task[None] | None = None
        self._closed_reason: str | None = None

    # -- connection --------------------------------------------------------------------------

    @property
    def connected(self) -> bool:
        return self._ws is not None and self._closed_reason is None

    async def connect(self) -> None:
        """Open the websocket (done by `open()` if needed); records the handshake as `connect`."""
        if self._ws is not None:
            return
        origin = urlsplit(self.base_url)
        started = time.perf_counter()
        try:
            self._ws = await websockets.connect(
                self.ws_url,
                subprotocols=[Subprotocol(SUBPROTOCOL)],
                origin=Origin(f"{origin.scheme}://{origin.netloc}"),
                open_timeout=self.connect_timeout,
                ping_interval=None,  # browsers do not ping; the server pings and we answer
                max_size=None,
                proxy=None,
                user_agent_header="ctg-atelier-loadtest",
                additional_headers=self._cookie_header(),
            )
        except (OSError, TimeoutError, websockets.InvalidHandshake) as error:
            self.recorder.error("connect", type(error).__name__)
            raise SessionClosedError(f"Connexion impossible à {self.ws_url} : {error}") from error
        self.recorder.record("connect", time.perf_counter() - started)
        self._reader = asyncio.create_task(self._read_loop(), name=f"reader-{self.name}")

    def _cookie_header(self) -> dict[str, str]:
        """The cookies a browser would send with the handshake (`st.context.cookies`)."""
        if not self.cookies:
            return {}
        return {"Cookie": "; ".join(f"{name}={value}" for name, value in self.cookies.items())}

    async def close(self) -> None:
        ws, reader = self._ws, self._reader
        self._closed_reason = self._closed_reason or "fermée par le client"
        if ws is not None:
            with contextlib.suppress(Exception):
                await asyncio.wait_for(ws.close(), timeout=self.connect_timeout)
        if reader is not None:
            reader.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await reader

    async def drop(self) -> None:
        """Lose the connection without a goodbye (a phone entering a tunnel, Wi-Fi lost): the
        TCP connection is cut, no websocket close. `open()` afterwards is the phone coming back."""
        ws, reader = self._ws, self._reader
        self._closed_reason = "coupée par le client (perte de réseau simulée)"
        if ws is not None:
            ws.transport.abort()
        if reader is not None:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await asyncio.wait_for(reader, timeout=self.connect_timeout)

    async def __aenter__(self) -> AppSession:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.close()

    # -- reading -----------------------------------------------------------------------------

    async def _read_loop(self) -> None:
        assert self._ws is not None
        try:
            async for frame in self._ws:
                self._on_frame(frame)
            self._closed_reason = self._closed_reason or "fermée par le serveur"
        except websockets.ConnectionClosed as error:
            self._closed_reason = self._closed_reason or f"coupée ({error})"
        except LoadTestError as error:  # unreadable frame, runaway run: give up this tab
            self._closed_reason = self._closed_reason or str(error)
            with contextlib.suppress(Exception):
                await asyncio.wait_for(self._ws.close(), timeout=self.connect_timeout)
        finally:
            self._fail_pending()
            self._notify()

    def _fail_pending(self) -> None:
        pending = self._pending
        if pending is not None and not pending.future.done():
            reason = self._closed_reason or "fermée"
            pending.future.set_exception(SessionClosedError(f"Connexion {reason}."))

    def _on_frame(self, frame: bytes | str) -> None:
        received_at = time.perf_counter()
        self.stats.frames += 1
        self.stats.bytes += len(frame)
        message = self.cache.resolve(decode_forward(frame))
        self.stats.cache_hits = self.cache.hits
        if self._pending is not None:
            self._pending.messages += 1
            if self._pending.messages > MAX_MESSAGES_PER_RUN:
                raise LimitError(f"Plus de {MAX_MESSAGES_PER_RUN} messages pour une seule action.")
        kind = message_kind(message)
        if kind == "delta":
            self.tree.apply(message, self._run_id)
        elif kind == "new_session":
            self._on_new_session(message)
        elif kind == "navigation":
            self._on_navigation(message)
        elif kind == "script_finished":
            self._on_finished(message, received_at)
        elif kind == "page_info_changed":
            self.query_string = message.page_info_changed.query_string
        elif kind == "page_not_found":
            self.page_not_found = message.page_not_found.page_name
        elif kind == "auto_rerun":
            self.auto_reruns[message.auto_rerun.fragment_id] = message.auto_rerun.interval
        elif kind == "backend_operation_response":
            waiting = self._operations.get(message.backend_operation_response.request_id)
            if waiting is not None and not waiting.done():
                waiting.set_result(message)
        elif kind == "session_event" and message.session_event.HasField("script_compilation_exception"):
            error = message.session_event.script_compilation_exception
            self.compile_error = f"{error.type}: {error.message}"

    def _on_new_session(self, message: ForwardMsg) -> None:
        session = message.new_session
        if session.initialize.session_id:
            self.session_id = session.initialize.session_id
        self.main_script_hash = session.main_script_hash
        self._run_id = run_id(message)
        self._run_fragments = fragment_ids(message)
        if not self._run_fragments:
            self.auto_reruns.clear()  # a full run registers its fragments' timers again
            self.compile_error = None
            self.page_not_found = None
        if self._pending is not None:
            self._pending.started = True

    def _on_navigation(self, message: ForwardMsg) -> None:
        self.pages = pages_from_navigation(message)
        new_page = message.navigation.page_script_hash
        if self.page_script_hash and new_page != self.page_script_hash:
            self.tree.clear_page(self.main_script_hash)
        self.page_script_hash = new_page
        page = next((p for p in self.pages if p.page_script_hash == new_page), None)
        if page is not None:
            self.path = "/" + page.url_pathname

    def _on_finished(self, message: ForwardMsg, received_at: float) -> None:
        status = finished_status(message)
        if status.prunes_tree:
            self.tree.prune(self._run_id, self._run_fragments)
            self._sync_widget_states()
            self.cache.run_finished()
        pending = self._pending
        if pending is None or not pending.started:
            self._notify()
            return
        pending.runs += 1
        if status.ends_request and not pending.future.done():
            pending.future.set_result(
                RunResult(
                    action=pending.action,
                    seconds=received_at - pending.sent_at,
                    status=status,
                    runs=pending.runs,
                    messages=pending.messages,
                    exceptions=tuple(self.exceptions()),
                )
            )
        self._notify()

    def _notify(self) -> None:
        self._changed.set()

    def _sync_widget_states(self) -> None:
        """What the browser's widgets do after a run: report their value when first drawn or
        when the script set it, and forget widgets no longer on screen."""
        widgets = self.tree.widgets()
        active = {w.id for w in widgets}
        for widget_id in [w for w in self._values if w not in active]:
            del self._values[widget_id]
        self._forms.drop_inactive(active)
        redrawn = {w.id for w in self.tree.widgets_drawn_by(self._run_id)}
        for widget in widgets:
            fresh = widget.id not in self._values
            if fresh or (widget.id in redrawn and server_set_value(widget)):
                state = initial_state(widget)
                if state is not None:
                    self._values[widget.id] = state
                elif not fresh:
                    del self._values[widget.id]

    # -- requests ----------------------------------------------------------------------------

    def _request(self, **changes: Any) -> RerunRequest:
        base = {
            "query_string": self.query_string,
            "page_script_hash": self.page_script_hash,
            "widget_states": list(self._values.values()),
            "cached_message_hashes": self.cache.hashes() if self.use_message_cache else (),
            "url": f"{self.base_url}{self.path}" + (f"?{self.query_string}" if self.query_string else ""),
            "context": self.context,
        }
        return RerunRequest(**{**base, **changes})

    async def _send(self, action: str, request: RerunRequest) -> RunResult:
        if self.stats.actions >= self.max_actions:
            raise LimitError(f"Plus de {self.max_actions} actions pour une session.")
        self.stats.actions += 1
        async with self._lock:
            await self.connect()
            if not self.connected or self._ws is None:
                self.recorder.error(action, "closed")
                raise SessionClosedError(f"Connexion {self._closed_reason or 'fermée'}.")
            loop = asyncio.get_running_loop()
            pending = _Pending(action=action, future=loop.create_future())
            self._pending = pending
            try:
                pending.sent_at = time.perf_counter()
                await self._ws.send(encode_rerun(request))
                async with asyncio.timeout(self.action_timeout):
                    result = await pending.future
            except TimeoutError as error:
                self.recorder.error(action, "timeout")
                raise RerunTimeoutError(
                    f"« {action} » : pas de fin d'exécution (script_finished) en {self.action_timeout:g} s."
                ) from error
            except (SessionClosedError, websockets.ConnectionClosed) as error:
                self.recorder.error(action, "closed")
                raise SessionClosedError(f"« {action} » : connexion perdue ({error}).") from error
            finally:
                self._pending = None
        error_kind = None
        if result.status is RunStatus.COMPILE_ERROR:
            error_kind = "compile_error"
        elif result.exceptions:
            error_kind = "exception"
            self.recorder.example(action, error_kind, result.exceptions[0])
        self.recorder.record(action, result.seconds, error=error_kind)
        return result

    async def open(self, path: str = "/", query: str = "", *, action: str = "open") -> RunResult:
        """Load `path` (`/`, `/participer`) with `query` (`atelier=ARMDEMO`), like typing the URL.

        On a session that already shows a page, this reloads the tab: new websocket, empty
        widget states, first-load `page_name` — as a browser reload does."""
        if self._ws is not None:
            await self.close()
            self._reset_tab()
        self.query_string = query.lstrip("?")
        self.path = "/" + page_name_for_path(path)
        request = self._request(page_name=page_name_for_path(path), page_script_hash="", widget_states=[])
        return await self._send(action, request)

    async def navigate(self, page: str, query: str = "", *, action: str = "navigate") -> RunResult:
        """Follow a link to another page of `st.navigation` (URL path or title), in the same tab."""
        target = find_page(self.pages, page)
        if target is None:
            known = ", ".join(f"« {p.title} » (/{p.url_pathname})" for p in self.pages)
            raise WidgetError(f"Page « {page} » introuvable. Pages connues : {known or 'aucune'}.")
        self.tree.clear_page(self.main_script_hash)
        self._sync_widget_states()
        self.query_string = query.lstrip("?")
        self.path = "/" + target.url_pathname
        return await self._send(action, self._request(page_script_hash=target.page_script_hash))

    async def rerun(self, *, action: str = "rerun") -> RunResult:
        """Run the page again with the current widget values (the « R » key)."""
        return await self._send(action, self._request())

    async def set_value(self, widget: Widget, value: Any, *, action: str = "set_value") -> RunResult | None:
        """Give `widget` a value as a user would. Outside a form this runs the script and returns
        its result; inside a form the value waits for the submit button and None is returned."""
        widget = self._current(widget)
        state = value_state(widget, value)
        if widget.form_id:
            self._forms.put(widget.form_id, state)
            return None
        self._values[widget.id] = state
        return await self._send(action, self._request(fragment_id=widget.fragment_id))

    async def click(self, widget: Widget, *, action: str = "click") -> RunResult:
        """Click a button (`trigger_value` for one run). A form's submit button also sends the
        values typed in that form; a `clear_on_submit` form then goes back to its defaults."""
        widget = self._current(widget)
        trigger = trigger_state(widget)
        form = self.tree.forms().get(widget.form_id) if widget.is_form_submitter else None
        if widget.is_form_submitter:
            for state in self._forms.take(widget.form_id):
                self._values[state.id] = state
        states = [s for s in self._values.values() if s.id != widget.id] + [trigger]
        result = await self._send(action, self._request(widget_states=states, fragment_id=widget.fragment_id))
        if form is not None and form.clear_on_submit:
            self._reset_form(widget.form_id)
        return result

    async def tap_component(
        self, widget: Widget, event: str, value: Any, *, action: str = "tap"
    ) -> RunResult:
        """An event of a custom component (a tap on a vote card): its trigger for one run, in
        the component's fragment, with the page's other widget states."""
        widget = self._current(widget)
        states = [*self._values.values(), component_trigger_state(widget, event, value)]
        return await self._send(action, self._request(widget_states=states, fragment_id=widget.fragment_id))

    def _reset_form(self, form_id: str) -> None:
        """After a `clear_on_submit` form's submission its fields go back to their defaults:
        a `WidgetState` without a value is read by the server as « the default »."""
        for widget in self.tree.widgets():
            if widget.form_id == form_id and widget.kind != "button":
                self._values[widget.id] = WidgetState(id=widget.id)

    async def send_states(self, extra: list[WidgetState], *, action: str = "forged") -> RunResult:
        """A run with these widget states added to the page's own: what a modified client could
        send (a trigger for a disabled button, an id the page never drew). For security tests."""
        ids = {state.id for state in extra}
        states = [state for state in self._values.values() if state.id not in ids] + list(extra)
        return await self._send(action, self._request(widget_states=states))

    async def idle(self, seconds: float, *, until: Callable[[AppSession], bool] | None = None) -> int:
        """Stay on the page for `seconds`, reading what the server pushes and running the
        fragments' timers (`st.fragment(run_every=…)`) as a browser does. Returns the runs made.
        With `until`, return as soon as `until(self)` holds (checked after every change)."""
        check_duration("durée d'attente", seconds)
        deadline = time.monotonic() + seconds
        runs = 0
        due: dict[str, float] = {}
        while (remaining := deadline - time.monotonic()) > 0 and self.connected:
            if until is not None and until(self):
                break
            now = time.monotonic()
            for fragment, interval in self.auto_reruns.items():
                due.setdefault(fragment, now + interval)
            for gone in [f for f in due if f not in self.auto_reruns]:
                del due[gone]
            wake_at = min([*due.values(), deadline])
            self._changed.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._changed.wait(), timeout=min(remaining, wake_at - now))
            for fragment in [f for f, at in due.items() if at <= time.monotonic() < deadline]:
                del due[fragment]
                if fragment in self.auto_reruns and self.connected:
                    await self.run_fragment(fragment)
                    runs += 1
        return runs

    async def run_fragment(self, fragment_id: str, *, action: str = "auto_rerun") -> RunResult:
        """One timer tick of fragment `fragment_id` (`st.fragment(run_every=…)`), sent now."""
        return await self._send(action, self._request(fragment_id=fragment_id, is_auto_rerun=True))

    async def download(self, widget: Widget, *, action: str = "download") -> bytes:
        """What a download button gives, as the browser gets it: a deferred file is asked for
        over the websocket (`backend_operation_request`), then its URL fetched over HTTP."""
        widget = self._current(widget)
        proto: Any = widget.proto
        if widget.kind != "download_button":
            raise WidgetError(f"{widget.describe()} n'est pas un bouton de téléchargement.")
        started = time.perf_counter()
        url = proto.url
        if not url and proto.deferred_file_id:
            if self._ws is None or not self.connected:
                raise SessionClosedError(f"Connexion {self._closed_reason or 'fermée'}.")
            request_id = uuid.uuid4().hex
            future: asyncio.Future[ForwardMsg] = asyncio.get_running_loop().create_future()
            self._operations[request_id] = future
            request = BackMsg(
                backend_operation_request=BackendOperationRequest(
                    request_id=request_id,
                    session_id=self.session_id,
                    deferred_file=DeferredFileRequestPayload(file_id=proto.deferred_file_id),
                )
            )
            try:
                await self._ws.send(request.SerializeToString())
                async with asyncio.timeout(self.action_timeout):
                    response = (await future).backend_operation_response
            finally:
                self._operations.pop(request_id, None)
            if response.error_msg:
                self.recorder.error(action, "refused")
                raise WidgetError(f"Téléchargement refusé par le serveur : {response.error_msg}")
            url = response.deferred_file.url
        data = await asyncio.to_thread(_http_get, f"{self.base_url}{url}", self.cookies, self.action_timeout)
        self.recorder.record(action, time.perf_counter() - started)
        return data

    async def wait_until(self, predicate: Callable[[AppSession], bool], timeout: float) -> bool:
        """Wait (at most `timeout` s) until `predicate(self)` holds after some run; False if not."""
        check_duration("délai d'attente", timeout)
        try:
            async with asyncio.timeout(timeout):
                while not predicate(self) and self.connected:
                    self._changed.clear()
                    await self._changed.wait()
        except TimeoutError:
            return False
        return predicate(self)

    # -- what the page shows -----------------------------------------------------------------

    def _current(self, widget: Widget) -> Widget:
        for candidate in self.tree.widgets():
            if candidate.id == widget.id:
                return candidate
        raise WidgetError(f"Le widget {widget.describe()} n'est plus affiché.")

    def widgets(self) -> list[Widget]:
        return self.tree.widgets()

    def find_widgets(
        self, label: str | None = None, key: str | None = None, kind: str | None = None
    ) -> list[Widget]:
        """The widgets on screen matching every criterion given (label: exact, then contained)."""
        found = [
            w
            for w in self.tree.widgets()
            if (key is None or w.key == key) and (kind is None or w.kind == kind)
        ]
        if label is None:
            return found
        exact = [w for w in found if w.label == label]
        return exact or [w for w in found if label.casefold() in w.label.casefold()]

    def find_widget(
        self, label: str | None = None, key: str | None = None, kind: str | None = None
    ) -> Widget:
        """The one widget matching; `WidgetError` (in French) if none or several match."""
        found = self.find_widgets(label=label, key=key, kind=kind)
        wanted = ", ".join(
            f"{name} « {value} »"
            for name, value in (("libellé", label), ("clé", key), ("type", kind))
            if value is not None
        )
        if not found:
            shown = "; ".join(w.describe() for w in self.tree.widgets()[:20])
            raise WidgetError(
                f"Aucun widget ({wanted}) sur la page {self.path}. Affichés : {shown or 'aucun'}."
            )
        if len(found) > 1:
            raise WidgetError(f"{len(found)} widgets répondent à ({wanted}) : précisez la clé.")
        return found[0]

    def value_of(self, widget: Widget) -> Any:
        """The value the tab would send for `widget` (typed in a form but not submitted included)."""
        pending = self._forms.pending.get(widget.form_id, {})
        state = pending.get(widget.id) or self._values.get(widget.id)
        return None if state is None else _widget_value(state)

    def texts(self, *, raw: bool = False) -> list[str]:
        """Texts on screen in page order: markdown, st.write text, headings, alerts, toasts, code,
        exceptions. Markdown escapes (`\\(`) are removed unless `raw`; `**bold**` marks stay."""
        return self.tree.texts(raw=raw)

    def texts_around(self, widget: Widget, levels: int = 2) -> list[str]:
        """Texts in the container `levels` levels above `widget` (1: its own column or block,
        2: the row of columns holding it…): what a « + » button stands next to."""
        return self.tree.texts(under=widget.path[: max(1, len(widget.path) - levels)])

    def metrics(self) -> dict[str, str]:
        return {e.metric.label: e.metric.body for e in self.tree.of_kind("metric")}

    def alerts(self) -> list[tuple[str, str]]:
        """(kind, text) of the st.error / warning / info / success boxes on screen."""
        return [
            (e.alert.Format.Name(e.alert.format).lower(), e.alert.body) for e in self.tree.of_kind("alert")
        ]

    def exceptions(self) -> list[str]:
        found = [f"{e.exception.type}: {e.exception.message}" for e in self.tree.of_kind("exception")]
        return [*found, self.compile_error] if self.compile_error else found
