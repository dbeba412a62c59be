"""Page Diagnostic › import: a CAF file with a year column also fills an indicator of the
convention's follow-up, year by year (ctg_workshop/follow_up/opendata.py)."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from ctg_workshop.drafting.opendata import ColumnMapping, CsvTable, column_label
from ctg_workshop.errors import CtgError
from ctg_workshop.follow_up.indicators import indicator_choices
from ctg_workshop.follow_up.numbers import format_french
from ctg_workshop.follow_up.opendata import figure_columns, fill_indicator, yearly_figures
from ui import actions
from ui.facilitator import act
from ui.safe import plain


def fill_indicator_panel(workshop_id: int, table: CsvTable, mapping: ColumnMapping, commune: str) -> None:
    columns = figure_columns(table, mapping)
    if not columns:
        return
    # Labels as options (unique: one label per indicator within a fiche), ids looked up after.
    choices = {
        label: indicator_id
        for indicator_id, label in actions.read(
            lambda s: indicator_choices(session=s, workshop_id=workshop_id)
        )
    }
    with st.expander("Remplir un indicateur du suivi de la convention avec ce fichier"):
        if not choices:
            st.info("Aucun indicateur n'est encore suivi : créez-les sur la page Suivre.")
            return
        labels = {f"{column_label(c)} ({c})": c for c in columns}
        column = labels[st.selectbox("Colonne du fichier", list(labels), key="opendata_fill_column")]
        chosen = st.selectbox("Indicateur à remplir", list(choices), key="opendata_fill_indicator")
        indicator_id = choices[chosen]
        try:
            figures = yearly_figures(table, mapping, commune=commune, column=column)
        except CtgError as error:
            st.error(plain(error.message))
            return
        st.dataframe(
            pd.DataFrame(
                {
                    "Année": [str(y) for y in figures.figures],
                    "Valeur": [format_french(m) for m in figures.figures.values()],
                }
            ),
            hide_index=True,
        )
        if st.button("Remplir l'indicateur avec ces valeurs", key="opendata_fill"):
            act(
                lambda s: fill_indicator(
                    session=s, workshop_id=workshop_id, indicator_id=indicator_id, figures=figures
                ),
                lambda years: filled_message(years, chosen),
            )
            st.rerun()


def filled_message(years: list[int], label: str) -> str:
    return f"{label} : valeurs {', '.join(str(y) for y in years)} enregistrées depuis le fichier."
