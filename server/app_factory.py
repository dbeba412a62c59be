"""The one way the launcher's parts add to the web application Streamlit builds.

Streamlit 1.67 builds its Starlette application in `starlette_server.create_starlette_app`.
`wrap_app_factory` replaces that factory by one that calls it and hands the application to
`wrap` (a middleware around it, routes added in front…). Each part names itself: wrapping twice
under the same name does nothing, whatever was wrapped in between, so `serve.py` and the tests
can install in any order, any number of times.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import Any

_NAMES = "_ctg_wrapped_by"  # the names of the parts already around the factory


def wrap_app_factory(name: str, wrap: Callable[[Any], Any], *, unavailable: str) -> bool:
    """Wrap Streamlit's app factory once under `name`. False, with « Attention : `unavailable` »
    on stderr, if this Streamlit no longer builds its application there: the server then starts
    without this part, as `streamlit run` would."""
    try:
        from streamlit.web.server.starlette import starlette_server

        original: Callable[..., Any] = starlette_server.create_starlette_app
    except (ImportError, AttributeError) as error:
        print(f"Attention : {unavailable} ({error}).", file=sys.stderr)
        return False
    names: frozenset[str] = getattr(original, _NAMES, frozenset())
    if name in names:
        return True

    def create_app(*args: object, **kwargs: object) -> Any:
        return wrap(original(*args, **kwargs))

    setattr(create_app, _NAMES, names | {name})
    starlette_server.create_starlette_app = create_app
    return True
