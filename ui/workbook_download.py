"""Rédiger › Documents et données: the Excel workbook of the workshop's data, downloaded."""

from __future__ import annotations

import streamlit as st

from ctg_workshop.documents.workbook import export_workbook
from ui import actions

MIME_XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def workbook_file_name(code: str) -> str:
    return f"donnees-ctg-{code.lower()}.xlsx"


def workbook_download(*, workshop_id: int, code: str) -> None:
    """The « Télécharger le classeur Excel (.xlsx) » button; the workbook is built on the click."""
    workbook = actions.deferred_read(lambda s: export_workbook(session=s, workshop_id=workshop_id))
    st.write(
        "Le même contenu en classeur Excel : une feuille par tableau (contributions, votes par "
        "contribution, classement par sujet, fiches action), les nombres en nombres, les textes tels "
        "qu'ils ont été saisis, la ligne d'en-tête figée avec ses filtres. Aucune contribution masquée, "
        "aucun nom de personne."
    )
    st.download_button(
        "Télécharger le classeur Excel (.xlsx)",
        data=workbook,
        file_name=workbook_file_name(code),
        mime=MIME_XLSX,
        on_click="ignore",
        icon=":material/grid_on:",
        key="download_workbook",
    )
