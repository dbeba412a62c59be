"""What the partner's page keeps between runs that is not a widget's value (small ids, UI
flags, what the last tap did), in ONE entry of the session state.

Every `st.session_state` access costs several microseconds, and a missing key more (Streamlit
builds an error message before `get` swallows it): a run of the vote page asked some thirty of
them. Each function reads this one dict once; what it keeps there are plain dict operations.
Widget values (the topic picker, the view pills, a text field) stay under their widget's key.
"""

from __future__ import annotations

from typing import Any

import streamlit as st

_MEMO = "participer_memo"


def memo() -> dict[str, Any]:
    """The partner page's own entry of the session state (created on first use)."""
    return st.session_state.setdefault(_MEMO, {})
