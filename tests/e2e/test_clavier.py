"""A partner who uses only the keyboard (no mouse, no touch): Tab to move, typing, Enter to act.

From the code page to a first item: every step is reached with Tab (or Shift+Tab), each
control has a name, and the one that has the focus shows it (RGAA 10.7).
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Locator, Page, expect
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from measure.harness.streamlit_server import StreamlitServer, start_streamlit
from tests.e2e.browser import DESKTOP, new_context, open_page, screenshot, wait_idle
from tests.support.workshops import demo_data, import_data

pytestmark = pytest.mark.browser

CODE = "CLAVIER"
MAX_TABS = 60
FOCUS_SHOWN_MS = 5000
ITEM = "Des bénévoles nombreux dans les centres sociaux"

# How the element and its three nearest ancestors look: a focus indicator changes one of these
# (Streamlit rings a button with a shadow, and colours the border around a text field).
_LOOK = """(element) => {
  const looks = [];
  for (let node = element, depth = 0; node && depth < 4; node = node.parentElement, depth++) {
    const s = getComputedStyle(node);
    looks.push([s.outlineStyle, s.outlineWidth, s.outlineColor, s.boxShadow, s.borderTopColor,
                s.borderBottomColor, s.backgroundColor].join(' '));
  }
  return looks;
}"""


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[StreamlitServer]:
    database = f"sqlite:///{tmp_path_factory.mktemp('clavier') / 'ctg.sqlite3'}"
    data = demo_data()
    data["workshop"].update(code=CODE, phase="collect", votes=[])
    import_data(database, data)
    with start_streamlit(database) as started:
        yield started


def focused(page: Page, target: Locator) -> bool:
    return target.evaluate("(element) => element === document.activeElement")


def tab_to(page: Page, target: Locator) -> None:
    """Press Tab until `target` has the focus; it must be reachable, and show its focus."""
    expect(target).to_be_visible()
    assert not focused(page, target)
    unfocused = target.evaluate(_LOOK)
    for _ in range(MAX_TABS):
        if focused(page, target):
            break
        page.keyboard.press("Tab")
    else:
        pytest.fail(f"{target} n'est pas atteint avec la touche Tab ({MAX_TABS} appuis)")
    # The focus style comes with a CSS transition: wait (bounded) for the look to change, rather
    # than read it at once — on a loaded machine the first frame after the focus may not show it.
    try:
        page.wait_for_function(
            f"([element, before]) => JSON.stringify(({_LOOK})(element)) !== JSON.stringify(before)",
            arg=[target.element_handle(), unfocused],
            timeout=FOCUS_SHOWN_MS,
        )
    except PlaywrightTimeoutError:
        pytest.fail(f"{target} a le focus sans que rien ne le montre")


def press_and_see(page: Page, key: str, shows: Locator) -> None:
    wait_idle(page)
    page.keyboard.press(key)
    expect(shows).to_be_visible()
    wait_idle(page)


def test_a_partner_joins_and_writes_with_the_keyboard_only(browser: Browser, server: StreamlitServer) -> None:
    context = new_context(browser, DESKTOP)
    try:
        page = context.new_page()
        code_field = page.get_by_role("textbox", name="Code de l'atelier")
        open_page(page, f"{server.url}/participer", shows=code_field)

        tab_to(page, code_field)
        page.keyboard.type(CODE.lower())
        tab_to(page, page.get_by_role("button", name="Continuer"))
        join = page.get_by_role("heading", name="Rejoindre l'atelier")
        press_and_see(page, "Enter", join)

        # One field: the browser suggests the organisations already present; a new one is typed.
        organisation = page.get_by_role("combobox", name="Votre organisation")
        tab_to(page, organisation)
        page.keyboard.type("Association des familles")
        tab_to(page, page.get_by_role("textbox", name="Votre nom (facultatif)"))
        page.keyboard.type("Alex Clavier")
        tab_to(page, page.get_by_role("button", name="Rejoindre l'atelier"))
        press_and_see(page, "Enter", page.get_by_text("Vous participez au nom de : Association des familles"))

        field = page.get_by_role("textbox", name="Nouvelle force")
        tab_to(page, field)
        page.keyboard.type(ITEM)
        add = page.get_by_role("button", name="Ajouter cette force")
        tab_to(page, add)
        screenshot(page, "clavier-focus-sur-ajouter")
        press_and_see(page, "Enter", page.get_by_test_id("stText").filter(has_text=ITEM))
        expect(page.get_by_text("Contribution ajoutée.")).to_be_visible()
        expect(field).to_have_value("")
    finally:
        context.close()
