"""Participer: a partner joins with the workshop code, writes SWOT items, spends dots, reads results.

Phone first, no account, no auto-refresh. Identity lives in the URL, the session and a cookie
(see ui/partner/identity.py). A run of the whole page reads what it shows in one transaction
(`partner_screen`); its parts live in ui/partner/, and every action goes through the domain,
which refuses what the current phase forbids.
"""

import streamlit as st

from ctg_workshop.day.partner_screen import PartnerScreen, partner_screen
from ctg_workshop.errors import CtgError
from ctg_workshop.identifiers import normalize_code
from ui import actions
from ui.partner import chrome, entry, identity, screen, taps, vote_views
from ui.safe import plain


def read_screen(code: str) -> PartnerScreen:
    """What this run shows, as the address, the session and the widgets ask, in one read."""
    tokens = identity.candidate_tokens(code)
    topics = screen.requested_topics()
    views, pages = vote_views.requested_views(), vote_views.requested_pages()
    return actions.read(
        lambda s: partner_screen(
            session=s, code=code, tokens=tokens, topic_keys=topics, vote_views=views, vote_pages=pages
        )
    )


def show_page() -> None:
    code = normalize_code(identity.requested_code())
    if not code:
        entry.show_code_entry()
        return
    try:
        shown = read_screen(code)
    except CtgError as error:
        st.error(plain(error.message))
        entry.show_code_entry()
        return
    if shown.identity is not None:
        identity.remember(shown.identity)
        screen.show_participant(shown, shown.identity)
        return
    identity.drop_stale_token()
    if shown.results is not None:
        screen.show_closed(shown)
    else:
        entry.show_join(shown.workshop)


taps.start_page_run()
chrome.page_style()
show_page()
identity.cookie_script()
