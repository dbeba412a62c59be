"""The partner's screen of a workshop, drawn from one `PartnerScreen` (read in one transaction):
the heading, what the phase lets them do, the topic picker, the phase's part, their own link and
data; or, once the workshop is closed, the ranking for anyone."""

from __future__ import annotations

import streamlit as st
from streamlit.elements.lib.mutable_expander_container import ExpanderContainer

from ctg_workshop.day.ballot import ResultLine
from ctg_workshop.day.joining import Identity, TopicInfo, WorkshopInfo
from ctg_workshop.day.partner_screen import PartnerScreen
from ctg_workshop.storage.models import Phase
from ctg_workshop.wording import plural
from ui.partner.collect import show_items
from ui.partner.entry import workshop_heading
from ui.partner.identity import TOPIC_PARAM, forget, my_data_download, personal_link
from ui.partner.messages import show_message, show_unsaved
from ui.partner.taps import tap_button
from ui.partner.text import member_list
from ui.partner.vote import show_vote
from ui.partner.wording import countdown_sentence, phase_explanation, privacy_notice
from ui.safe import NO_ICON, plain

_TOPIC = "participer_topic"
_BRIEF = "participer_brief"
IDENTITY_FOOTER = "participer_footer"
IDENTITY_FOOTER_LABEL = "Votre lien personnel et vos données"


def requested_topics() -> list[str | None]:
    """The topic this device asks for, best first: the picker's, then the address's (a reload)."""
    return [st.session_state.get(_TOPIC), st.query_params.get(TOPIC_PARAM)]


def choose_topic(workshop: WorkshopInfo, topic: TopicInfo) -> None:
    """The topic picker, on the topic the screen was read for; the choice is also kept in the
    URL (`?sujet=…`) for reloads."""
    titles = {topic.key: topic.title for topic in workshop.topics}
    if st.session_state.get(_TOPIC) != topic.key:
        st.session_state[_TOPIC] = topic.key
    key = st.selectbox("Sujet d'étude", list(titles), format_func=titles.get, key=_TOPIC)
    if st.query_params.get(TOPIC_PARAM) != key:
        st.query_params[TOPIC_PARAM] = key


def lazy_expander(label: str, *, key: str, expanded: bool = False) -> ExpanderContainer:
    """An expander whose content is drawn only while it is open (`.open`): opening it runs the
    page again, and a closed one costs the partner's every run one element, not its content."""
    return st.expander(label, expanded=expanded, key=key, on_change="rerun")


def show_topic(topic: TopicInfo, *, expanded: bool) -> None:
    if not (topic.summary or topic.objectives):
        return
    # One key per default: open while collecting, closed from the vote on, whatever it was.
    brief = lazy_expander("Le sujet en bref", expanded=expanded, key=f"{_BRIEF}_{int(expanded)}")
    if not brief.open:
        return
    with brief:
        if topic.summary:
            st.markdown(plain(topic.summary))
        if topic.objectives:
            st.markdown("Objectifs :\n" + "\n".join(f"- {plain(o)}" for o in topic.objectives))


def show_results(lines: tuple[ResultLine, ...]) -> None:
    if not lines:
        st.markdown("Aucune contribution dans ce sujet.")
    for line in lines:
        with st.container(border=True):
            st.text(f"{line.rank_label}. {line.text}" if line.rank else line.text, width="stretch")
            facts = f"{line.quadrant_label} · {plural(line.dots, 'point')} · {plural(line.voters, 'votant')}"
            st.markdown(f"**{facts}**")
            if line.organisation:
                st.text(f"— {line.organisation}", width="stretch")
            member_list(line.members)


def show_identity_footer(workshop: WorkshopInfo, identity: Identity) -> None:
    footer = lazy_expander(IDENTITY_FOOTER_LABEL, key=IDENTITY_FOOTER)
    if not footer.open:
        return
    with footer:
        link = personal_link(identity)
        if link:
            st.markdown(
                "Ce lien vous ramène à vos contributions, sur ce téléphone ou un autre appareil. "
                "Ne le partagez pas : il vous identifie."
            )
            st.code(link, language=None, wrap_lines=True)
        st.markdown(privacy_notice(workshop.show_organisations))
        st.download_button(
            "Télécharger mes données",
            my_data_download(identity),
            file_name=f"mes-donnees-{identity.workshop_code}.json",
            mime="application/json",
            on_click="ignore",
            icon=":material/download:",
            key="my_data",
        )
        tap_button(
            "Ce n'est pas moi : quitter l'atelier sur cet appareil",
            forget,
            identity.workshop_code,
            key="forget",
        )


def show_participant(screen: PartnerScreen, identity: Identity) -> None:
    workshop, topic = screen.workshop, screen.topic
    workshop_heading(workshop)
    who = identity.organisation + (f" ({identity.name})" if identity.name else "")
    st.text(f"Vous participez au nom de : {who}", width="stretch")
    st.info(phase_explanation(workshop), icon=NO_ICON)
    countdown = countdown_sentence(workshop.timer_ends_at)
    if countdown:
        st.markdown(f":material/timer: {countdown}")
    st.button("Actualiser", icon=":material/refresh:", key="refresh")
    show_message("top")
    show_unsaved()
    choose_topic(workshop, topic)
    phase = Phase(workshop.phase)
    show_topic(topic, expanded=phase == Phase.COLLECT)
    if screen.items is not None:
        show_items(identity, topic, screen.items, editable=phase == Phase.COLLECT)
    elif screen.vote is not None:
        show_vote(identity, topic, screen.vote)
    else:
        show_results(screen.results or ())
    show_identity_footer(workshop, identity)


def show_closed(screen: PartnerScreen) -> None:
    """A closed workshop, to someone who did not take part on this device: the ranking."""
    workshop_heading(screen.workshop)
    st.info(phase_explanation(screen.workshop), icon=NO_ICON)
    choose_topic(screen.workshop, screen.topic)
    show_results(screen.results or ())
