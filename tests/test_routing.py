"""A fresh server serves a page's own URL through app.py's navigation, from the very first visit.

Streamlit starts in its old "pages directory" mode because `pages/` sits next to `app.py`;
`ui/routing.py` leaves it on the first page run. A phone reconnecting straight to
`/participer` after a restart must get the app's pages, not the raw file names.
"""

import asyncio

from measure.harness.streamlit_server import start_streamlit
from measure.loadtest import AppSession


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
