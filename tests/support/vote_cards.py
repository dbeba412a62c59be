"""The partner's vote cards in AppTest: one custom component per topic (ui/partner/vote_cards.py).

AppTest shows a custom component as an element it can read (`UnknownElement`: its proto holds
the cards as JSON) but not tap. `tap` sends what a browser sends for a tap: the page's widget
states plus the component's trigger (`$$STREAMLIT_INTERNAL_KEY_<id>__events`), through the path
AppTest's own `ElementTree.run()` takes (`_tree`, `_run`: the two private names live here only).
"""

from __future__ import annotations

import json
from typing import Any

from streamlit.proto.WidgetStates_pb2 import WidgetState
from streamlit.testing.v1 import AppTest

COMPONENT = "bidi_component"
TRIGGER_PREFIX = "$$STREAMLIT_INTERNAL_KEY_"  # streamlit.runtime.state.session_state
EVENTS_SUFFIX = "__events"  # streamlit.components.v2 (EVENT_DELIM + "events")


def components(at: AppTest) -> list[Any]:
    return [
        element
        for element in at.get(COMPONENT)
        if element.key and element.key.startswith("participer_cards_")
    ]


def data(at: AppTest) -> dict[str, Any]:
    """The data of the one vote component on the page (its cards by section, the cap)."""
    found = components(at)
    assert len(found) == 1, f"{len(found)} composants de vote sur la page"
    return json.loads(found[0].proto.bytes)  # JSON in bytes (ui/partner/vote_cards.board_data)


def cards(at: AppTest) -> list[dict[str, Any]]:
    """Every card the page draws, in order: {id, text, rest, org, members, dots, why}."""
    if not components(at):
        return []
    return [card for section in data(at)["sections"] for card in section["cards"]]


def card(at: AppTest, item_id: int) -> dict[str, Any]:
    found = [c for c in cards(at) if c["id"] == item_id]
    assert found, f"pas de carte {item_id} sur la page"
    return found[0]


def ids(at: AppTest) -> list[int]:
    return [c["id"] for c in cards(at)]


def send(at: AppTest, value: object, event: str = "tap") -> AppTest:
    """Run the page with this trigger from the vote component, as a browser (or a forger) sends it."""
    (component,) = components(at)
    states = at._tree.get_widget_states()
    states.widgets.append(
        WidgetState(
            id=f"{TRIGGER_PREFIX}{component.proto.id}{EVENTS_SUFFIX}",
            json_trigger_value=json.dumps([{"event": event, "value": value}]),
        )
    )
    result = at._run(states)
    assert not result.exception, result.exception
    return result


def tap(at: AppTest, item_id: int, *, more: bool = True) -> AppTest:
    """Tap « Ajouter un point » (or « Retirer un point ») on a card the page draws, refusing a
    tap the page would not offer (a disabled « Ajouter », « Retirer » without dots)."""
    shown = card(at, item_id)
    if more:
        assert not shown["why"], f"« Ajouter un point » désactivé : {shown['why']}"
    else:
        assert shown["dots"], "pas de « Retirer un point » sur une carte sans point"
    return send(at, {"item": item_id, "action": "add" if more else "remove"})


def see_all(at: AppTest, quadrant: str) -> AppTest:
    """Tap « Voir les … » under a quadrant's cards (refusing one the page does not draw)."""
    offered = {section["key"]: section["more"] for section in data(at)["sections"] if section.get("more")}
    assert quadrant in offered, f"pas de « Voir les … » sous la case {quadrant}"
    return send(at, offered[quadrant]["view"], event="view")


def see_all_labels(at: AppTest) -> dict[str, str]:
    """The « Voir les … » the cards draw, by quadrant."""
    return {s["key"]: s["more"]["label"] for s in data(at)["sections"] if s.get("more")}
