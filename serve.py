"""`streamlit run app.py` with what Streamlit's server does not do for us (package `server/`):
TCP_NODELAY on every connection, the facilitator's HttpOnly cookie routes, Streamlit's static
files compressed once, a browser id cookie given with the first page (the login throttle), fewer
wake-ups of the event loop per script run, message flushes that visit only the sessions with
something to send, the theme read from the config once instead of at every script run, a cycle
collector set for hundreds of sessions, the sweep of orphaned media files once a second instead
of after every run.

    python serve.py [streamlit run options…]
    python serve.py other_script.py [streamlit run options…]

Then Streamlit's own command line runs, as `streamlit run app.py [options…]`: same options,
same `.streamlit/config.toml` (read from the working directory, as always).
"""

from __future__ import annotations

import sys
from collections.abc import Sequence

from server.client_id import install_client_id_cookie
from server.collector import tune_collector
from server.compression import (  # noqa: F401 - the launcher's names, as tests and tools use them
    CACHE_DIR_ENV,
    CompressedFiles,
    CompressedStatic,
    chosen_encoding,
    compress,
    first_visit_assets,
    install_compression,
    page_document,
    theme_font_is_streamlits,
    without_font_preload,
)
from server.media_sweep import install_throttled_media_sweep
from server.nodelay import APP, ROOT, install_nodelay, tcp_listening_socket  # noqa: F401
from server.session_cookie import FacilitatorCookieRoutes, install_session_routes  # noqa: F401
from server.session_flush import install_session_flush
from server.theme_cache import install_theme_cache
from server.wakeups import install_batched_wakeups


def streamlit_argv(args: Sequence[str]) -> list[str]:
    """`streamlit run SCRIPT [options…]`: SCRIPT is the first argument if it names a `.py`
    file, the project's `app.py` otherwise."""
    rest = list(args)
    script = str(APP)
    if rest and not rest[0].startswith("-") and rest[0].endswith(".py"):
        script = rest.pop(0)
    return ["streamlit", "run", script, *rest]


def main(argv: Sequence[str] | None = None) -> None:
    """Install the fixes, then hand over to Streamlit's command line (which exits the process)."""
    install_nodelay()
    install_batched_wakeups()
    install_session_flush()
    install_theme_cache()
    install_throttled_media_sweep()
    install_session_routes()
    install_compression()
    install_client_id_cookie()  # outermost: the pages the others answer get it too
    tune_collector()  # last: after everything the launcher loads
    from streamlit.web.cli import main as streamlit_main

    sys.argv = streamlit_argv(sys.argv[1:] if argv is None else argv)
    streamlit_main(prog_name="streamlit")


if __name__ == "__main__":
    main()
