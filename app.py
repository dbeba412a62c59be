"""CTG Atelier: the entry point only routes and sets the page chrome."""

import streamlit as st

st.set_page_config(page_title="CTG Atelier", page_icon=":material/groups:", layout="wide")

pages = [
    st.Page("pages/accueil.py", title="Accueil", icon=":material/home:", default=True),
]
st.navigation(pages).run()
