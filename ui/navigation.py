"""The app's pages and their menu, for `app.py`'s `st.navigation`.

Building a `st.Page` resolves its file on disk (a system call per folder of its path): nine pages
on every run of every page cost a partner's run about a millisecond. So each browser session
builds them once, at its first run, and keeps them. Never shared between sessions:
`st.navigation` marks on the object the page it returns, and `Page.run` clears the mark, so two
sessions running the same object at once would refuse each other's run.
"""

from __future__ import annotations

import functools

import streamlit as st
from streamlit.runtime.scriptrunner import get_script_run_ctx

# Sessions whose pages are kept at once; past that, the least recently run rebuilds its own.
SESSIONS_KEPT = 4096

Menu = dict[str, list[st.Page]]


def app_pages() -> Menu:
    """This session's pages, by menu section."""
    ctx = get_script_run_ctx()
    return _pages_of(ctx.session_id if ctx is not None else "")


@functools.lru_cache(maxsize=SESSIONS_KEPT)
def _pages_of(_session_id: str) -> Menu:
    everyone = [
        st.Page("pages/accueil.py", title="Accueil", icon=":material/home:", default=True),
        st.Page(
            "pages/participer.py", title="Participer", icon=":material/edit_note:", url_path="participer"
        ),
        # A partner's reporting link (`?lien=…`), opened from its link only: not in the menu.
        st.Page(
            "pages/saisie.py",
            title="Saisie du suivi",
            icon=":material/edit_square:",
            url_path="saisie",
            visibility="hidden",
        ),
    ]
    # Behind the facilitator's passphrase (the projection behind its view link).
    team = [
        st.Page("pages/preparer.py", title="Préparer", icon=":material/tune:", url_path="preparer"),
        st.Page("pages/animer.py", title="Animer", icon=":material/co_present:", url_path="animer"),
        st.Page("pages/projection.py", title="Projection", icon=":material/tv:", url_path="projection"),
        st.Page(
            "pages/diagnostic.py", title="Diagnostic", icon=":material/query_stats:", url_path="diagnostic"
        ),
        st.Page("pages/rediger.py", title="Rédiger", icon=":material/description:", url_path="rediger"),
        st.Page("pages/suivre.py", title="Suivre", icon=":material/monitoring:", url_path="suivre"),
    ]
    return {"": everyone, "Équipe CTG": team}
