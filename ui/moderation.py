"""Animer, « Contributions » view: every contribution of a topic, to hide (its dots given back,
after a warning), show again or correct (the original text kept)."""

from __future__ import annotations

import streamlit as st

from ctg_workshop.day.moderation import correct_item, hide_item, item_revisions, moderation_items, unhide_item
from ctg_workshop.storage.models import Quadrant
from ctg_workshop.wording import QUADRANT_LABELS
from ui import actions
from ui.facilitator import act, short, topic_picker
from ui.safe import plain

PENDING_HIDE = "animer_pending_hide"
ALL = "all"


def _hide(workshop_id: int, item_id: int) -> None:
    st.session_state.pop(PENDING_HIDE, None)

    def said(dots: int) -> str:
        return "Contribution masquée." + (f" {dots} points rendus aux votants." if dots else "")

    act(lambda s: hide_item(session=s, workshop_id=workshop_id, item_id=item_id), said)


def _ask_hide(workshop_id: int, item_id: int, dots: int) -> None:
    if dots:
        st.session_state[PENDING_HIDE] = item_id
    else:
        _hide(workshop_id, item_id)


def _unhide(workshop_id: int, item_id: int) -> None:
    act(
        lambda s: unhide_item(session=s, workshop_id=workshop_id, item_id=item_id),
        "Contribution de nouveau visible.",
    )


def _correct(workshop_id: int, item_id: int) -> None:
    text = st.session_state.get(f"correct_text_{item_id}", "")

    def said(changed: bool) -> str:
        return "Correction enregistrée (le texte d'origine est conservé)." if changed else "Texte inchangé."

    act(lambda s: correct_item(session=s, workshop_id=workshop_id, item_id=item_id, text=text), said)


def _item_card(workshop_id: int, item, texts: dict[int, str]) -> None:
    with st.container(border=True, key=f"item_{item.id}"):
        text_column, hide_column, correct_column = st.columns([5.2, 1.4, 1.4], vertical_alignment="center")
        with text_column:
            st.markdown(plain(item.text))
            notes = [QUADRANT_LABELS[Quadrant(item.quadrant)]]
            if item.organisation:
                notes.append(plain(item.organisation))
            if item.hidden:
                notes.append("**masquée**")
            if item.merged_into_id is not None:
                notes.append(
                    "regroupée avec « " + plain(short(texts.get(item.merged_into_id, ""), 60)) + " »"
                )
            if item.members:
                notes.append(f"représente un groupe de {item.members + 1}")
            if item.revisions:
                notes.append(f"corrigée ({item.revisions})")
            st.caption(" · ".join(notes))
        with hide_column:
            if item.hidden:
                st.button(
                    "Afficher",
                    key=f"unhide_{item.id}",
                    on_click=_unhide,
                    args=(
                        workshop_id,
                        item.id,
                    ),
                    width="stretch",
                )
            else:
                st.button(
                    "Masquer",
                    key=f"hide_{item.id}",
                    icon=":material/visibility_off:",
                    on_click=_ask_hide,
                    args=(workshop_id, item.id, item.dots),
                    width="stretch",
                )
        with (
            correct_column,
            st.popover("Corriger", icon=":material/edit:", width="stretch", key=f"correct_popover_{item.id}"),
        ):
            st.text_area("Texte corrigé", value=item.text, key=f"correct_text_{item.id}", max_chars=500)
            st.button(
                "Enregistrer la correction",
                key=f"correct_{item.id}",
                on_click=_correct,
                args=(
                    workshop_id,
                    item.id,
                ),
            )
            if item.revisions:
                revisions = actions.read(
                    lambda s: item_revisions(session=s, workshop_id=workshop_id, item_id=item.id)
                )
                st.caption("Textes précédents :")
                for revision in revisions:
                    st.text(revision.previous_text)
        if st.session_state.get(PENDING_HIDE) == item.id:
            st.warning(
                f"Cette contribution a reçu {item.dots} point{'s' if item.dots > 1 else ''} : en la masquant, "
                "ces votes sont supprimés et les points rendus aux votants, même si vous l'affichez de nouveau."
            )
            left, right = st.columns(2)
            left.button(
                "Masquer quand même",
                key=f"hide_confirm_{item.id}",
                type="primary",
                on_click=_hide,
                args=(
                    workshop_id,
                    item.id,
                ),
            )
            right.button(
                "Annuler",
                key=f"hide_cancel_{item.id}",
                on_click=lambda: st.session_state.pop(PENDING_HIDE, None),
            )


def moderation_panel(*, workshop_id: int, topics: list) -> None:
    """Every contribution of a topic: hide (its dots given back, after a warning), show again, correct."""
    topic_id = topic_picker(topics, "moderation_topic")
    if topic_id is None:
        return
    quadrant_labels = {ALL: "Tous", **{q.value: QUADRANT_LABELS[q] for q in Quadrant}}
    filter_column, hidden_column = st.columns([3, 1], vertical_alignment="bottom")
    quadrant = filter_column.segmented_control(
        "Quadrant",
        list(quadrant_labels),
        default=ALL,
        format_func=quadrant_labels.get,
        key="moderation_quadrant",
    )
    only_hidden = hidden_column.toggle("Masquées seulement", key="moderation_only_hidden")
    items = actions.read(lambda s: moderation_items(session=s, workshop_id=workshop_id, topic_id=topic_id))
    texts = {i.id: i.text for i in items}
    shown = [
        i
        for i in items
        if (quadrant in (None, ALL) or i.quadrant == quadrant) and (i.hidden or not only_hidden)
    ]
    st.caption(f"{len(shown)} contribution{'s' if len(shown) > 1 else ''} (les plus récentes en premier).")
    if not shown:
        st.info("Aucune contribution ici pour l'instant.")
    for item in reversed(shown):
        _item_card(workshop_id, item, texts)
