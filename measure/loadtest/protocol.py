"""Streamlit's browser protocol (1.67), seen from the client side.

One websocket per browser tab at `/_stcore/stream`, subprotocol `streamlit`, binary frames
only: the client sends `BackMsg` protobufs, the server answers with `ForwardMsg`s.

- A run is asked for with `BackMsg.rerun_script` carrying a `ClientState`: the URL's query
  string, the page (`page_name` = URL path on a first load, `page_script_hash` afterwards),
  the values of the widgets on screen (`WidgetStates`), an optional fragment id, and the
  hashes of the big messages the client has cached.
- The server answers each run with `new_session` (run start, `metadata.run.script_run_id`),
  `navigation` (pages and the page being run), `delta`s (the element tree, addressed by
  `metadata.delta_path`), and `script_finished` with the same run id.
- A `delta` of at least `global.minCachedMessageSize` (10 kB) is marked `cacheable`; once the
  client lists its hash in `cached_message_hashes`, the server sends a `ref_hash` message
  instead and the client reuses its copy (`MessageCache`).
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ClientState_pb2 import ClientState
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.proto.WidgetStates_pb2 import WidgetState

from measure.loadtest.limits import LoadTestError, ensure_loopback

STREAM_ROUTE = "/_stcore/stream"
HEALTH_ROUTE = "/_stcore/health"
SUBPROTOCOL = "streamlit"
MAX_CACHED_MESSAGE_AGE = 2  # streamlit's global.maxCachedMessageAge


class ProtocolError(LoadTestError):
    """The server sent something the driver cannot make sense of."""


class RunStatus(enum.Enum):
    """How a run ended (`ForwardMsg.script_finished`)."""

    SUCCESS = ForwardMsg.FINISHED_SUCCESSFULLY
    COMPILE_ERROR = ForwardMsg.FINISHED_WITH_COMPILE_ERROR
    STOPPED_FOR_RERUN = ForwardMsg.FINISHED_EARLY_FOR_RERUN
    FRAGMENT_SUCCESS = ForwardMsg.FINISHED_FRAGMENT_RUN_SUCCESSFULLY

    @property
    def ends_request(self) -> bool:
        """A run stopped for a rerun is followed by another run answering the same request."""
        return self is not RunStatus.STOPPED_FOR_RERUN

    @property
    def prunes_tree(self) -> bool:
        """The browser removes stale elements only after a run that went to its end."""
        return self in {RunStatus.SUCCESS, RunStatus.FRAGMENT_SUCCESS}


def stream_url(base_url: str) -> str:
    """`http://127.0.0.1:8501[/base]` → `ws://127.0.0.1:8501[/base]/_stcore/stream` (loopback only)."""
    ensure_loopback(base_url)
    parts = urlsplit(base_url)
    if parts.scheme not in {"http", "https", "ws", "wss"}:
        raise ProtocolError(f"Adresse non reconnue : « {base_url} » (attendu : http://hôte:port).")
    scheme = "wss" if parts.scheme in {"https", "wss"} else "ws"
    return f"{scheme}://{parts.netloc}{parts.path.rstrip('/')}{STREAM_ROUTE}"


@dataclass(frozen=True)
class BrowserContext:
    """What a browser says about itself with each rerun (`ClientState.context_info`)."""

    timezone: str = "Europe/Paris"
    timezone_offset: int = -60
    locale: str = "fr-FR"
    color_scheme: str = "light"


@dataclass(frozen=True)
class RerunRequest:
    """Everything a `rerun_script` BackMsg carries."""

    query_string: str = ""
    page_script_hash: str = ""
    page_name: str = ""
    widget_states: Sequence[WidgetState] = ()
    fragment_id: str = ""
    is_auto_rerun: bool = False
    cached_message_hashes: Sequence[str] = ()
    url: str = ""
    context: BrowserContext | None = field(default_factory=BrowserContext)


def build_client_state(request: RerunRequest) -> ClientState:
    state = ClientState(
        query_string=request.query_string.lstrip("?"),
        page_script_hash=request.page_script_hash,
        page_name=request.page_name,
        fragment_id=request.fragment_id,
        is_auto_rerun=request.is_auto_rerun,
        cached_message_hashes=list(request.cached_message_hashes),
    )
    state.widget_states.widgets.extend(request.widget_states)
    if request.context is not None:
        info = state.context_info
        info.timezone = request.context.timezone
        info.timezone_offset = request.context.timezone_offset
        info.locale = request.context.locale
        info.color_scheme = request.context.color_scheme
        info.is_embedded = False
        if request.url:
            info.url = request.url
    return state


def encode_rerun(request: RerunRequest) -> bytes:
    """The binary frame asking for a run."""
    return BackMsg(rerun_script=build_client_state(request)).SerializeToString()


def decode_forward(data: bytes | str) -> ForwardMsg:
    """Parse one frame from the server (always binary in Streamlit)."""
    if isinstance(data, str):
        raise ProtocolError("Trame texte reçue du serveur : Streamlit n'envoie que du binaire.")
    message = ForwardMsg()
    try:
        message.ParseFromString(data)
    except Exception as error:  # protobuf raises DecodeError, a plain Exception subclass
        raise ProtocolError(f"Message du serveur illisible : {error}") from error
    return message


def message_kind(message: ForwardMsg) -> str:
    return message.WhichOneof("type") or ""


def run_id(message: ForwardMsg) -> str:
    return message.metadata.run.script_run_id


def fragment_ids(message: ForwardMsg) -> tuple[str, ...]:
    return tuple(message.metadata.run.fragment_ids)


def finished_status(message: ForwardMsg) -> RunStatus:
    return RunStatus(message.script_finished)


@dataclass
class _CacheEntry:
    message: ForwardMsg
    last_run: int


class MessageCache:
    """The browser's ForwardMsg cache: keep `cacheable` messages, resolve `ref_hash` ones.

    Entries not used for more than `max_age` completed runs are dropped, as the browser does,
    so the hashes the client announces stay the ones the server may refer to.
    """

    def __init__(self, max_age: int = MAX_CACHED_MESSAGE_AGE) -> None:
        self._entries: dict[str, _CacheEntry] = {}
        self._run_count = 0
        self._max_age = max_age
        self.hits = 0

    def __len__(self) -> int:
        return len(self._entries)

    def hashes(self) -> list[str]:
        return list(self._entries)

    def resolve(self, message: ForwardMsg) -> ForwardMsg:
        """The message itself, or the cached message a reference points to (with its metadata)."""
        if not message.HasField("ref_hash"):
            if message.metadata.cacheable and message.hash:
                entry = self._entries.get(message.hash)
                if entry is None:
                    self._entries[message.hash] = _CacheEntry(message, self._run_count)
                else:
                    entry.last_run = self._run_count
            return message
        entry = self._entries.get(message.ref_hash)
        if entry is None:
            raise ProtocolError(
                f"Le serveur renvoie au message en cache {message.ref_hash} que le client n'a pas."
            )
        entry.last_run = self._run_count
        self.hits += 1
        resolved = ForwardMsg()
        resolved.CopyFrom(entry.message)
        resolved.metadata.CopyFrom(message.metadata)
        return resolved

    def run_finished(self) -> None:
        """Age the entries after a completed run (not after a compile error)."""
        self._run_count += 1
        expired = [h for h, e in self._entries.items() if self._run_count - e.last_run > self._max_age]
        for hash_ in expired:
            del self._entries[hash_]


@dataclass(frozen=True)
class Page:
    """One page of `st.navigation`, as the `navigation` ForwardMsg describes it."""

    page_script_hash: str
    title: str
    url_pathname: str
    is_default: bool


def pages_from_navigation(message: ForwardMsg) -> tuple[Page, ...]:
    return tuple(
        Page(p.page_script_hash, p.page_name, p.url_pathname, p.is_default)
        for p in message.navigation.app_pages
    )


def find_page(pages: Iterable[Page], wanted: str) -> Page | None:
    """The page whose URL path (`participer`, `/participer`, `` for the default) or title matches."""
    path = wanted.strip().strip("/")
    candidates = list(pages)
    for page in candidates:
        if page.url_pathname == path or (not path and page.is_default):
            return page
    for page in candidates:
        if page.title.casefold() == wanted.strip().casefold():
            return page
    return None


def page_name_for_path(path: str) -> str:
    """What a browser sends as `page_name` on a first load of `path` (the URL path, no slash)."""
    return path.split("?", 1)[0].strip().strip("/")
