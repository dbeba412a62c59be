"""What the partner asked the vote to show: a view per topic (the pills' value: every quadrant,
one quadrant, or « Mes points ») and a page of cards per (topic, view). Kept in the session;
the page reads them before it reads the database (`pages/participer.py`)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping

import streamlit as st

from ui.partner.memo import memo

_VIEW = "participer_vote_view"
_VIEW_PAGES = "participer_vote_pages"


def view_key(topic_key: str) -> str:
    """The key of the topic's view pills."""
    return f"{_VIEW}_{topic_key}"


def on_show_view(topic_key: str, view: str) -> None:
    """« Voir les 19 forces »: the quadrant's own view, from its first page."""
    st.session_state[view_key(topic_key)] = view
    memo().setdefault(_VIEW_PAGES, {})[topic_key, view] = 0


def on_turn_page(topic_key: str, view: str, page: int) -> None:
    memo().setdefault(_VIEW_PAGES, {})[topic_key, view] = page


class _RequestedViews(Mapping[str, str]):
    """The view each topic's vote asks for, by topic key, read when asked: the page reads one
    topic's, and going through the whole session state would cost every run more."""

    def __getitem__(self, topic_key: str) -> str:
        value = st.session_state.get(view_key(topic_key))
        if not isinstance(value, str):
            raise KeyError(topic_key)
        return value

    def __iter__(self) -> Iterator[str]:
        prefix = view_key("")
        topics = [key.removeprefix(prefix) for key in st.session_state if str(key).startswith(prefix)]
        return iter([topic for topic in topics if topic in self])

    def __len__(self) -> int:
        return sum(1 for _ in self)


def requested_views() -> Mapping[str, str]:
    """The view each topic's vote asks for (its pills' value), by topic key."""
    return _RequestedViews()


def requested_pages() -> dict[tuple[str, str], int]:
    """The page of cards each (topic, view) asks for (« Suivantes », « Précédentes »)."""
    return dict(memo().get(_VIEW_PAGES, {}))
