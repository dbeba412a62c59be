"""The floor of the first-visit measurement (measure/first_visit.py): a bare Streamlit page, one st.write."""

import streamlit as st

st.write("Bonjour")
