"""nginx in front of several Streamlit processes, for tests and measurements: deploy/nginx.conf
itself, with only its listening port, its upstream servers and its cache directory changed.

    with start_nginx([8501, 8502]) as balancer:
        balancer.url  # "http://127.0.0.1:PORT"

Where nginx is not installed, `start_nginx` raises `NginxUnavailableError` with the reason (the
tests that need it skip with that reason; `apt-get install nginx-light` provides it). It returns
once the port accepts connections (bounded wait, no fixed sleep: `processes.wait_until`, shared
with the Streamlit servers); `stop()` ends the master process it started (SIGQUIT, then SIGKILL:
`processes.stop_process`) and removes its directory.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import subprocess
import tempfile
from collections.abc import Sequence
from pathlib import Path

from measure import PROJECT_ROOT
from measure.harness.processes import HOST, ServerProcess, free_port, wait_until

SITE_CONFIG = PROJECT_ROOT / "deploy" / "nginx.conf"
STARTUP_TIMEOUT_S = 20.0


class NginxUnavailableError(RuntimeError):
    pass


def site_config(backend_ports: Sequence[int], listen_port: int, source: Path = SITE_CONFIG) -> str:
    """deploy/nginx.conf with `listen` on loopback:`listen_port` and one upstream server per port."""
    text = source.read_text(encoding="utf-8")
    text = re.sub(r"^\s*listen \[::\]:80;\n", "", text, flags=re.MULTILINE)
    text = re.sub(r"listen 80;", f"listen {HOST}:{listen_port};", text)
    servers = "".join(f"    server {HOST}:{port};\n" for port in backend_ports)
    text, count = re.subn(r"(?:^    server 127\.0\.0\.1:\d+;\n)+", servers, text, flags=re.MULTILINE)
    if count != 1 or f"listen {HOST}:{listen_port};" not in text:
        raise NginxUnavailableError(f"{source} n'a plus la forme attendue (upstream, listen 80)")
    return text


SHIPPED_CACHE_DIR = "/var/cache/nginx/ctg-atelier"


def _main_config(directory: Path, site: str) -> str:
    # The static files' cache (proxy_cache_path) in `directory` too, fresh for each start.
    site = site.replace(SHIPPED_CACHE_DIR, str(directory / "static-cache"))
    # Runs as the current user (no `user` directive): as root, workers keep root's rights on the
    # temporary directory. Logs and temporary files stay in `directory`.
    return f"""
daemon off;
master_process on;
worker_processes 1;
pid {directory}/nginx.pid;
error_log {directory}/error.log warn;
{"user root;" if _is_root() else ""}
events {{ worker_connections 4096; }}
http {{
    access_log off;
    client_body_temp_path {directory}/body;
    proxy_temp_path {directory}/proxy;
    fastcgi_temp_path {directory}/fastcgi;
    uwsgi_temp_path {directory}/uwsgi;
    scgi_temp_path {directory}/scgi;
{site}
}}
"""


def _is_root() -> bool:
    return os.geteuid() == 0


class NginxServer(ServerProcess):
    STOP_SIGNAL = signal.SIGQUIT  # graceful: the workers finish their requests
    LOG_NAME = "error.log"


def _accepts(port: int) -> bool:
    try:
        with socket.create_connection((HOST, port), timeout=1):
            return True
    except OSError:
        return False


def start_nginx(backend_ports: Sequence[int]) -> NginxServer:
    binary = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None)
    if binary is None:
        raise NginxUnavailableError("nginx n'est pas installé (apt-get install nginx-light)")
    directory = Path(tempfile.mkdtemp(prefix="ctg-nginx-"))
    port = free_port()
    config = directory / "nginx.conf"
    config.write_text(_main_config(directory, site_config(backend_ports, port)), encoding="utf-8")
    process = subprocess.Popen(
        [binary, "-p", str(directory), "-c", str(config)],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.STDOUT,
    )
    server = NginxServer(url=f"http://{HOST}:{port}", port=port, process=process, directory=directory)
    if wait_until(lambda: _accepts(port), lambda: process.poll() is None, STARTUP_TIMEOUT_S, first=0.02):
        return server
    log = server.log_text()[-2000:]
    server.stop()
    raise NginxUnavailableError(f"nginx n'a pas démarré : {log or 'sans message'}")
