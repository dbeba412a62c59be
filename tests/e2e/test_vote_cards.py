"""The vote cards in Chromium: one custom component per topic (ui/partner/vote_cards.py).

Participant text stays text (the script sets `textContent`, never markup); the buttons are real
buttons with the names « Ajouter un point » / « Retirer un point », described by their card's
text, at least 44 px, usable with the keyboard, and the focus stays on the button pressed while
the cards are drawn again; a polite live region says what the tap did; at the budget's edge every
« Ajouter » is disabled (`aria-disabled`) with its reason in words; nothing overflows at 360 px,
nor at 180 px (a 360 px phone zoomed to 200 %).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Locator, Page, expect

from measure.harness.streamlit_server import StreamlitServer, start_streamlit
from tests.e2e.browser import PHONE, act, new_context, open_page, screenshot, wait_idle
from tests.support.workshops import demo_data, import_data

pytestmark = pytest.mark.browser

CODE = "VOTECARTE"
HOSTILE = "<b>x</b><script>window.ctgHacked = 1</script>"
MIN_TARGET_PX = 44


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[StreamlitServer]:
    """The demo in the vote phase, every item of its first topic starting with a hostile text."""
    database = f"sqlite:///{tmp_path_factory.mktemp('vote_cards') / 'ctg.sqlite3'}"
    data = demo_data()
    data["workshop"].update(code=CODE, phase="vote", votes=[])
    first_topic = data["workshop"]["topics"][0]["key"]
    for number, item in enumerate(data["workshop"]["items"]):
        if item["topic"] == first_topic:
            item["text"] = f"{HOSTILE} n°{number}"
    import_data(database, data)
    with start_streamlit(database) as started:
        yield started


def in_focus(button: Locator) -> bool:
    """The button has the focus (inside the component's shadow root)."""
    return button.evaluate("(b) => b.getRootNode().activeElement === b")


def cards(page: Page) -> Locator:
    return page.locator("article.card")


def join(page: Page, server: StreamlitServer, organisation: str) -> None:
    """Open the partner page with the code and join: the vote, 5 dots left."""
    open_page(
        page, f"{server.url}/participer?atelier={CODE}", shows=page.get_by_text("Rejoindre l'atelier").first
    )
    page.get_by_role("combobox", name="Votre organisation").fill(organisation)
    act(
        page,
        page.get_by_role("button", name="Rejoindre l'atelier").click,
        page.get_by_text("5 points restants sur 5", exact=True),
    )


def test_the_cards_are_text_buttons_keyboard_and_live_region(
    browser: Browser, server: StreamlitServer
) -> None:
    context = new_context(browser, PHONE, phone=True)
    try:
        page = context.new_page()
        join(page, server, "Association des cartes")
        expect(cards(page).first).to_be_visible()

        # Participant text is text: no <b>, no <script> built from it, nothing run.
        first = cards(page).first
        expect(first.locator("p.text")).to_contain_text(HOSTILE)
        assert page.locator("article.card b, article.card script").count() == 0
        assert page.evaluate("() => window.ctgHacked === undefined")

        # Real buttons, named as before, described by their card's text, 44 px at least.
        add = first.get_by_role("button", name="Ajouter un point", exact=True)
        expect(add).to_have_attribute("type", "button")
        described = add.get_attribute("aria-describedby") or ""
        assert described.split()[0] == first.locator("p.text").get_attribute("id")
        box = add.bounding_box()
        assert box and box["height"] >= MIN_TARGET_PX and box["width"] >= MIN_TARGET_PX, box
        expect(first.get_by_role("button", name="Retirer un point")).to_have_count(0)

        # The keyboard: focus the button, Enter; the cards are drawn again, the focus stays.
        add.focus()
        wait_idle(page)
        page.keyboard.press("Enter")
        expect(first.locator("p.points")).to_have_text(re.compile(r"^Vos points ici : 1 sur 3"))
        wait_idle(page)
        assert in_focus(add), "le focus a quitté « Ajouter un point »"
        expect(page.get_by_text("4 points restants sur 5", exact=True)).to_be_visible()
        expect(page.locator(".ctg-vote [role='status']")).to_have_text(
            "Point ajouté : 4 points restants sur 5."
        )
        expect(page.locator(".ctg-vote [role='status']")).to_have_attribute("aria-live", "polite")
        screenshot(page, "vote-cartes-point-ajoute")

        # « Retirer un point » appears; taking the last dot back hides it and the focus goes
        # back to « Ajouter un point » on the same card, not to the top of the page.
        remove = first.get_by_role("button", name="Retirer un point", exact=True)
        expect(remove).to_be_visible()
        remove.focus()
        page.keyboard.press(" ")
        expect(first.locator("p.points")).to_have_text(re.compile(r"^Vos points ici : 0 sur 3"))
        wait_idle(page)
        expect(remove).to_be_hidden()
        assert in_focus(add), "le focus n'est pas revenu sur « Ajouter un point »"
        expect(page.locator(".ctg-vote [role='status']")).to_have_text(
            "Point retiré : 5 points restants sur 5."
        )

        # The budget's edge: three dots here, two on the next card; every « Ajouter » is then
        # disabled, its reason written under it, with no run of the whole page needed.
        second = cards(page).nth(1)
        for target, shows in ((first, 1), (first, 2), (first, 3), (second, 1), (second, 2)):
            button = target.get_by_role("button", name="Ajouter un point", exact=True)
            expect(button).to_be_enabled()
            act(
                page,
                button.click,
                target.locator("p.points").filter(has_text=f"Vos points ici : {shows} sur 3"),
            )
        expect(page.get_by_text("0 point restant sur 5", exact=True)).to_be_visible()
        third = cards(page).nth(2)
        expect(third.get_by_role("button", name="Ajouter un point")).to_be_disabled()
        expect(third.locator("p.why")).to_have_text(re.compile("^Plus de point à placer dans ce sujet"))
        expect(first.locator("p.why")).to_have_text(re.compile("^Plafond atteint"))
        # A disabled « Ajouter » does nothing when clicked anyway.
        third.get_by_role("button", name="Ajouter un point").click(force=True)
        wait_idle(page)
        expect(third.locator("p.points")).to_have_text(re.compile(r"^Vos points ici : 0 sur 3"))
        expect(page.get_by_text("0 point restant sur 5", exact=True)).to_be_visible()
        screenshot(page, "vote-cartes-plus-de-point")

        # 360 px, then 180 px (200 % zoom): the cards wrap, nothing wider than the screen.
        for width in (360, 180):
            page.set_viewport_size({"width": width, "height": 740})
            wait_idle(page)
            wide = page.evaluate(
                """(edge) => [...document.querySelectorAll('*')]
                     .flatMap((e) => e.shadowRoot ? [...e.shadowRoot.querySelectorAll('article.card')] : [])
                     .filter((c) => c.scrollWidth > c.clientWidth + 1
                                    || (edge && c.getBoundingClientRect().right > window.innerWidth + 1)).length""",
                width == 360,
            )
            assert wide == 0, f"{wide} cartes débordent à {width} px"
        screenshot(page, "vote-cartes-180px")
    finally:
        context.close()


def test_see_all_is_under_its_own_quadrant_and_opens_it(browser: Browser, server: StreamlitServer) -> None:
    """« Voir les 6 opportunités » sits right under the opportunities' cards (before the
    threats' heading), as a real button, and opens the opportunities alone."""
    context = new_context(browser, PHONE, phone=True)
    try:
        page = context.new_page()
        join(page, server, "Association des quadrants")
        see = page.get_by_role("button", name="Voir les 6 opportunités", exact=True)
        expect(see).to_be_visible()
        order = see.evaluate(
            """(b) => [...b.getRootNode().querySelectorAll('h2, button.see-all, article.card')]
                 .filter((n) => n.offsetParent !== null)
                 .map((n) => n.tagName + ':' + n.textContent.slice(0, 16))"""
        )
        heading, button = order.index("H2:Opportunités (6)"), order.index("BUTTON:Voir les 6 oppor")
        assert all(n.startswith("ARTICLE") for n in order[heading + 1 : button]), order
        assert order[button + 1 : button + 2] in ([], ["H2:Menaces (5)"]), order
        box = see.bounding_box()
        assert box and box["height"] >= MIN_TARGET_PX, box
        see.scroll_into_view_if_needed()
        screenshot(page, "vote-cartes-voir-les")
        act(page, see.click, page.get_by_text("Contributions 1 à 6 sur 6", exact=True))
        expect(cards(page)).to_have_count(6)
        expect(page.get_by_role("button", name=re.compile("^Voir les"))).to_have_count(0)
    finally:
        context.close()
