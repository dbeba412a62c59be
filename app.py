"""CTG Atelier: the entry point only routes and sets the page chrome."""

import streamlit as st

from ui.french import french_chrome

st.set_page_config(page_title="CTG Atelier", page_icon=":material/groups:", layout="wide")
# Streamlit serves `<html lang="en">` and writes some words of its own in English: the page is
# declared French and those words translated (RGAA 8.3, 8.7). A fixed script, no user data.
french_chrome()

everyone = [
    st.Page("pages/accueil.py", title="Accueil", icon=":material/home:", default=True),
    st.Page("pages/participer.py", title="Participer", icon=":material/edit_note:", url_path="participer"),
    # A partner's reporting link (`?lien=…`), opened from its link only: not in the menu.
    st.Page(
        "pages/saisie.py",
        title="Saisie du suivi",
        icon=":material/edit_square:",
        url_path="saisie",
        visibility="hidden",
    ),
]
# Behind the facilitator's passphrase (the projection behind its view link).
team = [
    st.Page("pages/preparer.py", title="Préparer", icon=":material/tune:", url_path="preparer"),
    st.Page("pages/animer.py", title="Animer", icon=":material/co_present:", url_path="animer"),
    st.Page("pages/projection.py", title="Projection", icon=":material/tv:", url_path="projection"),
    st.Page("pages/diagnostic.py", title="Diagnostic", icon=":material/query_stats:", url_path="diagnostic"),
    st.Page("pages/rediger.py", title="Rédiger", icon=":material/description:", url_path="rediger"),
    st.Page("pages/suivre.py", title="Suivre", icon=":material/monitoring:", url_path="suivre"),
]
st.navigation({"": everyone, "Équipe CTG": team}).run()
