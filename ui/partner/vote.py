"""The vote: the dots left (kept in sight), a choice of view, and a bounded number of cards
(see `ctg_workshop.day.ballot.vote_page`), drawn as ONE element per topic (`vote_cards`) inside
one fragment: a tap runs the domain in the component's callback, then redraws the cards and the
dots left in the same run, the last dot placed or the first one freed included."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import NamedTuple

import streamlit as st

from ctg_workshop.day.ballot import (
    ALL_QUADRANTS,
    MY_DOTS,
    PREVIEW_PER_QUADRANT,
    VOTE_VIEWS,
    VoteChoice,
    VotePage,
)
from ctg_workshop.day.joining import Identity, TopicInfo
from ctg_workshop.day.voting import DotBalance, add_dot, remove_dot
from ctg_workshop.errors import CtgError, PhaseError
from ctg_workshop.storage.models import Quadrant
from ctg_workshop.wording import QUADRANT_LABELS
from ui import actions
from ui.partner import vote_views
from ui.partner.chrome import COUNTER_KEY, VIEWS_KEY, scroll_to_views
from ui.partner.memo import memo
from ui.partner.taps import follow_the_page, fragment_run, redraw_after_tap, tap_button
from ui.partner.vote_cards import (
    TAP_EVENT,
    VIEW_EVENT,
    board_data,
    card_data,
    component_key,
    parse_tap,
    parse_view,
    vote_cards,
)
from ui.partner.wording import quadrant_count, quadrant_label
from ui.safe import NO_ICON, plain

VOTE_SLOT = "vote"  # the message slot under the dots left (ui/actions.py)
# What the last dot changed, for the cards and the counter redrawn alone (cleared by a full run).
_FRESH_DOTS = "participer_fresh_dots"
_FRESH_BALANCE = "participer_fresh_balance"
# What the last dot did (« Point ajouté : … »), shown under the dots left by the run that follows
# the tap: {"text": …, "shown": bool}; a later run of the whole page no longer shows it.
_DOT_NOTE = "participer_dot_note"
_REDRAW_VOTE = "participer_redraw_vote"  # a refusal: draw the whole vote again from the database
# What the cards' live region says next ({"seq", "text"}), and its counter (a new text each tap).
_LIVE = "participer_vote_live"
_NOTE_SEQ = "participer_vote_live_seq"
# The dots each card showed when last drawn, by component key: a tap may only name one of them.
_DRAWN = "participer_vote_drawn"
_TAP_MARK = "participer_vote_tap_mark"  # the callback ran (see vote_board, a restarted server)
# The quadrants whose « Voir les … » each component drew, and a view asked for from the cards
# (the whole page is drawn again for it).
_OFFERED = "participer_vote_offered"
_NEW_VIEW = "participer_vote_new_view"
# Which cards the vote shows: the view of each topic (a widget key per topic) and its page.
_LAST_SHOWN = "participer_vote_last_shown"  # (topic, view, page) of the last full run


class Section(NamedTuple):
    """A run of cards under one heading of the component (`level` 0: no heading), and the
    label of the button under them that shows the whole quadrant (« Voir les 19 forces »)."""

    key: str
    title: str
    level: int
    choices: tuple[VoteChoice, ...]
    see_all: str = ""


class Board(NamedTuple):
    """What the topic's vote fragment draws: the cards, and the dots left in `slot` (the
    placeholder at the top of the vote, kept in sight); `note` is what the tap that caused a
    run of the whole page did (a restarted server, AppTest)."""

    identity: Identity
    topic_key: str
    sheet: VotePage
    sections: tuple[Section, ...]
    slot: object
    note: str | None


def vote_fragment_key(topic_key: str) -> str:
    return f"participer_vote_{topic_key}"


def refuse(message: str) -> None:
    """A tap that changes nothing: the page says why, under the dots left."""
    actions.say(VOTE_SLOT, "error", message)
    _announce(message)


def _announce(text: str) -> None:
    """What the cards' live region says after this tap (« Point ajouté : … », a refusal)."""
    kept = memo()
    seq = kept[_NOTE_SEQ] = kept.get(_NOTE_SEQ, 0) + 1
    kept[_LIVE] = {"seq": seq, "text": text}


def change_dots(participant_id: int, value: object, shown: dict[int, int]) -> None:
    """A tap on the cards: `value` is what the browser sent, `shown` the dots each card drawn
    showed. Only a card drawn on this topic can change, and the domain refuses the rest (the
    phase, the budget, the cap, another device's dots): a forged message changes nothing."""
    memo().pop(_DOT_NOTE, None)
    tap = parse_tap(value)
    if tap is None:
        refuse("Geste non reconnu : aucun point n'a changé.")
        return
    item_id, more = tap
    if item_id not in shown:
        refuse("Cette contribution n'est pas affichée dans ce sujet : aucun point n'a changé.")
        return
    if not more and not shown[item_id]:
        refuse("Vous n'avez aucun point sur cette contribution : rien à retirer.")
        return
    change = add_dot if more else remove_dot
    try:
        balance = actions.write(lambda s: change(session=s, participant_id=participant_id, item_id=item_id))
    except PhaseError as error:
        actions.say("top", "error", error.message)
    except CtgError as error:
        refuse(error.message)
        # Refused (another phone of the partner took the last dot, a cap): the counter and the
        # cards are redrawn from the database, not from what this phone believed.
        memo()[_REDRAW_VOTE] = True
    else:
        done = "Point ajouté" if more else "Point retiré"
        text = f"{done} : {balance.sentence()}."
        kept = memo()
        kept[_DOT_NOTE] = {"text": text, "shown": False}
        _announce(text)
        # The cards and the counter show what the database now says, without a new query.
        kept.setdefault(_FRESH_DOTS, {})[item_id] = balance.on_item
        kept[_FRESH_BALANCE] = (balance.topic_id, balance.budget, balance.spent)


def on_tap(participant_id: int, key: str, fragment_key: str) -> None:
    """The cards' callback (before the fragment is drawn again, in the same run)."""
    kept = memo()
    kept[_TAP_MARK] = key
    value = st.session_state[key].get(TAP_EVENT)
    change_dots(participant_id, value, kept.get(_DRAWN, {}).get(key, {}))
    redraw_after_tap(fragment_key)


def show_asked_view(topic_key: str, value: object, offered: set[str]) -> None:
    """« Voir les … » under a quadrant's cards: that quadrant's view, drawn with the whole page
    (the views, the heading, the pages); a view the cards did not offer changes nothing."""
    view = parse_view(value, offered)
    if view is not None:
        vote_views.on_show_view(topic_key, view)
        memo()[_NEW_VIEW] = True


def on_view(topic_key: str, key: str) -> None:
    """The cards' callback for « Voir les … »."""
    kept = memo()
    kept[_TAP_MARK] = key
    show_asked_view(topic_key, st.session_state[key].get(VIEW_EVENT), kept.get(_OFFERED, {}).get(key, set()))


def dots_left(slot, balance: DotBalance, max_dots: int, note: str | None, error: str | None = None) -> None:
    """The partner's dots left on the topic, and what their last tap did, in the placeholder
    `slot` at the top of the vote (kept in sight by the page's style)."""
    counter = f"**{balance.sentence()}** pour ce sujet · {max_dots} au plus par contribution"
    if not (note or error):
        slot.info(counter, icon=NO_ICON)  # the usual run: one element, no container around it
        return
    with slot.container():
        st.info(counter, icon=NO_ICON)
        if error:
            st.error(plain(error))
        if note:
            st.success(plain(note))


def add_refusal(my_dots: int, max_dots: int, balance: DotBalance) -> str | None:
    """Why « Ajouter un point » is disabled on a card, or None when it is not."""
    if my_dots >= max_dots:
        return f"Plafond atteint : {max_dots} points au plus sur une même contribution."
    if balance.remaining <= 0:
        return "Plus de point à placer dans ce sujet : retirez-en un d'une autre contribution pour le mettre ici."
    return None


def vote_board(board: Board) -> None:
    """The topic's cards as one element, and the dots left. A fragment: a tap redraws the
    cards and the counter in one run, the last dot placed or the first one freed included.

    It writes into `board.slot` in a run of the whole page too: Streamlit lets a fragment write
    outside itself only where it wrote in the last full run."""
    follow_the_page()
    kept = memo()
    if fragment_run() and (kept.pop(_REDRAW_VOTE, False) or kept.pop(_NEW_VIEW, False)):
        st.rerun()  # the whole page: from the database (see change_dots), or another view
    sheet, max_dots = board.sheet, board.sheet.max_dots_per_item
    balance = sheet.balance
    fresh = kept.get(_FRESH_BALANCE)
    if fresh is not None and fresh[0] == balance.topic_id:
        balance = DotBalance(fresh[0], fresh[1], fresh[2], 0)
    fresh_dots = kept.get(_FRESH_DOTS, {})
    shown: dict[int, int] = {}
    sections = []
    for section in board.sections:
        cards = []
        for choice in section.choices:
            my_dots = shown[choice.item_id] = fresh_dots.get(choice.item_id, choice.my_dots)
            cards.append(card_data(choice, my_dots, add_refusal(my_dots, max_dots, balance)))
        more = {"label": section.see_all, "view": section.key} if section.see_all else None
        sections.append(
            {"key": section.key, "title": section.title, "level": section.level, "cards": cards, "more": more}
        )
    key = component_key(board.topic_key)
    kept.setdefault(_DRAWN, {})[key] = shown
    kept.setdefault(_OFFERED, {})[key] = {s.key for s in board.sections if s.see_all}
    note = board.note
    if fragment_run():
        tapped = kept.get(_DOT_NOTE)
        note = tapped and tapped["text"]
        if tapped is not None:
            tapped["shown"] = True
    message = actions.pending(VOTE_SLOT)
    dots_left(board.slot, balance, max_dots, note, message and message[1])
    live = kept.pop(_LIVE, None)
    marked = kept.pop(_TAP_MARK, None) == key
    if not shown:
        return
    drawn = vote_cards(
        key=key,
        data=board_data({"max": max_dots, "sections": sections, "note": live}),
        on_tap_change=functools.partial(
            on_tap, board.identity.participant_id, key, vote_fragment_key(board.topic_key)
        ),
        on_view_change=functools.partial(on_view, board.topic_key, key),
    )
    tap, view = drawn.get(TAP_EVENT), drawn.get(VIEW_EVENT)
    if (tap is not None or view is not None) and not marked:
        # A server restarted under the open page has not registered the callbacks yet: act
        # now, then draw the page again (see ui/partner/taps.py).
        if tap is not None:
            change_dots(board.identity.participant_id, tap, shown)
        else:
            show_asked_view(board.topic_key, view, kept[_OFFERED][key])
        st.rerun()


def view_label(sheet: VotePage):
    def label(view: str) -> str:
        if view == ALL_QUADRANTS:
            return "Toutes les cases"
        if view == MY_DOTS:
            return "Mes points"
        return f"{quadrant_label(view)} ({sheet.counts[view]})"

    return label


def all_quadrants(sheet: VotePage) -> list[Section]:
    """The first cards of each quadrant, each with « Voir les … » under them when it has more."""
    if any(count > len(sheet.choices_in(quadrant)) for quadrant, count in sheet.counts.items()):
        st.markdown(
            f"{PREVIEW_PER_QUADRANT} contributions de chaque case, dans un ordre propre à votre "
            "téléphone (le même à chaque visite, pas le même pour tous) ; « Voir les … » les montre "
            "toutes, page par page."
        )
    sections = []
    for quadrant in Quadrant:
        count, shown = sheet.counts[quadrant.value], tuple(sheet.choices_in(quadrant.value))
        if count:
            see_all = f"Voir les {quadrant_count(quadrant.value, count)}" if count > len(shown) else ""
            sections.append(
                Section(quadrant.value, f"{QUADRANT_LABELS[quadrant]} ({count})", 2, shown, see_all)
            )
    return sections


def my_dots_view(sheet: VotePage) -> list[Section]:
    """The items the partner has put dots on, to check or take them back."""
    st.header("Mes points", anchor=False)
    if not sheet.choices:
        st.markdown("Vous n'avez encore placé aucun point dans ce sujet.")
    return [
        Section(q.value, QUADRANT_LABELS[q], 3, tuple(sheet.choices_in(q.value)))
        for q in Quadrant
        if sheet.choices_in(q.value)
    ]


def one_quadrant(topic: TopicInfo, sheet: VotePage) -> tuple[list[Section], Callable[[], None]]:
    """One quadrant, a page of cards at a time (« Précédentes », « Suivantes » under them)."""
    count = sheet.counts[sheet.view]
    st.header(f"{quadrant_label(sheet.view)} ({count})", anchor=False)
    if not count:
        st.markdown("Aucune contribution dans cette case.")
        return [], lambda: None
    last = sheet.first_shown + len(sheet.choices) - 1
    st.markdown(f"Contributions {sheet.first_shown} à {last} sur {count}")

    def pages() -> None:
        if sheet.pages <= 1:
            return
        st.markdown(f"Page {sheet.page + 1} sur {sheet.pages}")
        with st.container(horizontal=True):
            tap_button(
                "Précédentes",
                vote_views.on_turn_page,
                topic.key,
                sheet.view,
                sheet.page - 1,
                key="page_previous",
                icon=":material/chevron_left:",
                disabled=sheet.page == 0,
            )
            tap_button(
                "Suivantes",
                vote_views.on_turn_page,
                topic.key,
                sheet.view,
                sheet.page + 1,
                key="page_next",
                icon=":material/chevron_right:",
                disabled=sheet.page + 1 >= sheet.pages,
            )

    return [Section(sheet.view, "", 0, tuple(sheet.choices))], pages


def show_vote(identity: Identity, topic: TopicInfo, sheet: VotePage) -> None:
    """The vote: the dots left, a choice of view, and a bounded number of cards (`sheet`, read
    with the whole page for the view and page `vote_views` gave)."""
    view_key = vote_views.view_key(topic.key)
    if st.session_state.get(view_key) not in VOTE_VIEWS:
        st.session_state[view_key] = ALL_QUADRANTS
    # A full run reads the database: what the last taps remembered is no longer needed.
    kept = memo()
    kept.pop(_FRESH_DOTS, None)
    kept.pop(_FRESH_BALANCE, None)
    kept.pop(_REDRAW_VOTE, None)
    # What a tap did, if that tap caused this run (a fragment run has shown it already).
    tapped = kept.pop(_DOT_NOTE, None)
    note = tapped["text"] if tapped and not tapped["shown"] else None
    with st.container(key=COUNTER_KEY):
        slot = st.empty()
    with st.container(key=VIEWS_KEY):
        st.pills("Afficher", VOTE_VIEWS, format_func=view_label(sheet), required=True, key=view_key)
    shown = (topic.key, sheet.view, sheet.page)
    previous = kept.get(_LAST_SHOWN)
    kept[_LAST_SHOWN] = shown
    if previous is not None and previous[0] == topic.key and previous != shown:
        scroll_to_views()
    sections: list[Section] = []
    after: Callable[[], None] = lambda: None  # noqa: E731
    if not any(sheet.counts.values()):
        st.markdown("Aucune contribution à départager dans ce sujet.")
    elif sheet.view == ALL_QUADRANTS:
        sections = all_quadrants(sheet)
    elif sheet.view == MY_DOTS:
        sections = my_dots_view(sheet)
    else:
        sections, after = one_quadrant(topic, sheet)
    board = Board(identity, topic.key, sheet, tuple(sections), slot, note)
    st.fragment(vote_board, key=vote_fragment_key(topic.key))(board)
    after()
