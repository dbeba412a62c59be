"""Nagle's algorithm off on every connection of Streamlit's server.

Streamlit 1.67's server (Starlette on uvicorn) binds its listening socket itself, as
`socket.socket(family)`: protocol 0, not `IPPROTO_TCP`. asyncio sets TCP_NODELAY only on the
connections of sockets whose protocol is `IPPROTO_TCP`, so every accepted connection keeps
Nagle's algorithm: a script run that sends its messages in several writes waits for the
browser's delayed ACK (~40 ms on Linux, up to 200 ms on Windows) — see docs/benchmarks.md.

`install_nodelay` wraps Streamlit's (private) `_bind_socket` so that the listening socket is
re-opened as an explicit TCP socket; accepted connections inherit the protocol and asyncio sets
TCP_NODELAY on each of them.
"""

from __future__ import annotations

import socket
import sys
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]  # the project, where app.py is
APP = ROOT / "app.py"
_PATCHED = "_ctg_nodelay"


def tcp_listening_socket(sock: socket.socket) -> socket.socket:
    """The same listening socket, re-opened with protocol `IPPROTO_TCP` (the descriptor is
    kept: bound, listening, options unchanged). Non-TCP sockets (a Unix socket) come back as is."""
    if sock.family not in (socket.AF_INET, socket.AF_INET6) or sock.proto == socket.IPPROTO_TCP:
        return sock
    return socket.socket(sock.family, sock.type, socket.IPPROTO_TCP, fileno=sock.detach())


def install_nodelay() -> bool:
    """Make Streamlit's server set TCP_NODELAY on the connections it accepts.

    Returns False (with a warning on stderr) if this Streamlit no longer binds its socket the
    way the patch expects: the server then runs as plain `streamlit run`, only slower."""
    try:
        from streamlit.web.server.starlette import starlette_server

        original: Callable[..., socket.socket] = starlette_server._bind_socket
    except (ImportError, AttributeError) as error:
        print(
            f"Attention : TCP_NODELAY n'a pas pu être activé ({error}) ; le serveur démarre "
            "sans, avec ~40 ms de délai réseau sur certaines actions.",
            file=sys.stderr,
        )
        return False
    if getattr(original, _PATCHED, False):
        return True

    def bind_tcp(*args: object, **kwargs: object) -> socket.socket:
        return tcp_listening_socket(original(*args, **kwargs))

    setattr(bind_tcp, _PATCHED, True)
    starlette_server._bind_socket = bind_tcp
    return True
