"""The way in: the workshop's code typed (or a workshop this device joined before), then the
join form; the workshop's heading, shown on every screen of it."""

from __future__ import annotations

import streamlit as st

from ctg_workshop.day.joining import WorkshopInfo, find_workshop, join_workshop
from ctg_workshop.errors import CtgError
from ctg_workshop.identifiers import new_token
from ctg_workshop.text import SHORT_TEXT_MAX
from ui import actions
from ui.partner.chrome import organisation_suggestions
from ui.partner.identity import CODE_PARAM, organisations_of, remember, remembered_codes
from ui.partner.messages import show_message
from ui.partner.taps import tap_button
from ui.partner.wording import short_privacy_notice
from ui.safe import plain

_PENDING_TOKEN = "participer_pending_token"
_JOIN_TYPED = "participer_join_typed"
_JOIN_NAME = "participer_join_name"


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
            st.query_params[CODE_PARAM] = workshop.code
            st.rerun()
    for code in remembered_codes():
        if st.button(f"Reprendre l'atelier {code}", key=f"resume_{code}"):
            st.query_params[CODE_PARAM] = code
            st.rerun()


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
        actions.say("join", "error", error.message)
    else:
        st.session_state.pop(_PENDING_TOKEN, None)
        remember(identity)


def show_join(workshop: WorkshopInfo) -> None:
    workshop_heading(workshop)
    st.header("Rejoindre l'atelier", anchor=False)
    organisations = organisations_of(workshop.id)
    with st.form("participer_join"):
        # One field: the browser suggests the organisations already there as the partner types
        # (chrome.organisation_suggestions), and a new name is taken as typed.
        st.text_input(
            "Votre organisation",
            max_chars=SHORT_TEXT_MAX,
            key=_JOIN_TYPED,
            placeholder="Tapez son nom : celles déjà présentes sont proposées",
            autocomplete="off",
        )
        organisation_suggestions(_JOIN_TYPED, organisations)
        st.text_input("Votre nom (facultatif)", max_chars=SHORT_TEXT_MAX, key=_JOIN_NAME)
        st.markdown(short_privacy_notice(workshop.show_organisations))
        tap_button("Rejoindre l'atelier", on_join, workshop.code, form=True, type="primary")
    show_message("join")
