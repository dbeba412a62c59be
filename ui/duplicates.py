"""Animer, « Doublons » view: probable duplicates to merge or dismiss, merging by hand, the
groups and their members (out of a group, or the whole group undone)."""

from __future__ import annotations

import streamlit as st

from ctg_workshop.day.grouping import (
    dissolve_group,
    merge_items,
    reject_suggestion,
    suggest_duplicates,
    topic_groups,
    unmerge_item,
)
from ctg_workshop.storage.models import Quadrant
from ctg_workshop.wording import QUADRANT_LABELS
from ui import actions
from ui.facilitator import act, flash, short, topic_picker
from ui.safe import plain


def _merge(workshop_id: int, item_id: int, into_id: int) -> None:
    def said(result) -> str:
        parts = ["Contributions regroupées."]
        if result.members_moved:
            parts.append(f"{result.members_moved} contribution(s) du groupe suivent.")
        if result.votes_moved:
            parts.append("Les votes comptent désormais sur le représentant du groupe.")
        if result.dots_returned:
            parts.append(f"{result.dots_returned} point(s) au-delà du plafond rendu(s) aux votants.")
        return " ".join(parts)

    act(lambda s: merge_items(session=s, workshop_id=workshop_id, item_id=item_id, into_id=into_id), said)


def _reject(workshop_id: int, first_id: int, second_id: int) -> None:
    act(
        lambda s: reject_suggestion(
            session=s, workshop_id=workshop_id, first_id=first_id, second_id=second_id
        ),
        "Suggestion écartée : elle ne sera plus proposée.",
    )


def _unmerge(workshop_id: int, item_id: int) -> None:
    act(
        lambda s: unmerge_item(session=s, workshop_id=workshop_id, item_id=item_id),
        "Contribution sortie du groupe (les votes restent sur le représentant).",
    )


def _dissolve(workshop_id: int, item_id: int) -> None:
    act(
        lambda s: dissolve_group(session=s, workshop_id=workshop_id, representative_id=item_id),
        "Groupe défait (les votes restent sur l'ancien représentant).",
    )


def _manual_merge(workshop_id: int) -> None:
    item_id = st.session_state.get("manual_merge_item")
    into_id = st.session_state.get("manual_merge_into")
    if item_id is None or into_id is None:
        flash("error", "Choisissez les deux contributions à regrouper.")
        return
    _merge(workshop_id, item_id, into_id)


def grouping_panel(*, workshop_id: int, topics: list) -> None:
    """Probable duplicates to merge or dismiss, merging by hand, the groups and their members."""
    topic_id = topic_picker(topics, "grouping_topic")
    if topic_id is None:
        return
    suggestions, groups = actions.read(
        lambda s: (
            suggest_duplicates(session=s, workshop_id=workshop_id, topic_id=topic_id),
            topic_groups(session=s, workshop_id=workshop_id, topic_id=topic_id),
        )
    )
    st.subheader("Doublons probables", anchor=False)
    if not suggestions:
        st.info("Aucun doublon probable dans ce sujet.")
    for s in suggestions:
        with st.container(border=True, key=f"suggestion_{s.keep_id}_{s.merge_id}"):
            st.caption(f"{QUADRANT_LABELS[Quadrant(s.quadrant)]} · ressemblance {s.score} %")
            st.markdown(f"**Garder :** {plain(s.keep_text)}  \n**Regrouper :** {plain(s.merge_text)}")
            left, right = st.columns(2)
            left.button(
                "Regrouper",
                key=f"accept_{s.keep_id}_{s.merge_id}",
                type="primary",
                on_click=_merge,
                args=(workshop_id, s.merge_id, s.keep_id),
                icon=":material/join:",
            )
            right.button(
                "Ce ne sont pas des doublons",
                key=f"reject_{s.keep_id}_{s.merge_id}",
                on_click=_reject,
                args=(workshop_id, s.keep_id, s.merge_id),
            )

    st.subheader("Regrouper à la main", anchor=False)
    labels = {g.id: f"{QUADRANT_LABELS[Quadrant(g.quadrant)]} — {short(g.text, 80)}" for g in groups}
    left, right = st.columns(2)
    left.selectbox(
        "Contribution à regrouper",
        list(labels),
        format_func=labels.get,
        index=None,
        key="manual_merge_item",
        placeholder="Choisissez une contribution",
    )
    chosen = st.session_state.get("manual_merge_item")
    quadrant = next((g.quadrant for g in groups if g.id == chosen), None)
    targets = [g.id for g in groups if g.id != chosen and (quadrant is None or g.quadrant == quadrant)]
    right.selectbox(
        "avec (elle rejoint son groupe)",
        targets,
        format_func=labels.get,
        index=None,
        key="manual_merge_into",
        placeholder="Choisissez la contribution qui représentera le groupe",
    )
    st.button(
        "Regrouper ces deux contributions", key="manual_merge", on_click=_manual_merge, args=(workshop_id,)
    )

    grouped = [g for g in groups if g.members]
    st.subheader(f"Groupes ({len(grouped)})", anchor=False)
    for group in grouped:
        with st.container(border=True, key=f"group_{group.id}"):
            st.markdown(f"**{plain(group.text)}**")
            st.caption(QUADRANT_LABELS[Quadrant(group.quadrant)])
            for member_id, text, _organisation in group.members:
                text_column, button_column = st.columns([5, 2], vertical_alignment="center")
                text_column.markdown("↳ " + plain(text))
                button_column.button(
                    "Sortir du groupe",
                    key=f"unmerge_{member_id}",
                    on_click=_unmerge,
                    args=(
                        workshop_id,
                        member_id,
                    ),
                    width="stretch",
                )
            st.button(
                "Défaire tout le groupe",
                key=f"dissolve_{group.id}",
                on_click=_dissolve,
                args=(
                    workshop_id,
                    group.id,
                ),
            )
