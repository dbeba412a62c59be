"""Saisie du suivi: a partner's reporting link (`?lien=…`), no account. Its organisation sees only
the fiches it reports for, types the year's figures and where its actions stand."""

import streamlit as st

from ui.reporting import YEAR_KEY, load_screen, reporting_form

token = st.query_params.get("lien", "")
if not token:
    st.title("Saisie du suivi de la CTG", anchor=False)
    st.info(
        "Cette page s'ouvre avec le lien de saisie que la coordination CTG a envoyé à votre organisation "
        "(ou son QR code). Ouvrez ce lien pour transmettre vos chiffres."
    )
    st.stop()
screen = load_screen(token, st.session_state.get(YEAR_KEY))
if screen is None:
    st.stop()
reporting_form(token, screen)
