"""Participer: a partner joins with the workshop code, writes SWOT items, spends dots, reads results.

Phone first, no account, no auto-refresh. Identity lives in the URL, the session and a cookie
(see ui/participant.py); every action goes through ctg_workshop.participation or voting,
which refuse what the current phase forbids.
"""

from collections.abc import Iterable
from typing import NamedTuple

import streamlit as st

from ctg_workshop.day.participation import (
    ALL_QUADRANTS,
    MY_DOTS,
    PREVIEW_PER_QUADRANT,
    VOTE_VIEWS,
    Identity,
    OwnItem,
    TopicInfo,
    TopicItems,
    VoteChoice,
    VotePage,
    WorkshopInfo,
    add_item,
    closed_results,
    delete_own_item,
    edit_own_item,
    find_workshop,
    join_workshop,
    participant_by_token,
    topic_items_for_participant,
    vote_page,
)
from ctg_workshop.day.voting import DotBalance, add_dot, remove_dot
from ctg_workshop.errors import CtgError, PhaseError
from ctg_workshop.identifiers import new_token, normalize_code
from ctg_workshop.storage.models import Phase, Quadrant
from ctg_workshop.text import ITEM_TEXT_MAX, SHORT_TEXT_MAX
from ctg_workshop.wording import QUADRANT_LABELS, plural
from ui import actions
from ui import participant as ui
from ui.safe import plain

_EDITING = "participer_editing"
_CONFIRM_DELETE = "participer_confirm_delete"
_PENDING_TOKEN = "participer_pending_token"
_JOIN_TYPED = "participer_join_typed"
_JOIN_NAME = "participer_join_name"
_TOPIC = "participer_topic"
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
    """What every vote card of a run shares: who votes, where the dots left go, the last tap."""

    identity: Identity
    slot: object  # the st.empty placeholder of the dots left
    note: str | None


# --- Callbacks (run before the page is drawn again) -------------------------------------------
#
# A tap in a quadrant or on a vote card redraws that fragment only (see ui.participant); each
# callback names the fragments its result shows in.


def quadrant_key(quadrant: str) -> str:
    return f"participer_quadrant_{quadrant}"


def card_fragment_key(item_id: int) -> str:
    return f"participer_card_{item_id}"


def on_add_item(participant_id: int, topic_key: str, quadrant: str, widget_key: str, where: str) -> None:
    text = st.session_state.get(widget_key, "")
    try:
        actions.write(
            lambda s: add_item(
                session=s,
                participant_id=participant_id,
                topic_key=topic_key,
                quadrant=quadrant,
                text=text,
            )
        )
    except PhaseError as error:
        ui.keep_unsaved(where, text)
        ui.flash("top", "error", error.message)
    except CtgError as error:
        ui.flash(widget_key, "error", error.message)
    else:
        ui.clear_field_later(widget_key)
        ui.flash(widget_key, "success", "Contribution ajoutée.")
    ui.redraw_after_tap(quadrant_key(quadrant))


def on_start_edit(item: OwnItem) -> None:
    st.session_state[_EDITING] = item.id
    st.session_state[f"edit_text_{item.id}"] = item.text
    st.session_state.pop(_CONFIRM_DELETE, None)
    ui.redraw_after_tap(quadrant_key(item.quadrant))


def on_cancel_edit(quadrant: str) -> None:
    st.session_state.pop(_EDITING, None)
    ui.redraw_after_tap(quadrant_key(quadrant))


def on_save_edit(participant_id: int, item_id: int, quadrant: str) -> None:
    text = st.session_state.get(f"edit_text_{item_id}", "")
    try:
        actions.write(
            lambda s: edit_own_item(session=s, participant_id=participant_id, item_id=item_id, text=text)
        )
    except PhaseError as error:
        ui.keep_unsaved("Correction", text)
        st.session_state.pop(_EDITING, None)
        ui.flash("top", "error", error.message)
    except CtgError as error:
        ui.flash(f"item_{item_id}", "error", error.message)
    else:
        st.session_state.pop(_EDITING, None)
        ui.flash(f"item_{item_id}", "success", "Correction enregistrée.")
    ui.redraw_after_tap(quadrant_key(quadrant))


def on_ask_delete(item_id: int, quadrant: str) -> None:
    st.session_state[_CONFIRM_DELETE] = item_id
    st.session_state.pop(_EDITING, None)
    ui.redraw_after_tap(quadrant_key(quadrant))


def on_cancel_delete(quadrant: str) -> None:
    st.session_state.pop(_CONFIRM_DELETE, None)
    ui.redraw_after_tap(quadrant_key(quadrant))


def on_delete(participant_id: int, item_id: int, slot: str, quadrant: str) -> None:
    st.session_state.pop(_CONFIRM_DELETE, None)
    try:
        actions.write(lambda s: delete_own_item(session=s, participant_id=participant_id, item_id=item_id))
    except PhaseError as error:
        ui.flash("top", "error", error.message)
    except CtgError as error:
        ui.flash(f"item_{item_id}", "error", error.message)
    else:
        ui.flash(slot, "success", "Contribution supprimée.")
    ui.redraw_after_tap(quadrant_key(quadrant))


def on_change_dots(participant_id: int, item_id: int, more: bool) -> None:
    change = add_dot if more else remove_dot
    st.session_state.pop(_DOT_NOTE, None)
    try:
        balance = actions.write(lambda s: change(session=s, participant_id=participant_id, item_id=item_id))
    except PhaseError as error:
        ui.flash("top", "error", error.message)
    except CtgError as error:
        ui.flash(f"vote_{item_id}", "error", error.message)
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
    ui.redraw_after_tap(card_fragment_key(item_id))


def on_show_view(topic_key: str, view: str) -> None:
    """« Voir les 19 forces »: the quadrant's own view, from its first page."""
    st.session_state[f"{_VIEW}_{topic_key}"] = view
    st.session_state.setdefault(_VIEW_PAGES, {})[topic_key, view] = 0


def on_turn_page(topic_key: str, view: str, page: int) -> None:
    st.session_state.setdefault(_VIEW_PAGES, {})[topic_key, view] = page


# --- Finding the workshop and the participant --------------------------------------------------


def show_code_entry() -> None:
    st.title("Participer à un atelier", anchor=False)
    st.write("Saisissez le code affiché par l'animateur, ou scannez le QR code projeté en salle.")
    with st.form("participer_code"):
        typed = st.text_input("Code de l'atelier", max_chars=20, placeholder="Par exemple : ARM 2023")
        submitted = st.form_submit_button("Continuer", type="primary")
    if submitted:
        try:
            workshop = actions.read(lambda s: find_workshop(session=s, code=typed))
        except CtgError as error:
            st.error(plain(error.message))
        else:
            st.query_params[ui.CODE_PARAM] = workshop.code
            st.rerun()
    for code in ui.remembered_codes():
        if st.button(f"Reprendre l'atelier {code}", key=f"resume_{code}"):
            st.query_params[ui.CODE_PARAM] = code
            st.rerun()


def first_identity(session, candidates: list[str], code: str) -> Identity | None:
    """The participant the first valid token names (the address's, then the cookie's)."""
    for token in candidates:
        identity = participant_by_token(session=session, token=token, code=code)
        if identity is not None:
            return identity
    return None


def resolve_identity(code: str) -> Identity | None:
    candidates = ui.candidate_tokens(code)
    identity = actions.read(lambda s: first_identity(s, candidates, code))
    if identity is not None:
        return identity
    if ui.TOKEN_PARAM in st.query_params:
        del st.query_params[ui.TOKEN_PARAM]
        st.warning("Ce lien de participation n'est plus valable : rejoignez l'atelier de nouveau.")
    return None


def workshop_heading(workshop: WorkshopInfo) -> None:
    st.title(plain(workshop.title), anchor=False)
    st.markdown(
        f"{plain(workshop.territory)} · code **{workshop.code}** · phase : **{workshop.phase_label}**"
    )


def on_join(workshop_code: str) -> None:
    """Join in the button's callback: the same run then draws the participant's page."""
    organisation = st.session_state.get(_JOIN_TYPED) or ""
    token = st.session_state.setdefault(_PENDING_TOKEN, new_token())
    try:
        identity = actions.write(
            lambda s: join_workshop(
                session=s,
                code=workshop_code,
                organisation=organisation,
                name=st.session_state.get(_JOIN_NAME) or "",
                token=token,
            )
        )
    except CtgError as error:
        ui.flash("join", "error", error.message)
    else:
        st.session_state.pop(_PENDING_TOKEN, None)
        ui.remember(identity)


def show_join(workshop: WorkshopInfo) -> None:
    workshop_heading(workshop)
    st.header("Rejoindre l'atelier", anchor=False)
    organisations = ui.organisations_of(workshop.id)
    with st.form("participer_join"):
        # One field: the browser suggests the organisations already there as the partner types
        # (ui.organisation_suggestions), and a new name is taken as typed.
        st.text_input(
            "Votre organisation",
            max_chars=SHORT_TEXT_MAX,
            key=_JOIN_TYPED,
            placeholder="Tapez son nom : celles déjà présentes sont proposées",
            autocomplete="off",
        )
        ui.organisation_suggestions(_JOIN_TYPED, organisations)
        st.text_input("Votre nom (facultatif)", max_chars=SHORT_TEXT_MAX, key=_JOIN_NAME)
        st.markdown(ui.short_privacy_notice(workshop.show_organisations))
        ui.tap_button("Rejoindre l'atelier", on_join, workshop.code, form=True, type="primary")
    ui.show_flash("join")


# --- Topic choice --------------------------------------------------------------------------------


def choose_topic(workshop: WorkshopInfo) -> TopicInfo:
    """The topic picker; the choice is also kept in the URL (`?sujet=…`) for reloads."""
    titles = {topic.key: topic.title for topic in workshop.topics}
    if st.session_state.get(_TOPIC) not in titles:
        requested = st.query_params.get(ui.TOPIC_PARAM)
        st.session_state[_TOPIC] = requested if requested in titles else workshop.topics[0].key
    key = st.selectbox("Sujet d'étude", list(titles), format_func=titles.get, key=_TOPIC)
    if st.query_params.get(ui.TOPIC_PARAM) != key:
        st.query_params[ui.TOPIC_PARAM] = key
    return workshop.topic(key)


def show_topic(topic: TopicInfo, *, expanded: bool) -> None:
    if not (topic.summary or topic.objectives):
        return
    with st.expander("Le sujet en bref", expanded=expanded):
        if topic.summary:
            st.markdown(plain(topic.summary))
        if topic.objectives:
            st.markdown("Objectifs :\n" + "\n".join(f"- {plain(o)}" for o in topic.objectives))


# --- Writing (collect) and reading (group) -------------------------------------------------------


def others_list(items: TopicItems, quadrant: Quadrant) -> None:
    others = items.others_in(quadrant.value)
    with st.expander(f"Contributions des autres partenaires ({len(others)})"):
        if not others:
            st.markdown("Aucune pour l'instant.")
        ui.bullet_list(
            f"{item.text} — {item.organisation}" if item.organisation else item.text for item in others
        )


def add_form(identity: Identity, topic: TopicInfo, quadrant: Quadrant) -> None:
    widget_key = f"new_{topic.key}_{quadrant.value}"
    ui.apply_pending_clear(widget_key)
    with st.form(f"form_{widget_key}", border=False):
        st.text_area(
            ui.NEW_ITEM_LABELS[quadrant],
            key=widget_key,
            height=96,
            placeholder=f"Une idée par contribution, {ITEM_TEXT_MAX} caractères au plus.",
        )
        where = f"{QUADRANT_LABELS[quadrant]} — {topic.title}"
        ui.tap_button(
            ui.ADD_BUTTON_LABELS[quadrant],
            on_add_item,
            identity.participant_id,
            topic.key,
            quadrant.value,
            widget_key,
            where,
            form=True,
            type="primary",
        )
    ui.show_flash(widget_key, quadrant_key(quadrant.value))


def edit_form(identity: Identity, item: OwnItem) -> None:
    ui.mark_transient(quadrant_key(item.quadrant))
    with st.form(f"edit_form_{item.id}", border=False):
        st.text_area("Corriger ma contribution", key=f"edit_text_{item.id}")
        with st.container(horizontal=True):
            ui.tap_button(
                "Enregistrer",
                on_save_edit,
                identity.participant_id,
                item.id,
                item.quadrant,
                form=True,
                type="primary",
            )
            ui.tap_button("Annuler", on_cancel_edit, item.quadrant, form=True)


def own_item_card(identity: Identity, item: OwnItem, *, editable: bool, slot: str) -> None:
    with st.container(border=True):
        if editable and st.session_state.get(_EDITING) == item.id:
            edit_form(identity, item)
        else:
            ui.item_text(item.text)
        if editable and st.session_state.get(_CONFIRM_DELETE) == item.id:
            ui.mark_transient(quadrant_key(item.quadrant))
            st.warning("Supprimer cette contribution ? Elle disparaîtra pour tout le monde.")
            with st.container(horizontal=True):
                ui.tap_button(
                    "Oui, supprimer",
                    on_delete,
                    identity.participant_id,
                    item.id,
                    slot,
                    item.quadrant,
                    key=f"delete_yes_{item.id}",
                    type="primary",
                )
                ui.tap_button("Annuler", on_cancel_delete, item.quadrant, key=f"delete_no_{item.id}")
        elif editable and st.session_state.get(_EDITING) != item.id:
            with st.container(horizontal=True):
                ui.tap_button("Modifier", on_start_edit, item, key=f"edit_{item.id}", icon=":material/edit:")
                ui.tap_button(
                    "Supprimer",
                    on_ask_delete,
                    item.id,
                    item.quadrant,
                    key=f"delete_{item.id}",
                    icon=":material/delete:",
                )
        ui.show_flash(f"item_{item.id}", quadrant_key(item.quadrant))


def quadrant_section(identity: Identity, topic: TopicInfo, quadrant: Quadrant, *, editable: bool) -> None:
    """One SWOT quadrant: its form, the partner's own items, the others'. A fragment: adding,
    correcting or deleting an item redraws this quadrant only."""
    ui.follow_the_page()
    items = actions.read(
        lambda s: topic_items_for_participant(
            session=s,
            participant_id=identity.participant_id,
            topic_key=topic.key,
            quadrant=quadrant.value,
        )
    )
    with st.container(border=True):
        st.header(QUADRANT_LABELS[quadrant], anchor=False)
        st.markdown(ui.QUADRANT_HELP[quadrant])
        if editable:
            add_form(identity, topic, quadrant)
        slot = f"quadrant_{topic.key}_{quadrant.value}"
        ui.show_flash(slot, quadrant_key(quadrant.value))
        mine = items.own_in(quadrant.value)
        if mine:
            st.markdown(f"**Vos contributions ({len(mine)})**")
        for item in mine:
            own_item_card(identity, item, editable=editable, slot=slot)
        others_list(items, quadrant)


def show_items(identity: Identity, topic: TopicInfo, *, editable: bool) -> None:
    for quadrant in Quadrant:
        section = st.fragment(quadrant_section, key=quadrant_key(quadrant.value))
        section(identity, topic, quadrant, editable=editable)


# --- Vote and results -----------------------------------------------------------------------------


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
    identity: Identity, choice: VoteChoice, max_dots: int, slot, balance: DotBalance, page_note: str | None
) -> None:
    """One item open to dots. A fragment: a tap redraws this card and the dots left, in one run.

    Every card writes the dots left into `slot`, in a run of the whole page too: Streamlit lets a
    fragment write outside itself only where it wrote in the last full run, and a browser shows
    nothing there if the page's own body writes into it after the cards (checked in Chromium).
    The last card's copy is the one shown; in a fragment run, the tapped card's. `page_note` is
    what the tap that caused a full run did (a restarted server, AppTest)."""
    ui.follow_the_page()
    if ui.fragment_run() and st.session_state.pop(_REDRAW_VOTE, False):
        st.rerun()  # the whole page, from the database (see on_change_dots)
    my_dots = st.session_state.get(_FRESH_DOTS, {}).get(choice.item_id, choice.my_dots)
    fresh = st.session_state.get(_FRESH_BALANCE)
    if fresh is not None and fresh[0] == balance.topic_id:
        balance = DotBalance(fresh[0], fresh[1], fresh[2], 0)
    why_not = add_refusal(my_dots, max_dots, balance)
    with st.container(border=True):
        ui.item_text(choice.text, choice.organisation)
        ui.member_list(choice.members)
        dots = "●" * my_dots + "○" * (max_dots - my_dots)
        st.markdown(f"Vos points ici : **{my_dots}** sur {max_dots} {dots}")
        with st.container(horizontal=True):
            ui.tap_button(
                "Retirer",
                on_change_dots,
                identity.participant_id,
                choice.item_id,
                False,
                key=f"less_{choice.item_id}",
                icon=":material/remove:",
                disabled=my_dots == 0,
            )
            ui.tap_button(
                "Ajouter un point",
                on_change_dots,
                identity.participant_id,
                choice.item_id,
                True,
                key=f"more_{choice.item_id}",
                icon=":material/add:",
                type="primary",
                disabled=why_not is not None,
            )
        if why_not is not None:
            st.caption(why_not)  # the reason, readable on a phone (a tooltip is not)
        ui.show_flash(f"vote_{choice.item_id}", card_fragment_key(choice.item_id))
    if not ui.fragment_run():
        dots_left(slot, balance, max_dots, page_note)
        return
    note = st.session_state.get(_DOT_NOTE)
    if note is not None:
        note["shown"] = True
    dots_left(slot, balance, max_dots, note and note["text"])


def view_label(sheet: VotePage):
    def label(view: str) -> str:
        if view == ALL_QUADRANTS:
            return "Toutes les cases"
        if view == MY_DOTS:
            return "Mes points"
        return f"{ui.quadrant_label(view)} ({sheet.counts[view]})"

    return label


def draw_cards(sheet: VotePage, choices: Iterable[VoteChoice], card: CardArgs) -> None:
    for choice in choices:
        st.fragment(vote_card, key=card_fragment_key(choice.item_id))(
            card.identity, choice, sheet.max_dots_per_item, card.slot, sheet.balance, card.note
        )


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
            ui.tap_button(
                f"Voir les {ui.quadrant_count(quadrant.value, count)}",
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
    st.header(f"{ui.quadrant_label(sheet.view)} ({count})", anchor=False)
    if not count:
        st.markdown("Aucune contribution dans cette case.")
        return
    last = sheet.first_shown + len(sheet.choices) - 1
    st.markdown(f"Contributions {sheet.first_shown} à {last} sur {count}")
    draw_cards(sheet, sheet.choices, card)
    if sheet.pages > 1:
        st.markdown(f"Page {sheet.page + 1} sur {sheet.pages}")
        with st.container(horizontal=True):
            ui.tap_button(
                "Précédentes",
                on_turn_page,
                topic.key,
                sheet.view,
                sheet.page - 1,
                key="page_previous",
                icon=":material/chevron_left:",
                disabled=sheet.page == 0,
            )
            ui.tap_button(
                "Suivantes",
                on_turn_page,
                topic.key,
                sheet.view,
                sheet.page + 1,
                key="page_next",
                icon=":material/chevron_right:",
                disabled=sheet.page + 1 >= sheet.pages,
            )


def show_vote(identity: Identity, topic: TopicInfo) -> None:
    """The vote: the dots left, a choice of view, and a bounded number of cards (see vote_page)."""
    view_key = f"{_VIEW}_{topic.key}"
    if st.session_state.get(view_key) not in VOTE_VIEWS:
        st.session_state[view_key] = ALL_QUADRANTS
    view = st.session_state[view_key]
    page = st.session_state.get(_VIEW_PAGES, {}).get((topic.key, view), 0)
    sheet = actions.read(
        lambda s: vote_page(
            session=s, participant_id=identity.participant_id, topic_key=topic.key, view=view, page=page
        )
    )
    # A full run reads the database: what the last taps remembered is no longer needed.
    st.session_state.pop(_FRESH_DOTS, None)
    st.session_state.pop(_FRESH_BALANCE, None)
    st.session_state.pop(_REDRAW_VOTE, None)
    # What a tap did, if that tap caused this run (a fragment run has shown it already).
    tapped = st.session_state.pop(_DOT_NOTE, None)
    note = tapped["text"] if tapped and not tapped["shown"] else None
    with st.container(key=ui.COUNTER_KEY):
        slot = st.empty()
    with st.container(key=ui.VIEWS_KEY):
        st.pills("Afficher", VOTE_VIEWS, format_func=view_label(sheet), required=True, key=view_key)
    shown = (topic.key, sheet.view, sheet.page)
    previous = st.session_state.get(_LAST_SHOWN)
    st.session_state[_LAST_SHOWN] = shown
    if previous is not None and previous[0] == topic.key and previous != shown:
        ui.scroll_to_views()
    card = CardArgs(identity, slot, note)
    if not any(sheet.counts.values()):
        st.markdown("Aucune contribution à départager dans ce sujet.")
    elif sheet.view == ALL_QUADRANTS:
        all_quadrants(topic, sheet, card)
    elif sheet.view == MY_DOTS:
        my_dots_view(sheet, card)
    else:
        one_quadrant(topic, sheet, card)
    if not sheet.choices:  # otherwise every card has drawn it (see vote_card)
        dots_left(slot, sheet.balance, sheet.max_dots_per_item, note)


def show_results(workshop: WorkshopInfo, topic: TopicInfo) -> None:
    lines = actions.read(lambda s: closed_results(session=s, workshop_id=workshop.id, topic_key=topic.key))
    if not lines:
        st.markdown("Aucune contribution dans ce sujet.")
    for line in lines:
        with st.container(border=True):
            st.text(f"{line.rank_label}. {line.text}" if line.rank else line.text, width="stretch")
            facts = f"{line.quadrant_label} · {plural(line.dots, 'point')} · {plural(line.voters, 'votant')}"
            st.markdown(f"**{facts}**")
            if line.organisation:
                st.text(f"— {line.organisation}", width="stretch")
            ui.member_list(line.members)


# --- The participant's page -----------------------------------------------------------------------


def show_unsaved() -> None:
    for where, text in list(ui.unsaved_texts().items()):
        with st.container(border=True):
            st.markdown(
                f"**Texte non enregistré** ({plain(where)}) : la phase a changé avant l'envoi. "
                "Copiez-le si vous voulez le garder."
            )
            st.code(text, language=None, wrap_lines=True)
            ui.tap_button("J'ai copié ce texte, l'effacer", ui.dismiss_unsaved, where, key=f"dismiss_{where}")


def show_identity_footer(workshop: WorkshopInfo, identity: Identity) -> None:
    with st.expander("Votre lien personnel et vos données"):
        link = ui.personal_link(identity)
        if link:
            st.markdown(
                "Ce lien vous ramène à vos contributions, sur ce téléphone ou un autre appareil. "
                "Ne le partagez pas : il vous identifie."
            )
            st.code(link, language=None, wrap_lines=True)
        st.markdown(ui.privacy_notice(workshop.show_organisations))
        st.download_button(
            "Télécharger mes données",
            ui.my_data_download(identity),
            file_name=f"mes-donnees-{identity.workshop_code}.json",
            mime="application/json",
            on_click="ignore",
            icon=":material/download:",
            key="my_data",
        )
        ui.tap_button(
            "Ce n'est pas moi : quitter l'atelier sur cet appareil",
            ui.forget,
            identity.workshop_code,
            key="forget",
        )


def show_participant(workshop: WorkshopInfo, identity: Identity) -> None:
    workshop_heading(workshop)
    who = identity.organisation + (f" ({identity.name})" if identity.name else "")
    st.text(f"Vous participez au nom de : {who}", width="stretch")
    st.info(ui.phase_explanation(workshop))
    countdown = ui.countdown_sentence(workshop.timer_ends_at)
    if countdown:
        st.markdown(f":material/timer: {countdown}")
    st.button("Actualiser", icon=":material/refresh:", key="refresh")
    ui.show_flash("top")
    show_unsaved()
    topic = choose_topic(workshop)
    phase = Phase(workshop.phase)
    show_topic(topic, expanded=phase == Phase.COLLECT)
    if phase in (Phase.COLLECT, Phase.GROUP):
        show_items(identity, topic, editable=phase == Phase.COLLECT)
    elif phase == Phase.VOTE:
        show_vote(identity, topic)
    else:
        show_results(workshop, topic)
    show_identity_footer(workshop, identity)


def show_page() -> None:
    code = normalize_code(ui.requested_code())
    if not code:
        show_code_entry()
        return
    try:
        workshop = actions.read(lambda s: find_workshop(session=s, code=code))
    except CtgError as error:
        st.error(plain(error.message))
        show_code_entry()
        return
    identity = resolve_identity(workshop.code)
    if identity is not None:
        ui.remember(identity)
        show_participant(workshop, identity)
    elif workshop.phase == Phase.CLOSED:
        workshop_heading(workshop)
        st.info(ui.phase_explanation(workshop))
        show_results(workshop, choose_topic(workshop))
    else:
        show_join(workshop)


ui.start_page_run()
ui.page_style()
with st.container(key=ui.PAGE_KEY):
    show_page()
ui.cookie_script()
