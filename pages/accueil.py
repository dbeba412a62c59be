"""Home: the workshops of this installation, their topics and what has been written so far."""

import streamlit as st

from ctg_workshop.preparation.overview import workshop_overviews
from ctg_workshop.storage.models import Phase, Quadrant
from ctg_workshop.wording import PHASE_LABELS, QUADRANT_LABELS
from ui import actions
from ui.safe import plain

st.title("CTG Atelier")
st.write(
    "Préparez la Convention Territoriale Globale avec vos partenaires : recueil des forces, "
    "faiblesses, opportunités et menaces par sujet d'étude, journée participative, vote des "
    "priorités, puis rédaction des fiches action."
)

overviews = actions.read(lambda s: workshop_overviews(session=s))

if not overviews:
    st.info("Aucun atelier pour l'instant. Chargez la démonstration : `python -m ctg_workshop demo`.")
    st.stop()

labels = {o.summary.code: f"{o.summary.title} — {o.summary.territory} ({o.summary.code})" for o in overviews}
code = st.selectbox("Atelier", list(labels), format_func=labels.get, key="home_workshop")
overview = next(o for o in overviews if o.summary.code == code)
summary = overview.summary

st.header(plain(summary.title), anchor=False)
st.write(f"Code de l'atelier : **{summary.code}** · Phase : **{PHASE_LABELS[Phase(summary.phase)]}**")
# Figures side by side, wrapping on a phone (columns would stack them one per line).
with st.container(horizontal=True, gap="large"):
    st.metric("Participants", summary.participants, width="content")
    st.metric("Contributions", summary.items, width="content")
    st.metric("Votes", summary.votes, width="content")
if overview.themes:
    st.write("Thématiques : " + plain(", ".join(overview.themes)))

st.subheader("Sujets d'étude", anchor=False)
for topic in overview.topics:
    with st.container(border=True):
        st.markdown(f"#### {plain(topic.title)}")
        if topic.summary:
            st.write(plain(topic.summary))
        for objective in topic.objectives:
            st.markdown(f"- {plain(objective)}")
        with st.container(horizontal=True, gap="large"):
            for quadrant in Quadrant:
                st.metric(QUADRANT_LABELS[quadrant], topic.items_by_quadrant[quadrant.value], width="content")
