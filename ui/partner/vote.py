"""The vote: the dots left (kept in sight), a choice of view, and a bounded number of cards, each
a fragment a tap redraws alone with the dots left (see `ctg_workshop.day.ballot.vote_page`)."""

from __future__ import annotations

from collections.abc import Iterable
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
from ui.partner.chrome import COUNTER_KEY, VIEWS_KEY, scroll_to_views
from ui.partner.messages import show_message
from ui.partner.taps import follow_the_page, fragment_run, redraw_after_tap, tap_button
from ui.partner.text import item_text, member_list
from ui.partner.wording import quadrant_count, quadrant_label
from ui.safe import plain

# What the last dot changed, for the card and the counter redrawn alone (cleared by a full run).
_FRESH_DOTS = "participer_fresh_dots"
_FRESH_BALANCE = "participer_fresh_balance"
# What the last dot did (« Point ajouté : … »), shown under the dots left by the run that follows
# the tap: {"text": …, "shown": bool}; a later run of the whole page no longer shows it.
_DOT_NOTE = "participer_dot_note"
_REDRAW_VOTE = "participer_redraw_vote"  # a tap changed more than its own card: draw the whole vote
# Which cards the vote shows: the view of each topic (a widget key per topic) and its page.
_VIEW = "participer_vote_view"
_VIEW_PAGES = "participer_vote_pages"
_LAST_SHOWN = "participer_vote_last_shown"  # (topic, view, page) of the last full run


class CardArgs(NamedTuple):
    """What every vote card of a run shares: who votes, where the dots left go, the last tap,
    and which card draws the dots left in a run of the whole page (the last one drawn)."""

    identity: Identity
    slot: object  # the st.empty placeholder of the dots left
    note: str | None
    last_item_id: int | None


def card_fragment_key(item_id: int) -> str:
    return f"participer_card_{item_id}"


def on_change_dots(participant_id: int, item_id: int, more: bool) -> None:
    change = add_dot if more else remove_dot
    st.session_state.pop(_DOT_NOTE, None)
    try:
        balance = actions.write(lambda s: change(session=s, participant_id=participant_id, item_id=item_id))
    except PhaseError as error:
        actions.say("top", "error", error.message)
    except CtgError as error:
        actions.say(f"vote_{item_id}", "error", error.message)
        # Refused (another phone of the partner took the last dot, a cap): the counter and the
        # cards are redrawn from the database, not from what this phone believed.
        st.session_state[_REDRAW_VOTE] = True
    else:
        done = "Point ajouté" if more else "Point retiré"
        st.session_state[_DOT_NOTE] = {"text": f"{done} : {balance.sentence()}.", "shown": False}
        # The card and the counter show what the database now says, without a new query.
        st.session_state.setdefault(_FRESH_DOTS, {})[item_id] = balance.on_item
        st.session_state[_FRESH_BALANCE] = (balance.topic_id, balance.budget, balance.spent)
        if balance.remaining == 0 or (not more and balance.remaining == 1):
            # The last dot placed, or the first one freed: every card's « Ajouter un point »
            # changes, so the whole vote is redrawn.
            st.session_state[_REDRAW_VOTE] = True
    # The card redraws itself and the dots left (see vote_card): one run, unless another card
    # still shows a refusal.
    redraw_after_tap(card_fragment_key(item_id))


def on_show_view(topic_key: str, view: str) -> None:
    """« Voir les 19 forces »: the quadrant's own view, from its first page."""
    st.session_state[f"{_VIEW}_{topic_key}"] = view
    st.session_state.setdefault(_VIEW_PAGES, {})[topic_key, view] = 0


def on_turn_page(topic_key: str, view: str, page: int) -> None:
    st.session_state.setdefault(_VIEW_PAGES, {})[topic_key, view] = page


def dots_left(slot, balance: DotBalance, max_dots: int, note: str | None) -> None:
    """The partner's dots left on the topic, and what their last dot did, in the placeholder
    `slot` at the top of the vote (kept in sight by the page's style)."""
    with slot.container():
        st.info(f"**{balance.sentence()}** pour ce sujet · {max_dots} au plus par contribution")
        if note:
            st.success(plain(note))


def add_refusal(my_dots: int, max_dots: int, balance: DotBalance) -> str | None:
    """Why « Ajouter un point » is disabled on a card, or None when it is not."""
    if my_dots >= max_dots:
        return f"Plafond atteint : {max_dots} points au plus sur une même contribution."
    if balance.remaining <= 0:
        return "Plus de point à placer dans ce sujet : retirez-en un d'une autre contribution pour le mettre ici."
    return None


def vote_card(
    identity: Identity, choice: VoteChoice, max_dots: int, slot, balance: DotBalance, card: CardArgs
) -> None:
    """One item open to dots. A fragment: a tap redraws this card and the dots left, in one run.

    Every card writes into `slot` in a run of the whole page too: Streamlit lets a fragment
    write outside itself only where it wrote in the last full run, and a browser shows nothing
    there if the page's own body writes into it after the cards (checked in Chromium). In a full
    run only the last card drawn writes the dots left; the others reserve the place with an
    empty element (one message, not three, per card). In a fragment run, the tapped card draws
    them. `card.note` is what the tap that caused a full run did (a restarted server, AppTest)."""
    follow_the_page()
    if fragment_run() and st.session_state.pop(_REDRAW_VOTE, False):
        st.rerun()  # the whole page, from the database (see on_change_dots)
    my_dots = st.session_state.get(_FRESH_DOTS, {}).get(choice.item_id, choice.my_dots)
    fresh = st.session_state.get(_FRESH_BALANCE)
    if fresh is not None and fresh[0] == balance.topic_id:
        balance = DotBalance(fresh[0], fresh[1], fresh[2], 0)
    why_not = add_refusal(my_dots, max_dots, balance)
    with st.container(border=True):
        item_text(choice.text, choice.organisation)
        member_list(choice.members)
        dots = "●" * my_dots + "○" * (max_dots - my_dots)
        st.markdown(f"Vos points ici : **{my_dots}** sur {max_dots} {dots}")
        if my_dots:
            with st.container(horizontal=True):
                dot_button(identity, choice, more=True, disabled=why_not is not None)
                dot_button(identity, choice, more=False, disabled=False)
        else:  # nothing to take back: no « Retirer » (most cards, a button and a row less each)
            dot_button(identity, choice, more=True, disabled=why_not is not None)
        if why_not is not None:
            st.caption(why_not)  # the reason, readable on a phone (a tooltip is not)
        show_message(f"vote_{choice.item_id}", card_fragment_key(choice.item_id))
    if not fragment_run():
        if choice.item_id == card.last_item_id:
            dots_left(slot, balance, max_dots, card.note)
        else:
            slot.empty()
        return
    note = st.session_state.get(_DOT_NOTE)
    if note is not None:
        note["shown"] = True
    dots_left(slot, balance, max_dots, note and note["text"])


def dot_button(identity: Identity, choice: VoteChoice, *, more: bool, disabled: bool) -> None:
    """« Ajouter un point » (first: it stays under the thumb when « Retirer » appears) or « Retirer »."""
    tap_button(
        "Ajouter un point" if more else "Retirer",
        on_change_dots,
        identity.participant_id,
        choice.item_id,
        more,
        key=f"{'more' if more else 'less'}_{choice.item_id}",
        icon=":material/add:" if more else ":material/remove:",
        type="primary" if more else "secondary",
        disabled=disabled,
    )


def view_label(sheet: VotePage):
    def label(view: str) -> str:
        if view == ALL_QUADRANTS:
            return "Toutes les cases"
        if view == MY_DOTS:
            return "Mes points"
        return f"{quadrant_label(view)} ({sheet.counts[view]})"

    return label


def draw_cards(sheet: VotePage, choices: Iterable[VoteChoice], card: CardArgs) -> None:
    for choice in choices:
        st.fragment(vote_card, key=card_fragment_key(choice.item_id))(
            card.identity, choice, sheet.max_dots_per_item, card.slot, sheet.balance, card
        )


def cards_in_order(sheet: VotePage) -> list[VoteChoice]:
    """The cards as the view draws them: by quadrant in the SWOT order, or the page's own order."""
    if sheet.view in (ALL_QUADRANTS, MY_DOTS):
        return [choice for quadrant in Quadrant for choice in sheet.choices_in(quadrant.value)]
    return list(sheet.choices)


def all_quadrants(topic: TopicInfo, sheet: VotePage, card: CardArgs) -> None:
    """The newest cards of each quadrant, and a way to see the others."""
    if any(count > len(sheet.choices_in(quadrant)) for quadrant, count in sheet.counts.items()):
        st.markdown(
            f"{PREVIEW_PER_QUADRANT} contributions de chaque case, dans un ordre propre à votre "
            "téléphone (le même à chaque visite, pas le même pour tous) ; « Voir les … » les montre "
            "toutes, page par page."
        )
    for quadrant in Quadrant:
        count = sheet.counts[quadrant.value]
        if not count:
            continue
        st.header(f"{QUADRANT_LABELS[quadrant]} ({count})", anchor=False)
        choices = sheet.choices_in(quadrant.value)
        draw_cards(sheet, choices, card)
        if count > len(choices):
            tap_button(
                f"Voir les {quadrant_count(quadrant.value, count)}",
                on_show_view,
                topic.key,
                quadrant.value,
                key=f"see_{quadrant.value}",
                icon=":material/expand_more:",
            )


def my_dots_view(sheet: VotePage, card: CardArgs) -> None:
    """The items the partner has put dots on, to check or take them back."""
    st.header("Mes points", anchor=False)
    if not sheet.choices:
        st.markdown("Vous n'avez encore placé aucun point dans ce sujet.")
    for quadrant in Quadrant:
        choices = sheet.choices_in(quadrant.value)
        if choices:
            st.markdown(f"**{QUADRANT_LABELS[quadrant]}**")
            draw_cards(sheet, choices, card)


def one_quadrant(topic: TopicInfo, sheet: VotePage, card: CardArgs) -> None:
    """One quadrant, a page of cards at a time."""
    count = sheet.counts[sheet.view]
    st.header(f"{quadrant_label(sheet.view)} ({count})", anchor=False)
    if not count:
        st.markdown("Aucune contribution dans cette case.")
        return
    last = sheet.first_shown + len(sheet.choices) - 1
    st.markdown(f"Contributions {sheet.first_shown} à {last} sur {count}")
    draw_cards(sheet, sheet.choices, card)
    if sheet.pages > 1:
        st.markdown(f"Page {sheet.page + 1} sur {sheet.pages}")
        with st.container(horizontal=True):
            tap_button(
                "Précédentes",
                on_turn_page,
                topic.key,
                sheet.view,
                sheet.page - 1,
                key="page_previous",
                icon=":material/chevron_left:",
                disabled=sheet.page == 0,
            )
            tap_button(
                "Suivantes",
                on_turn_page,
                topic.key,
                sheet.view,
                sheet.page + 1,
                key="page_next",
                icon=":material/chevron_right:",
                disabled=sheet.page + 1 >= sheet.pages,
            )


def requested_views() -> dict[str, str]:
    """The view each topic's vote asks for (its widget's value), by topic key."""
    prefix = f"{_VIEW}_"
    return {
        key.removeprefix(prefix): value
        for key, value in st.session_state.items()
        if isinstance(key, str) and key.startswith(prefix) and isinstance(value, str)
    }


def requested_pages() -> dict[tuple[str, str], int]:
    """The page of cards each (topic, view) asks for (« Suivantes », « Précédentes »)."""
    return dict(st.session_state.get(_VIEW_PAGES, {}))


def show_vote(identity: Identity, topic: TopicInfo, sheet: VotePage) -> None:
    """The vote: the dots left, a choice of view, and a bounded number of cards (`sheet`, read
    with the whole page for the view and page `requested_views` and `requested_pages` gave)."""
    view_key = f"{_VIEW}_{topic.key}"
    if st.session_state.get(view_key) not in VOTE_VIEWS:
        st.session_state[view_key] = ALL_QUADRANTS
    # A full run reads the database: what the last taps remembered is no longer needed.
    st.session_state.pop(_FRESH_DOTS, None)
    st.session_state.pop(_FRESH_BALANCE, None)
    st.session_state.pop(_REDRAW_VOTE, None)
    # What a tap did, if that tap caused this run (a fragment run has shown it already).
    tapped = st.session_state.pop(_DOT_NOTE, None)
    note = tapped["text"] if tapped and not tapped["shown"] else None
    with st.container(key=COUNTER_KEY):
        slot = st.empty()
    with st.container(key=VIEWS_KEY):
        st.pills("Afficher", VOTE_VIEWS, format_func=view_label(sheet), required=True, key=view_key)
    shown = (topic.key, sheet.view, sheet.page)
    previous = st.session_state.get(_LAST_SHOWN)
    st.session_state[_LAST_SHOWN] = shown
    if previous is not None and previous[0] == topic.key and previous != shown:
        scroll_to_views()
    drawn = cards_in_order(sheet)
    card = CardArgs(identity, slot, note, drawn[-1].item_id if drawn else None)
    if not any(sheet.counts.values()):
        st.markdown("Aucune contribution à départager dans ce sujet.")
    elif sheet.view == ALL_QUADRANTS:
        all_quadrants(topic, sheet, card)
    elif sheet.view == MY_DOTS:
        my_dots_view(sheet, card)
    else:
        one_quadrant(topic, sheet, card)
    if not drawn:  # otherwise the last card has drawn it (see vote_card)
        dots_left(slot, sheet.balance, sheet.max_dots_per_item, note)
