"""Make every visit go through app.py's `st.navigation`, even the first one after a start.

Streamlit 1.67 sees the `pages/` folder next to `app.py` and, until a run of `app.py` has
called `st.navigation`, serves a URL such as `/participer` by running the page file alone
(its old "pages directory" mode): no page configuration, and a sidebar listing raw file
names. The mode is a process-wide flag, so after a restart a phone reconnecting straight to
its page would get it, and so would everyone after it until someone opened `/`. Every page
imports this package: the first page run in that mode turns the flag off and reruns, and the
rerun goes through `app.py` to the same page.
"""

from __future__ import annotations

import streamlit as st
from streamlit.runtime.pages_manager import PagesManager


def leave_pages_directory_mode() -> None:
    if PagesManager.uses_pages_directory:
        PagesManager.uses_pages_directory = False
        st.rerun()
