"""CTG Atelier: the entry point only routes and sets the page chrome."""

import streamlit as st

from ui.french import french_chrome
from ui.navigation import app_pages

st.set_page_config(page_title="CTG Atelier", page_icon=":material/groups:", layout="wide")
# Streamlit serves `<html lang="en">` and writes some words of its own in English: the page is
# declared French and those words translated (RGAA 8.3, 8.7). A fixed script, no user data.
french_chrome()
st.navigation(app_pages()).run()
