"""Suivre: after the signature, the chargé de coopération follows each fiche action — its status
by year, its indicators and their figures, the partners' reporting links, the COPIL's meetings
and the annual report it reviews."""

import datetime as dt

import streamlit as st

from ctg_workshop.follow_up.overview import follow_up_overview
from ctg_workshop.follow_up.reporting import default_year
from ui import actions
from ui.auth import require_facilitator
from ui.facilitator import show_flash
from ui.follow_up import fiches_tab
from ui.follow_up_admin import checklist_tab, links_tab, meetings_tab, report_tab
from ui.safe import plain

workshop_id = require_facilitator()
overview = actions.read(lambda s: follow_up_overview(session=s, workshop_id=workshop_id))

st.title("Suivre la convention", anchor=False)
signed = f", signée le {overview.signed_on.strftime('%d/%m/%Y')}" if overview.signed_on else ""
st.caption(
    plain(f"{overview.title} · {overview.territory} · {overview.period_start}–{overview.period_end}{signed}")
)
show_flash()
year = st.selectbox(
    "Année suivie",
    overview.years,
    index=overview.years.index(default_year(overview.period_start, overview.period_end, dt.date.today())),
    key="suivre_year",
    help="L'année dont on saisit les chiffres et l'état des actions, et que le bilan présente.",
)
fiches, checklist, links, meetings, report = st.tabs(
    ["Fiches et indicateurs", f"Avant le COPIL ({year})", "Liens de saisie", "Réunions", "Bilan annuel"]
)
with fiches:
    fiches_tab(overview, year)
with checklist:
    checklist_tab(overview, year)
with links:
    links_tab(overview)
with meetings:
    meetings_tab(overview)
with report:
    report_tab(overview, year)
