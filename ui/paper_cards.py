"""Animer › Cartes papier: the facilitator types a phoneless partner's card.

The card's author is a participant already in the workshop or a new one created for the
organisation written on the card (marked « carte papier »). In the collect phase the facilitator
types its items; in the vote phase places its dots, one contribution at a time, within the
card's budget and the per-item cap. Every write goes through `ctg_workshop.day.paper`, under
the partners' own rules; refusals come back in French.
"""

from __future__ import annotations

import textwrap

import streamlit as st

from ctg_workshop.day.ballot import MY_DOTS, vote_page
from ctg_workshop.day.contributions import topic_items_for_participant
from ctg_workshop.day.grouping import topic_groups
from ctg_workshop.day.paper import CardAuthor, add_card_item, card_authors, new_card_author, set_card_dots
from ctg_workshop.storage.models import Phase, Quadrant
from ctg_workshop.wording import PHASE_LABELS, QUADRANT_LABELS
from ui import actions
from ui.facilitator import act
from ui.safe import plain

AUTHOR_KEY = "paper_author"
NEXT_AUTHOR_KEY = "paper_author_next"
NEW = -1  # the « new card » choice of the author list


def _short(text: str, width: int = 90) -> str:
    return textwrap.shorten(" ".join(text.split()), width, placeholder=" …")


def _create_author(workshop_id: int, organisation: str) -> None:
    def said(author: CardAuthor) -> str:
        st.session_state[NEXT_AUTHOR_KEY] = author.participant_id  # chosen at the next run
        return (
            f"Carte papier créée pour « {author.organisation} » : saisissez ses contributions ou ses points."
        )

    if act(lambda s: new_card_author(session=s, workshop_id=workshop_id, organisation=organisation), said):
        st.session_state.pop("paper_new_organisation", None)


def _author_picker(workshop_id: int) -> CardAuthor | None:
    """The author list (paper cards first), with « Nouvelle carte papier… » to create one."""
    authors = actions.read(lambda s: card_authors(session=s, workshop_id=workshop_id))
    by_id = {a.participant_id: a for a in authors}
    if NEXT_AUTHOR_KEY in st.session_state:  # a card just created: select it
        st.session_state[AUTHOR_KEY] = st.session_state.pop(NEXT_AUTHOR_KEY)
    if st.session_state.get(AUTHOR_KEY) not in (*by_id, NEW):
        st.session_state.pop(AUTHOR_KEY, None)
    labels = {NEW: "Nouvelle carte papier…", **{i: a.label for i, a in by_id.items()}}
    chosen = st.selectbox(
        "Auteur de la carte",
        list(labels),
        format_func=labels.get,
        index=None,
        key=AUTHOR_KEY,
        placeholder="Choisissez un participant ou une nouvelle carte papier",
        help="Une carte papier remplie à une table, ou un partenaire dont le téléphone est déchargé.",
    )
    if chosen == NEW:
        with st.form("paper_new", border=True):
            organisation = st.text_input(
                "Organisation écrite sur la carte",
                max_chars=120,
                key="paper_new_organisation",
                help="Une organisation déjà présente, écrite avec d'autres majuscules ou espaces, "
                "est reprise avec son orthographe.",
            )
            if st.form_submit_button("Créer la carte papier", type="primary"):
                _create_author(workshop_id, organisation)
                st.rerun()
        return None
    return by_id.get(chosen) if chosen is not None else None


def _collect(workshop_id: int, author: CardAuthor, topic_key: str) -> None:
    """Type the card's items, then list those already typed for this topic."""
    with st.form("paper_item", border=True):
        quadrant = st.selectbox(
            "Case de la matrice",
            [q.value for q in Quadrant],
            format_func=lambda q: QUADRANT_LABELS[Quadrant(q)],
            key="paper_item_quadrant",
        )
        text = st.text_area("Contribution écrite sur la carte", max_chars=500, key="paper_item_text")
        submitted = st.form_submit_button("Ajouter la contribution", type="primary")
    if submitted:
        added = act(
            lambda s: add_card_item(
                session=s,
                workshop_id=workshop_id,
                participant_id=author.participant_id,
                topic_key=topic_key,
                quadrant=quadrant,
                text=text,
            ),
            f"Contribution ajoutée pour « {author.organisation} ».",
        )
        if added:
            st.session_state.pop("paper_item_text", None)  # an empty field for the card's next item
        st.rerun()
    own = actions.read(
        lambda s: topic_items_for_participant(
            session=s, participant_id=author.participant_id, topic_key=topic_key
        )
    ).own
    st.caption(f"Déjà saisies sur ce sujet pour cette carte : {len(own)}.")
    for item in own:
        with st.container(border=True, key=f"paper_own_{item.id}"):
            st.text(item.text)
            st.caption(QUADRANT_LABELS[Quadrant(item.quadrant)])


def _vote(workshop_id: int, author: CardAuthor, topic_id: int, topic_key: str) -> None:
    """Place the card's dots: one contribution, how many dots; the card's balance and its dots."""
    page, groups = actions.read(
        lambda s: (
            vote_page(session=s, participant_id=author.participant_id, topic_key=topic_key, view=MY_DOTS),
            topic_groups(session=s, workshop_id=workshop_id, topic_id=topic_id),
        )
    )
    st.markdown(
        f"Points de la carte sur ce sujet : **{page.balance.sentence()}** "
        f"(au plus {page.max_dots_per_item} par contribution)."
    )
    labels = {g.id: f"{QUADRANT_LABELS[Quadrant(g.quadrant)]} — {_short(g.text)}" for g in groups}
    mine = {choice.item_id: choice.my_dots for choice in page.choices}
    with st.form("paper_dots", border=True):
        item_id = st.selectbox(
            "Contribution choisie sur la carte",
            list(labels),
            format_func=labels.get,
            index=None,
            key="paper_dots_item",
            placeholder="Tapez quelques mots pour la retrouver",
        )
        dots = st.number_input(
            "Nombre de points de la carte sur cette contribution (0 pour les retirer)",
            min_value=0,
            max_value=page.max_dots_per_item,
            value=1,
            step=1,
            key="paper_dots_number",
        )
        submitted = st.form_submit_button("Enregistrer les points", type="primary")
    if submitted:
        if item_id is None:
            st.error("Choisissez la contribution sur laquelle la carte place ses points.")
        else:
            placed = act(
                lambda s: set_card_dots(
                    session=s,
                    workshop_id=workshop_id,
                    participant_id=author.participant_id,
                    item_id=item_id,
                    dots=int(dots),
                ),
                lambda balance: (
                    f"Points enregistrés : {balance.on_item} sur cette contribution, {balance.sentence()}."
                ),
            )
            if placed:
                st.session_state.pop("paper_dots_item", None)
            st.rerun()
    if mine:
        st.caption("Points déjà placés par cette carte sur ce sujet :")
        for choice in page.choices:
            st.text(f"{choice.my_dots} point{'s' if choice.my_dots > 1 else ''} — {_short(choice.text)}")


def paper_cards_panel(*, workshop_id: int, phase: Phase, topics) -> None:
    """The whole « Cartes papier » view of page Animer."""
    st.caption(
        "Pour un partenaire sans téléphone : saisissez sa carte papier. Ses contributions et ses points "
        "comptent comme les autres, avec les mêmes règles (phase, budget de points, plafond par contribution)."
    )
    if phase not in (Phase.COLLECT, Phase.VOTE):
        st.info(
            f"L'atelier est en phase « {PHASE_LABELS[phase]} » : les contributions se saisissent pendant "
            "le recueil, les points pendant le vote."
        )
    author = _author_picker(workshop_id)
    if author is None or phase not in (Phase.COLLECT, Phase.VOTE):
        return
    if not topics:
        st.info("Aucun sujet d'étude : ajoutez-en sur la page « Préparer ».")
        return
    titles = {t.id: t.title for t in topics}
    topic_id = st.selectbox("Sujet d'étude", list(titles), format_func=titles.get, key="paper_topic")
    topic_key = next(t.key for t in topics if t.id == topic_id)
    st.subheader(f"Carte de « {plain(author.organisation)} »", anchor=False)
    if phase == Phase.COLLECT:
        _collect(workshop_id, author, topic_key)
    else:
        _vote(workshop_id, author, topic_id, topic_key)
