"""A fresh server serves a page's own URL through app.py's navigation, from the very first visit.

Streamlit starts in its old "pages directory" mode because `pages/` sits next to `app.py`;
`ui/routing.py` leaves it on the first page run. A phone reconnecting straight to
`/participer` after a restart must get the app's pages, not the raw file names.
"""

import asyncio

from measure.harness.streamlit_server import start_streamlit
from measure.loadtest import AppSession
from ui import navigation


async def _first_visit(url: str):
    async with AppSession(url) as session:
        await session.open("/participer", "atelier=ARMDEMO")
        return [page.title for page in session.pages], session.texts()


def test_first_visit_to_a_page_goes_through_the_apps_navigation(demo_engine):
    with start_streamlit(str(demo_engine.url)) as server:
        titles, texts = asyncio.run(_first_visit(server.url))
    assert "Participer" in titles and "Accueil" in titles
    assert "participer" not in titles and "app" not in titles
    assert any("Rejoindre l'atelier" in text for text in texts)


async def _two_phones_twice(url: str) -> list[list[str]]:
    """Two sessions, each run twice: the menu each one is served, run after run."""
    menus = []
    async with AppSession(url) as first, AppSession(url) as second:
        for tab in (first, second, first, second):
            await tab.open("/participer", "atelier=ARMDEMO")
            menus.append([page.title for page in tab.pages])
    return menus


def test_each_session_keeps_its_own_pages_and_every_run_gets_the_whole_menu(demo_engine):
    """`ui/navigation.py` builds a session's pages once: later runs and other sessions are
    served the same menu, and two sessions never hold the same page objects."""
    with start_streamlit(str(demo_engine.url)) as server:
        menus = asyncio.run(_two_phones_twice(server.url))
    assert all(menu == menus[0] for menu in menus) and "Suivre" in menus[0]
    assert navigation._pages_of("session-a") is navigation._pages_of("session-a")
    first, second = navigation._pages_of("session-a"), navigation._pages_of("session-b")
    assert not {id(p) for ps in first.values() for p in ps} & {id(p) for ps in second.values() for p in ps}
