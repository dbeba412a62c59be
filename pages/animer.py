"""Animer: run the room. Phases (with a plain confirmation), countdown, links, moderation, duplicates."""

import textwrap

import streamlit as st

from ctg_workshop.access import renew_view_token
from ctg_workshop.day.grouping import (
    dissolve_group,
    merge_items,
    reject_suggestion,
    suggest_duplicates,
    topic_groups,
    unmerge_item,
)
from ctg_workshop.day.moderation import correct_item, hide_item, item_revisions, moderation_items, unhide_item
from ctg_workshop.day.phases import (
    PHASE_ORDER,
    PHASE_RULES,
    change_phase,
    countdown_from,
    describe_change,
    is_backwards,
    start_timer,
    stop_timer,
    workshop_state,
)
from ctg_workshop.documents.poster import PosterData, build_poster
from ctg_workshop.preparation.workshops import topic_list
from ctg_workshop.storage.models import Phase, Quadrant
from ctg_workshop.wording import PHASE_LABELS, QUADRANT_LABELS
from ui import actions
from ui.auth import require_facilitator
from ui.countdown import announce
from ui.facilitator import act, flash, show_flash
from ui.paper_cards import paper_cards_panel
from ui.projection import partner_url, projection_url
from ui.safe import plain

PENDING_PHASE = "animer_pending_phase"
PENDING_HIDE = "animer_pending_hide"
ALL = "all"
PHASE_BUTTONS = {
    Phase.COLLECT: "Recueil",
    Phase.GROUP: "Regroupement",
    Phase.VOTE: "Vote",
    Phase.CLOSED: "Clôture",
}

workshop_id = require_facilitator()
state, topics = actions.read(
    lambda s: (
        workshop_state(session=s, workshop_id=workshop_id),
        topic_list(session=s, workshop_id=workshop_id),
    )
)

st.title(f"Animer l'atelier {state.code}", anchor=False)
st.caption(f"{plain(state.title)} · {plain(state.territory)} · Phase : **{PHASE_LABELS[state.phase]}**")
show_flash()


# --------------------------------------------------------------------------- phases


def _ask_phase(phase: Phase) -> None:
    st.session_state[PENDING_PHASE] = phase.value


def _cancel_phase() -> None:
    st.session_state.pop(PENDING_PHASE, None)


def _confirm_phase(phase: Phase, clear_votes: bool) -> None:
    st.session_state.pop(PENDING_PHASE, None)

    def success(change) -> str:
        said = f"Phase « {PHASE_LABELS[change.current]} » ouverte."
        if change.votes_cleared:
            said += f" {change.votes_cleared} votes effacés."
        return said

    act(
        lambda s: change_phase(session=s, workshop_id=workshop_id, phase=phase, clear_votes=clear_votes),
        success,
    )


def phase_panel() -> None:
    st.header("Phase de l'atelier", anchor=False)
    columns = st.columns(len(PHASE_ORDER))
    for column, phase in zip(columns, PHASE_ORDER, strict=True):
        current = phase == state.phase
        column.button(
            f"{PHASE_ORDER.index(phase) + 1}. {PHASE_BUTTONS[phase]}" + (" (en cours)" if current else ""),
            key=f"phase_{phase.value}",
            type="primary" if current else "secondary",
            help=PHASE_LABELS[phase] + " : " + PHASE_RULES[phase],
            icon=":material/check:" if current else None,
            width="stretch",
            on_click=None if current else _ask_phase,
            args=None if current else (phase,),
        )
    st.caption(PHASE_RULES[state.phase])
    pending = st.session_state.get(PENDING_PHASE)
    if pending is None or Phase(pending) == state.phase:
        return
    target = Phase(pending)
    with st.container(border=True, key="phase_confirmation"):
        message = describe_change(state.phase, target, votes=state.votes)
        (st.warning if is_backwards(state.phase, target) else st.info)(message)
        clear = False
        if target in (Phase.COLLECT, Phase.GROUP) and state.votes:
            clear = st.checkbox(
                f"Effacer aussi les {state.votes} votes déjà enregistrés (définitif)", key="phase_clear_votes"
            )
        left, right = st.columns(2)
        left.button(
            f"Confirmer : passer à « {PHASE_LABELS[target]} »",
            key="phase_confirm",
            type="primary",
            on_click=_confirm_phase,
            args=(target, clear),
        )
        right.button("Annuler", key="phase_cancel", on_click=_cancel_phase)


# --------------------------------------------------------------------------- countdown and links


def timer_panel() -> None:
    running = countdown_from(state.timer_ends_at)
    minutes_column, start_column, stop_column, state_column = st.columns(
        [1.6, 0.9, 0.9, 3], vertical_alignment="bottom"
    )
    minutes = minutes_column.number_input("Compte à rebours (minutes)", 1, 240, 10, key="timer_minutes")
    if start_column.button("Lancer", key="timer_start", icon=":material/timer:"):
        act(
            lambda s: start_timer(session=s, workshop_id=workshop_id, minutes=minutes),
            f"Compte à rebours lancé : {minutes} minutes.",
        )
        st.rerun()
    if stop_column.button("Arrêter", key="timer_stop", disabled=running is None):
        act(lambda s: stop_timer(session=s, workshop_id=workshop_id), "Compte à rebours arrêté.")
        st.rerun()
    if running is not None:
        with state_column:
            st.fragment(_remaining, run_every=1)()


def _remaining() -> None:
    """The countdown as the room sees it, ticking every second (no query: the end time is known)."""
    running = countdown_from(state.timer_ends_at)
    if running is not None:
        st.markdown("Temps écoulé." if running.finished else f"Temps restant : **{running.clock}**")
        announce(running)  # for screen readers: once a minute, not every second


def links_panel() -> None:
    """In the sidebar: the partners' link (what the QR code opens) and the projection link."""
    with st.sidebar:
        st.markdown("**Lien des partenaires** (le QR code projeté) :")
        link = partner_url(state.code)
        st.code(link, language=None, wrap_lines=True)
        poster = PosterData(title=state.title, territory=state.territory, code=state.code, partner_url=link)
        st.download_button(
            "Affiche à imprimer pour les tables",
            lambda: build_poster(poster),  # drawn on the click, not at every run of the page
            file_name=f"affiche-{state.code}.docx",
            mime="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            icon=":material/print:",
            help="Une page A4 : le QR code, le code de l'atelier en grand, l'adresse et trois consignes.",
        )
        st.markdown("**Projection**, sur le PC de la salle (lecture seule, sans phrase secrète) :")
        if state.view_token:
            st.code(projection_url(state.view_token), language=None, wrap_lines=True)
            st.link_button("Ouvrir la projection", projection_url(state.view_token), icon=":material/tv:")
        if st.button(
            "Renouveler le lien de projection",
            key="renew_view_token",
            help="L'ancien lien cessera de marcher.",
        ):
            act(
                lambda s: renew_view_token(session=s, workshop_id=workshop_id),
                "Nouveau lien de projection créé.",
            )
            st.rerun()


# --------------------------------------------------------------------------- moderation


def _short(text: str, width: int = 90) -> str:
    return textwrap.shorten(" ".join(text.split()), width, placeholder=" …")


def _topic_picker(key: str) -> int | None:
    if not topics:
        st.info("Aucun sujet d'étude : ajoutez-en sur la page « Préparer ».")
        return None
    titles = {t.id: f"{t.title} ({t.items})" for t in topics}
    return st.selectbox("Sujet d'étude", list(titles), format_func=titles.get, key=key)


def _hide(item_id: int) -> None:
    st.session_state.pop(PENDING_HIDE, None)

    def said(dots: int) -> str:
        return "Contribution masquée." + (f" {dots} points rendus aux votants." if dots else "")

    act(lambda s: hide_item(session=s, workshop_id=workshop_id, item_id=item_id), said)


def _ask_hide(item_id: int, dots: int) -> None:
    if dots:
        st.session_state[PENDING_HIDE] = item_id
    else:
        _hide(item_id)


def _unhide(item_id: int) -> None:
    act(
        lambda s: unhide_item(session=s, workshop_id=workshop_id, item_id=item_id),
        "Contribution de nouveau visible.",
    )


def _correct(item_id: int) -> None:
    text = st.session_state.get(f"correct_text_{item_id}", "")

    def said(changed: bool) -> str:
        return "Correction enregistrée (le texte d'origine est conservé)." if changed else "Texte inchangé."

    act(lambda s: correct_item(session=s, workshop_id=workshop_id, item_id=item_id, text=text), said)


def _item_card(item, texts: dict[int, str]) -> None:
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
                    "regroupée avec « " + plain(_short(texts.get(item.merged_into_id, ""), 60)) + " »"
                )
            if item.members:
                notes.append(f"représente un groupe de {item.members + 1}")
            if item.revisions:
                notes.append(f"corrigée ({item.revisions})")
            st.caption(" · ".join(notes))
        with hide_column:
            if item.hidden:
                st.button(
                    "Afficher", key=f"unhide_{item.id}", on_click=_unhide, args=(item.id,), width="stretch"
                )
            else:
                st.button(
                    "Masquer",
                    key=f"hide_{item.id}",
                    icon=":material/visibility_off:",
                    on_click=_ask_hide,
                    args=(item.id, item.dots),
                    width="stretch",
                )
        with (
            correct_column,
            st.popover("Corriger", icon=":material/edit:", width="stretch", key=f"correct_popover_{item.id}"),
        ):
            st.text_area("Texte corrigé", value=item.text, key=f"correct_text_{item.id}", max_chars=500)
            st.button(
                "Enregistrer la correction", key=f"correct_{item.id}", on_click=_correct, args=(item.id,)
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
                args=(item.id,),
            )
            right.button(
                "Annuler",
                key=f"hide_cancel_{item.id}",
                on_click=lambda: st.session_state.pop(PENDING_HIDE, None),
            )


def moderation_panel() -> None:
    topic_id = _topic_picker("moderation_topic")
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
        _item_card(item, texts)


# --------------------------------------------------------------------------- duplicates


def _merge(item_id: int, into_id: int) -> None:
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


def _reject(first_id: int, second_id: int) -> None:
    act(
        lambda s: reject_suggestion(
            session=s, workshop_id=workshop_id, first_id=first_id, second_id=second_id
        ),
        "Suggestion écartée : elle ne sera plus proposée.",
    )


def _unmerge(item_id: int) -> None:
    act(
        lambda s: unmerge_item(session=s, workshop_id=workshop_id, item_id=item_id),
        "Contribution sortie du groupe (les votes restent sur le représentant).",
    )


def _dissolve(item_id: int) -> None:
    act(
        lambda s: dissolve_group(session=s, workshop_id=workshop_id, representative_id=item_id),
        "Groupe défait (les votes restent sur l'ancien représentant).",
    )


def _manual_merge() -> None:
    item_id = st.session_state.get("manual_merge_item")
    into_id = st.session_state.get("manual_merge_into")
    if item_id is None or into_id is None:
        flash("error", "Choisissez les deux contributions à regrouper.")
        return
    _merge(item_id, into_id)


def grouping_panel() -> None:
    topic_id = _topic_picker("grouping_topic")
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
                args=(s.merge_id, s.keep_id),
                icon=":material/join:",
            )
            right.button(
                "Ce ne sont pas des doublons",
                key=f"reject_{s.keep_id}_{s.merge_id}",
                on_click=_reject,
                args=(s.keep_id, s.merge_id),
            )

    st.subheader("Regrouper à la main", anchor=False)
    labels = {g.id: f"{QUADRANT_LABELS[Quadrant(g.quadrant)]} — {_short(g.text, 80)}" for g in groups}
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
    st.button("Regrouper ces deux contributions", key="manual_merge", on_click=_manual_merge)

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
                    args=(member_id,),
                    width="stretch",
                )
            st.button(
                "Défaire tout le groupe", key=f"dissolve_{group.id}", on_click=_dissolve, args=(group.id,)
            )


# --------------------------------------------------------------------------- page

phase_panel()
timer_panel()
links_panel()

st.divider()
# Only the chosen panel runs (duplicate suggestions are computed only when looked at).
views = {
    "moderation": "Contributions (masquer, corriger)",
    "grouping": "Doublons (regrouper)",
    "paper": "Cartes papier (saisir)",
}
view = st.segmented_control(
    "Vue", list(views), default="moderation", format_func=views.get, key="animer_view"
)
if view == "grouping":
    grouping_panel()
elif view == "paper":
    paper_cards_panel(workshop_id=workshop_id, phase=state.phase, topics=topics)
else:
    moderation_panel()
