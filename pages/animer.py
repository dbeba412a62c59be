"""Animer: run the room. Phases (with a plain confirmation), countdown, links, moderation, duplicates."""

import streamlit as st

from ctg_workshop.access import renew_view_token
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
from ctg_workshop.storage.models import Phase
from ctg_workshop.wording import PHASE_LABELS
from ui import actions
from ui.auth import require_facilitator
from ui.countdown import announce
from ui.duplicates import grouping_panel
from ui.facilitator import act, show_flash
from ui.moderation import moderation_panel
from ui.paper_cards import paper_cards_panel
from ui.projection import partner_url, projection_url
from ui.safe import plain

PENDING_PHASE = "animer_pending_phase"
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
    grouping_panel(workshop_id=workshop_id, topics=topics)
elif view == "paper":
    paper_cards_panel(workshop_id=workshop_id, phase=state.phase, topics=topics)
else:
    moderation_panel(workshop_id=workshop_id, topics=topics)
