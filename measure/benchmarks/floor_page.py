"""The floor: a bare Streamlit page that only draws as much as the page it stands for.

Served by its own `streamlit run measure/benchmarks/floor_page.py` (same settings as the app).
The query string gives the shape measured on the real page (see
`measure.benchmarks.driver.PageShape`): how many widgets and elements the page holds in all,
and how many widgets, elements, containers and characters the measured action draws again. No
database, no session state, no callback: a click on the button `floor_click` costs what
Streamlit needs to redraw that much.
"""

import streamlit as st


def number(name: str) -> int:
    try:
        return max(0, min(int(st.query_params.get(name, "0")), 200_000))
    except ValueError:
        return 0


def text_of(length: int, index: int) -> str:
    base = f"Contribution {index} : accueil des familles, horaires élargis, lieu ressource. "
    return (base * (length // len(base) + 1))[: max(length, 1)]


def draw(widgets: int, elements: int, blocks: int, chars: int, *, prefix: str, clickable: bool) -> None:
    """`elements` elements in all, `widgets` of them buttons, spread over `blocks` containers."""
    places = [st.container() for _ in range(blocks)] or [st.container()]
    widgets = max(widgets, 1) if clickable else widgets
    texts = max(elements - widgets, 0)
    per_text = chars // texts if texts else 0
    for index in range(texts):
        places[index % len(places)].text(text_of(per_text, index))
    for index in range(widgets):
        key = "floor_click" if clickable and index == 0 else f"{prefix}_{index}"
        places[index % len(places)].button(f"Bouton {index}", key=key)


fragment = number("fragment") == 1
run = {
    "widgets": number("run_widgets"),
    "elements": number("run_elements"),
    "blocks": number("run_blocks"),
    "chars": number("run_chars"),
}
if fragment:
    draw(
        max(number("total_widgets") - run["widgets"], 0),
        max(number("total_elements") - run["elements"], 0),
        0,
        0,
        prefix="outside",
        clickable=False,
    )
    st.fragment(draw)(**run, prefix="inside", clickable=True)
else:
    draw(**run, prefix="page", clickable=True)
