"""`python serve.py`: `streamlit run app.py` with TCP_NODELAY on every connection.

Streamlit 1.67 leaves Nagle's algorithm on for the connections it accepts (docs/benchmarks.md):
a script run then waits for the browser's delayed ACK, ~40 ms. The launcher re-opens the
listening socket as an explicit TCP socket so that asyncio sets TCP_NODELAY. Checked here on
the hook itself (an asyncio server on the socket Streamlit binds) and on the real app started
through the launcher: the server's end of a connection the test opened carries TCP_NODELAY.
"""

from __future__ import annotations

import asyncio
import contextlib
import ctypes
import errno
import os
import socket
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

import serve
from measure import PROJECT_ROOT
from measure.harness.processes import HOST
from measure.harness.streamlit_server import SERVE, StreamlitServer, start_streamlit

_SYS_PIDFD_GETFD = 438  # Linux >= 5.6, the same number on every architecture


@pytest.fixture
def restored_bind() -> Iterator[None]:
    """Streamlit's `_bind_socket` as it was before the test (the hook patches the module)."""
    from streamlit.web.server.starlette import starlette_server

    original = starlette_server._bind_socket
    yield
    starlette_server._bind_socket = original


def _nodelay_of_accepted_connection(listening: socket.socket) -> int:
    """Serve `listening` with asyncio (as uvicorn does), connect once, and return the
    TCP_NODELAY option of the server's end of that connection."""

    async def scenario() -> int:
        seen: asyncio.Future[int] = asyncio.get_running_loop().create_future()

        async def on_connection(_reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
            accepted: socket.socket = writer.get_extra_info("socket")
            seen.set_result(accepted.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY))
            writer.close()

        server = await asyncio.start_server(on_connection, sock=listening)
        async with server:
            _reader, writer = await asyncio.open_connection(*listening.getsockname()[:2])
            try:
                return await asyncio.wait_for(seen, timeout=10)
            finally:
                writer.close()

    return asyncio.run(scenario())


def test_streamlit_binds_without_tcp_so_asyncio_leaves_nagle_on(restored_bind: None) -> None:
    """The reason for the launcher. If this fails, Streamlit sets TCP_NODELAY itself now: the
    launcher is no longer needed (it stays harmless)."""
    from streamlit.web.server.starlette import starlette_server

    listening = starlette_server._bind_socket(HOST, 0, 8)
    assert _nodelay_of_accepted_connection(listening) == 0


def test_the_hook_makes_every_accepted_connection_tcp_nodelay(restored_bind: None) -> None:
    from streamlit.web.server.starlette import starlette_server

    assert serve.install_nodelay()
    assert serve.install_nodelay()  # twice: wrapped once
    listening = starlette_server._bind_socket(HOST, 0, 8)
    assert listening.proto == socket.IPPROTO_TCP
    assert _nodelay_of_accepted_connection(listening) == 1


def test_the_hook_leaves_unix_sockets_alone() -> None:
    first, second = socket.socketpair(socket.AF_UNIX)
    with first, second:
        assert serve.tcp_listening_socket(first) is first


def test_the_command_line_is_streamlit_run_app_with_the_same_options() -> None:
    app = str(PROJECT_ROOT / "app.py")
    assert serve.streamlit_argv([]) == ["streamlit", "run", app]
    assert serve.streamlit_argv(["--server.port", "8502", "--server.headless", "true"]) == [
        "streamlit",
        "run",
        app,
        "--server.port",
        "8502",
        "--server.headless",
        "true",
    ]
    assert serve.streamlit_argv(["other.py", "--server.port", "1"]) == [
        "streamlit",
        "run",
        "other.py",
        "--server.port",
        "1",
    ]


def _socket_of(pid: int, fd: int) -> socket.socket:
    """A duplicate of another process's descriptor (pidfd_getfd; our own child process)."""
    libc = ctypes.CDLL(None, use_errno=True)
    pidfd = os.pidfd_open(pid)
    try:
        duplicate = libc.syscall(_SYS_PIDFD_GETFD, pidfd, fd, 0)
        if duplicate < 0:
            raise OSError(ctypes.get_errno(), os.strerror(ctypes.get_errno()))
        return socket.socket(fileno=duplicate)
    finally:
        os.close(pidfd)


def _server_end(pid: int, client: socket.socket) -> socket.socket:
    """The server process's socket whose peer is `client`."""
    wanted = client.getsockname()
    for name in os.listdir(f"/proc/{pid}/fd"):
        with contextlib.suppress(OSError):
            if not os.readlink(f"/proc/{pid}/fd/{name}").startswith("socket:"):
                continue
        try:
            candidate = _socket_of(pid, int(name))
        except OSError as error:
            if error.errno in (errno.ENOSYS, errno.EPERM, errno.EACCES):
                pytest.skip(f"descripteurs d'un autre processus illisibles ici (pidfd_getfd : {error})")
            continue  # closed in between
        try:
            if (
                candidate.family in (socket.AF_INET, socket.AF_INET6)
                and candidate.getpeername()[:2] == wanted
            ):
                return candidate
        except OSError:
            pass
        candidate.close()
    raise AssertionError(f"aucune socket du serveur (PID {pid}) n'a pour pair {wanted}")


@pytest.mark.skipif(
    not sys.platform.startswith("linux") or not hasattr(os, "pidfd_open"), reason="Linux (pidfd) seulement"
)
def test_the_app_started_by_the_launcher_sets_tcp_nodelay_on_its_connections(tmp_path: Path) -> None:
    server: StreamlitServer = start_streamlit(f"sqlite:///{tmp_path / 'serve.sqlite3'}", runner=SERVE)
    try:
        with socket.create_connection((HOST, server.port), timeout=10) as client:
            # An HTTP exchange on this connection: once answered, the server has accepted it.
            client.sendall(f"GET /_stcore/health HTTP/1.1\r\nHost: {HOST}:{server.port}\r\n\r\n".encode())
            assert client.recv(4096).startswith(b"HTTP/1.1 200")
            with _server_end(server.pid, client) as accepted:
                assert accepted.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY) == 1
    finally:
        server.stop()
