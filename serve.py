"""`streamlit run app.py` with Nagle's algorithm off on every connection.

    python serve.py [streamlit run options…]
    python serve.py other_script.py [streamlit run options…]

Streamlit 1.67's server (Starlette on uvicorn) binds its listening socket itself, as
`socket.socket(family)`: protocol 0, not `IPPROTO_TCP`. asyncio sets TCP_NODELAY only on the
connections of sockets whose protocol is `IPPROTO_TCP`, so every accepted connection keeps
Nagle's algorithm: a script run that sends its messages in several writes waits for the
browser's delayed ACK (~40 ms on Linux, up to 200 ms on Windows) — see docs/benchmarks.md.

`install_nodelay` wraps Streamlit's (private) `_bind_socket` so that the listening socket is
re-opened as an explicit TCP socket; accepted connections inherit the protocol and asyncio sets
TCP_NODELAY on each of them. Then Streamlit's own command line runs, as
`streamlit run app.py [options…]`: same options, same `.streamlit/config.toml` (read from the
working directory, as always).

It lives next to `app.py`, not in `ctg_workshop/`: the domain package never imports streamlit.
"""

from __future__ import annotations

import socket
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

APP = Path(__file__).resolve().parent / "app.py"
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


def streamlit_argv(args: Sequence[str]) -> list[str]:
    """`streamlit run SCRIPT [options…]`: SCRIPT is the first argument if it names a `.py`
    file, the project's `app.py` otherwise."""
    rest = list(args)
    script = str(APP)
    if rest and not rest[0].startswith("-") and rest[0].endswith(".py"):
        script = rest.pop(0)
    return ["streamlit", "run", script, *rest]


def main(argv: Sequence[str] | None = None) -> None:
    """Install the fix, then hand over to Streamlit's command line (which exits the process)."""
    install_nodelay()
    from streamlit.web.cli import main as streamlit_main

    sys.argv = streamlit_argv(sys.argv[1:] if argv is None else argv)
    streamlit_main(prog_name="streamlit")


if __name__ == "__main__":
    main()
