"""Writing (collect) and reading (group): the topic's four SWOT quadrants, each a fragment a
tap redraws alone; the partner's own items with « Modifier » and « Supprimer », the others'.

A tap runs its action in the button's callback, before the fragment is drawn again (see
`ui.partner.taps`), and names the fragments its result shows in.
"""

from __future__ import annotations

import streamlit as st

from ctg_workshop.day.contributions import (
    OwnItem,
    TopicItems,
    add_item,
    delete_own_item,
    edit_own_item,
    topic_items_for_participant,
)
from ctg_workshop.day.joining import Identity, TopicInfo
from ctg_workshop.errors import CtgError, PhaseError
from ctg_workshop.storage.models import Quadrant
from ctg_workshop.text import ITEM_TEXT_MAX
from ctg_workshop.wording import QUADRANT_LABELS
from ui import actions
from ui.partner.memo import memo
from ui.partner.messages import keep_unsaved, show_message
from ui.partner.taps import (
    apply_pending_clear,
    clear_field_later,
    follow_the_page,
    fragment_run,
    mark_transient,
    redraw_after_tap,
    tap_button,
)
from ui.partner.text import bullet_list, item_text
from ui.partner.wording import ADD_BUTTON_LABELS, NEW_ITEM_LABELS, QUADRANT_HELP

_EDITING = "participer_editing"
_CONFIRM_DELETE = "participer_confirm_delete"


def quadrant_key(quadrant: str) -> str:
    return f"participer_quadrant_{quadrant}"


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
        keep_unsaved(where, text)
        actions.say("top", "error", error.message)
    except CtgError as error:
        actions.say(widget_key, "error", error.message)
    else:
        clear_field_later(widget_key)
        actions.say(widget_key, "success", "Contribution ajoutée.")
    redraw_after_tap(quadrant_key(quadrant))


def on_start_edit(item: OwnItem) -> None:
    kept = memo()
    kept[_EDITING] = item.id
    st.session_state[f"edit_text_{item.id}"] = item.text
    kept.pop(_CONFIRM_DELETE, None)
    redraw_after_tap(quadrant_key(item.quadrant))


def on_cancel_edit(quadrant: str) -> None:
    memo().pop(_EDITING, None)
    redraw_after_tap(quadrant_key(quadrant))


def on_save_edit(participant_id: int, item_id: int, quadrant: str) -> None:
    text = st.session_state.get(f"edit_text_{item_id}", "")
    try:
        actions.write(
            lambda s: edit_own_item(session=s, participant_id=participant_id, item_id=item_id, text=text)
        )
    except PhaseError as error:
        keep_unsaved("Correction", text)
        memo().pop(_EDITING, None)
        actions.say("top", "error", error.message)
    except CtgError as error:
        actions.say(f"item_{item_id}", "error", error.message)
    else:
        memo().pop(_EDITING, None)
        actions.say(f"item_{item_id}", "success", "Correction enregistrée.")
    redraw_after_tap(quadrant_key(quadrant))


def on_ask_delete(item_id: int, quadrant: str) -> None:
    kept = memo()
    kept[_CONFIRM_DELETE] = item_id
    kept.pop(_EDITING, None)
    redraw_after_tap(quadrant_key(quadrant))


def on_cancel_delete(quadrant: str) -> None:
    memo().pop(_CONFIRM_DELETE, None)
    redraw_after_tap(quadrant_key(quadrant))


def on_delete(participant_id: int, item_id: int, slot: str, quadrant: str) -> None:
    memo().pop(_CONFIRM_DELETE, None)
    try:
        actions.write(lambda s: delete_own_item(session=s, participant_id=participant_id, item_id=item_id))
    except PhaseError as error:
        actions.say("top", "error", error.message)
    except CtgError as error:
        actions.say(f"item_{item_id}", "error", error.message)
    else:
        actions.say(slot, "success", "Contribution supprimée.")
    redraw_after_tap(quadrant_key(quadrant))


# --- The quadrants -------------------------------------------------------------------------------


def others_list(items: TopicItems, quadrant: Quadrant) -> None:
    others = items.others_in(quadrant.value)
    with st.expander(f"Contributions des autres partenaires ({len(others)})"):
        if not others:
            st.markdown("Aucune pour l'instant.")
        bullet_list(
            f"{item.text} — {item.organisation}" if item.organisation else item.text for item in others
        )


def add_form(identity: Identity, topic: TopicInfo, quadrant: Quadrant) -> None:
    widget_key = f"new_{topic.key}_{quadrant.value}"
    apply_pending_clear(widget_key)
    with st.form(f"form_{widget_key}", border=False):
        st.text_area(
            NEW_ITEM_LABELS[quadrant],
            key=widget_key,
            height=96,
            placeholder=f"Une idée par contribution, {ITEM_TEXT_MAX} caractères au plus.",
        )
        where = f"{QUADRANT_LABELS[quadrant]} — {topic.title}"
        tap_button(
            ADD_BUTTON_LABELS[quadrant],
            on_add_item,
            identity.participant_id,
            topic.key,
            quadrant.value,
            widget_key,
            where,
            form=True,
            type="primary",
        )
    show_message(widget_key, quadrant_key(quadrant.value))


def edit_form(identity: Identity, item: OwnItem) -> None:
    mark_transient(quadrant_key(item.quadrant))
    with st.form(f"edit_form_{item.id}", border=False):
        st.text_area("Corriger ma contribution", key=f"edit_text_{item.id}")
        with st.container(horizontal=True):
            tap_button(
                "Enregistrer",
                on_save_edit,
                identity.participant_id,
                item.id,
                item.quadrant,
                form=True,
                type="primary",
            )
            tap_button("Annuler", on_cancel_edit, item.quadrant, form=True)


def own_item_card(identity: Identity, item: OwnItem, *, editable: bool, slot: str) -> None:
    kept = memo()
    with st.container(border=True):
        if editable and kept.get(_EDITING) == item.id:
            edit_form(identity, item)
        else:
            item_text(item.text)
        if editable and kept.get(_CONFIRM_DELETE) == item.id:
            mark_transient(quadrant_key(item.quadrant))
            st.warning("Supprimer cette contribution ? Elle disparaîtra pour tout le monde.")
            with st.container(horizontal=True):
                tap_button(
                    "Oui, supprimer",
                    on_delete,
                    identity.participant_id,
                    item.id,
                    slot,
                    item.quadrant,
                    key=f"delete_yes_{item.id}",
                    type="primary",
                )
                tap_button("Annuler", on_cancel_delete, item.quadrant, key=f"delete_no_{item.id}")
        elif editable and kept.get(_EDITING) != item.id:
            with st.container(horizontal=True):
                tap_button("Modifier", on_start_edit, item, key=f"edit_{item.id}", icon=":material/edit:")
                tap_button(
                    "Supprimer",
                    on_ask_delete,
                    item.id,
                    item.quadrant,
                    key=f"delete_{item.id}",
                    icon=":material/delete:",
                )
        show_message(f"item_{item.id}", quadrant_key(item.quadrant))


def quadrant_section(
    identity: Identity, topic: TopicInfo, quadrant: Quadrant, items: TopicItems, *, editable: bool
) -> None:
    """One SWOT quadrant: its form, the partner's own items, the others'. A fragment: adding,
    correcting or deleting an item redraws this quadrant only.

    `items` are the topic's, read with the whole page (`partner_screen`); a run of this fragment
    alone reads its quadrant again (the items it was given are those of the last full run)."""
    follow_the_page()
    if fragment_run():
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
        st.markdown(QUADRANT_HELP[quadrant])
        if editable:
            add_form(identity, topic, quadrant)
        slot = f"quadrant_{topic.key}_{quadrant.value}"
        show_message(slot, quadrant_key(quadrant.value))
        mine = items.own_in(quadrant.value)
        if mine:
            st.markdown(f"**Vos contributions ({len(mine)})**")
        for item in mine:
            own_item_card(identity, item, editable=editable, slot=slot)
        others_list(items, quadrant)


def show_items(identity: Identity, topic: TopicInfo, items: TopicItems, *, editable: bool) -> None:
    for quadrant in Quadrant:
        section = st.fragment(quadrant_section, key=quadrant_key(quadrant.value))
        section(identity, topic, quadrant, items, editable=editable)
