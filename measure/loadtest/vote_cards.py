"""The partner's vote cards as the driver sees them, and a tap on one.

The app draws a topic's cards as one custom component (`ui/partner/vote_cards.py`, key
`participer_cards_<topic>`): its JSON data holds every card (`id`, `dots`, `why` when « Ajouter
un point » cannot act) and the cap (`max`); a tap is the component's `tap` event, value
`{"item": <id>, "action": "add" | "remove"}`, sent in the component's fragment. A copy of the
app from before the component (`measure.side_by_side --a-dir`) draws buttons `more_<id>` /
`less_<id>` on cards that say « Vos points ici : **k** sur m »: both are read and tapped here,
so the same scenario measures either.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from measure.loadtest.session import AppSession, RunResult
from measure.loadtest.widgets import COMPONENT_KINDS, Widget, component_data

COMPONENT_PREFIX = "participer_cards_"
TAP_EVENT = "tap"
MORE_PREFIX, LESS_PREFIX = "more_", "less_"
_ON_CARD = re.compile(r"Vos points ici : \*\*(\d+)\*\* sur (\d+)")


@dataclass(frozen=True)
class VoteCard:
    """One card: the partner's dots on it, the cap, and which of its two taps the page offers."""

    item_id: int
    dots: int
    cap: int
    can_add: bool
    can_remove: bool


def vote_component(session: AppSession) -> Widget | None:
    found = [
        w
        for w in session.widgets()
        if w.kind in COMPONENT_KINDS and (w.key or "").startswith(COMPONENT_PREFIX)
    ]
    return found[0] if found else None


def _button_dots(session: AppSession, button: Widget) -> tuple[int, int] | None:
    """(dots, cap) on the card holding `button` (« Vos points ici : **k** sur m »)."""
    for levels in (2, 3, 4):
        for line in session.tree.texts(raw=True, under=button.path[: max(1, len(button.path) - levels)]):
            found = _ON_CARD.search(line)
            if found:
                return int(found.group(1)), int(found.group(2))
    return None


def vote_cards(session: AppSession) -> list[VoteCard]:
    """The cards on screen, in page order (none outside the vote)."""
    component = vote_component(session)
    if component is not None:
        data = component_data(component) or {"sections": [], "max": 0}
        return [
            VoteCard(card["id"], card["dots"], data["max"], not card["why"], card["dots"] > 0)
            for section in data["sections"]
            for card in section["cards"]
        ]
    cards = []
    for more in [w for w in session.widgets() if (w.key or "").startswith(MORE_PREFIX)]:
        item_id = int((more.key or "").removeprefix(MORE_PREFIX))
        dots = _button_dots(session, more)
        if dots is None:
            continue
        less = session.find_widgets(key=f"{LESS_PREFIX}{item_id}")
        cards.append(
            VoteCard(item_id, dots[0], dots[1], not more.disabled, bool(less) and not less[0].disabled)
        )
    return cards


def vote_card(session: AppSession, item_id: int) -> VoteCard | None:
    return next((card for card in vote_cards(session) if card.item_id == item_id), None)


def on_vote_page(session: AppSession) -> bool:
    return vote_component(session) is not None or any(
        (w.key or "").startswith(MORE_PREFIX) for w in session.widgets()
    )


async def tap_vote(session: AppSession, item_id: int, *, more: bool, action: str = "point") -> RunResult:
    """« Ajouter un point » (`more`) or « Retirer un point » on the card of `item_id`."""
    component = vote_component(session)
    if component is not None:
        value = {"item": item_id, "action": "add" if more else "remove"}
        return await session.tap_component(component, TAP_EVENT, value, action=action)
    key = f"{MORE_PREFIX if more else LESS_PREFIX}{item_id}"
    return await session.click(session.find_widget(key=key), action=action)
