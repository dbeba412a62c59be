"""The diagnostic's written analysis on page Diagnostic: one text per heading, saved as the user
leaves the field, with its history. Texts go into widgets' values (never Markdown) and labels
through `plain()`."""

from __future__ import annotations

import datetime as dt

import streamlit as st

from ctg_workshop.drafting.narrative import Analysis, list_narrative, narrative_history, save_narrative
from ui import actions
from ui.facilitator import bump, generation
from ui.safe import plain

_SLOT = "narrative"
_NEW_HEADING = "narrative_new_heading"


def narrative_section(workshop_id: int) -> None:
    """The whole section of the page: one field per heading, then a heading of one's own."""
    analyses = actions.read(lambda s: list_narrative(session=s, workshop_id=workshop_id))
    st.header("Analyse du diagnostic")
    st.caption(
        "Le texte qui accompagne les chiffres de chaque rubrique dans le projet de convention. Séparez les "
        "paragraphes par une ligne vide. Le texte est enregistré quand vous quittez le champ (ou Ctrl+Entrée) ; "
        "chaque version est conservée. Une rubrique sans analyse est signalée « [Analyse à rédiger] » dans le "
        "document."
    )
    _show_feedback()
    if not analyses:
        st.info("Ajoutez d'abord des chiffres au diagnostic, ou une rubrique d'analyse ci-dessous.")
    for index, analysis in enumerate(analyses):
        _analysis_field(workshop_id, index, analysis)
    _new_heading(workshop_id)


def _field_key(index: int) -> str:
    return f"narrative_{index}_{generation('narrative')}"


def _analysis_field(workshop_id: int, index: int, analysis: Analysis) -> None:
    key = _field_key(index)
    status = _status(analysis)
    st.text_area(
        plain(f"{analysis.section} — {status}"),
        value=analysis.text,
        key=key,
        height=200 if analysis.text else 100,
        max_chars=20_000,
        placeholder="[Analyse à rédiger]",
        on_change=_save,
        args=(workshop_id, analysis.section, key),
    )
    if analysis.updated_at is not None:
        with st.expander(plain(f"Versions précédentes — {analysis.section}")):
            _history(workshop_id, analysis.section)


def _status(analysis: Analysis) -> str:
    if analysis.updated_at is None:
        return "analyse à rédiger"
    paragraphs = len(analysis.paragraphs)
    return (
        f"{paragraphs} paragraphe{'s' if paragraphs > 1 else ''}, enregistré le {_when(analysis.updated_at)}"
    )


def _when(moment: dt.datetime) -> str:
    local = moment.replace(tzinfo=dt.UTC).astimezone()
    return local.strftime("%d/%m/%Y à %H:%M")


def _history(workshop_id: int, section: str) -> None:
    revisions = actions.read(lambda s: narrative_history(session=s, workshop_id=workshop_id, section=section))
    for revision in revisions[1:11]:  # the first is the text in the field
        st.caption(plain(f"Version du {_when(revision.saved_at)}"))
        st.text(revision.text or "(texte effacé)")


def _save(workshop_id: int, section: str, key: str) -> None:
    actions.run(
        lambda s: save_narrative(
            session=s, workshop_id=workshop_id, section=section, text=st.session_state[key]
        ),
        success=lambda saved: f"{'Analyse enregistrée' if saved.text else 'Analyse effacée'} : {section}.",
        kind="toast",
        slot=_SLOT,
        refused="Non enregistré : ",
    )


def _new_heading(workshop_id: int) -> None:
    with st.form("narrative_new", clear_on_submit=True, border=False):
        heading = st.text_input(
            "Nouvelle rubrique d'analyse (sans chiffres, par exemple « Synthèse »)",
            max_chars=200,
            key=_NEW_HEADING,
        )
        text = st.text_area("Son analyse", height=120)
        if st.form_submit_button("Ajouter la rubrique"):
            if not text.strip():
                actions.say(_SLOT, "error", "Non enregistré : écrivez l'analyse de la rubrique.")
            elif actions.run(
                lambda s: save_narrative(session=s, workshop_id=workshop_id, section=heading, text=text),
                success=f"Rubrique ajoutée : {heading.strip()}.",
                kind="toast",
                slot=_SLOT,
                refused="Non enregistré : ",
            ):
                bump("narrative")
            st.rerun()


def _show_feedback() -> None:
    actions.show(_SLOT)
