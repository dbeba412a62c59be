"""The theme Streamlit sends with every full script run, read from the config once.

Each full run of a script starts with a `new_session` message (`AppSession.
_create_new_session_message`) that carries the theme: six sections (`theme`, `theme.light`,
`theme.dark`, `theme.sidebar`, `theme.light.sidebar`, `theme.dark.sidebar`), each filled by
`_populate_theme_msg`, which walks all of Streamlit's config options to find those of its
section (`config.get_options_for_section`). With 500 phones, a py-spy profile put this at ~4 %
of the server's CPU (docs/capacity.md), for a theme that does not change while the server runs.

`install_theme_cache` replaces `streamlit.runtime.app_session._populate_theme_msg`: the first
call for a section fills a message of its own with Streamlit's function, and every call merges
that message into the one being built (`MergeFrom`: the fields Streamlit's function sets, and
the sub-message marked present exactly when Streamlit's function touches it). A section
Streamlit leaves untouched (nothing configured) stays untouched. The copies are dropped when
Streamlit parses its config again (`config.on_config_parsed`, at start-up and when the config
files change) and when a `theme` option is set (`config._set_option`, which every way of
setting an option goes through). A warning Streamlit logs about an invalid theme value is then
logged once per parse, not once per run.

Not cached: `_populate_config_msg` (a few `config.get_option`, no walk; and the `client.*`
options it reads can change while the server runs, `st.set_option`).

If this Streamlit no longer has these functions, the server runs as plain `streamlit run`.
"""

from __future__ import annotations

import sys
import threading
from collections.abc import Callable
from typing import Any

_PATCHED = "_ctg_theme_cache"


class ThemeCache:
    """The theme message of each config section, as Streamlit's function fills it."""

    def __init__(self, populate: Callable[..., None], holder_type: Any, message_type: Any) -> None:
        self._populate = populate
        self._holder_type = holder_type  # a message with a `custom_theme` field
        self._message_type = message_type
        self._lock = threading.Lock()
        self._filled: dict[str, Any] = {}  # section -> filled message, None if left untouched
        self._generation = 0

    def clear(self) -> None:
        with self._lock:
            self._filled.clear()
            self._generation += 1

    def populate(self, msg: Any, section: str = "theme") -> None:
        """What `_populate_theme_msg(msg, section)` does, from the copy of `section`."""
        if type(msg) is not self._message_type:
            self._populate(msg, section)
            return
        with self._lock:
            generation = self._generation
            missing = section not in self._filled
            filled = self._filled.get(section)
        if missing:
            # Streamlit's function reads the config under the config's lock: never with ours held.
            holder = self._holder_type()
            self._populate(holder.custom_theme, section)
            filled = holder.custom_theme if holder.HasField("custom_theme") else None
            with self._lock:
                if generation == self._generation:  # no parse or change meanwhile
                    self._filled[section] = filled
        if filled is not None:
            msg.MergeFrom(filled)


def install_theme_cache() -> bool:
    """Patch Streamlit's app_session and config modules as described above (once)."""
    try:
        from streamlit import config
        from streamlit.proto.NewSession_pb2 import CustomThemeConfig, NewSession
        from streamlit.runtime import app_session

        original_populate = app_session._populate_theme_msg
        original_set_option = config._set_option
        on_config_parsed = config.on_config_parsed
        if getattr(original_populate, _PATCHED, False):
            return True
        if NewSession.DESCRIPTOR.fields_by_name["custom_theme"].message_type is not (
            CustomThemeConfig.DESCRIPTOR
        ):
            raise TypeError("NewSession.custom_theme")
    except (ImportError, AttributeError, KeyError, TypeError) as error:
        print(f"Attention : thème relu dans la configuration à chaque exécution ({error}).", file=sys.stderr)
        return False

    cache = ThemeCache(original_populate, NewSession, CustomThemeConfig)

    def populate_theme_msg(msg: Any, section: str = "theme") -> None:
        cache.populate(msg, section)

    def set_option(key: str, value: Any, where_defined: str) -> None:
        original_set_option(key, value, where_defined)
        if key.startswith("theme"):
            cache.clear()

    setattr(populate_theme_msg, _PATCHED, True)
    populate_theme_msg.cache = cache  # type: ignore[attr-defined]
    app_session._populate_theme_msg = populate_theme_msg
    config._set_option = set_option
    on_config_parsed(cache.clear, force_connect=True)
    return True
