"""Rédiger › documents: what only the town knows for its deliberation, typed once and kept
(`drafting/deliberation_settings.py`); the draft then comes out whole."""

from __future__ import annotations

import streamlit as st

from ctg_workshop.documents.deliberation import euros
from ctg_workshop.drafting.deliberation_settings import (
    DeliberationDetails,
    get_details,
    parse_amount,
    save_details,
)
from ctg_workshop.errors import CtgError
from ui import actions

_SLOT = "deliberation"


def deliberation_form(workshop_id: int) -> None:
    saved = actions.read(lambda s: get_details(session=s, workshop_id=workshop_id))
    with st.form("deliberation_details"):
        st.markdown(
            "**Ce que seule la commune connaît** — laissé vide, un passage reste entre crochets à compléter."
        )
        first = st.columns(3)
        number = first[0].text_input("Numéro de la délibération", value=saved.number or "", placeholder="DE23.027",
                                     max_chars=50, key="delib_number")  # fmt: skip
        session_date = first[1].date_input("Date de la séance", value=saved.session_date, format="DD/MM/YYYY",
                                           key="delib_date")  # fmt: skip
        convocation = first[2].date_input(
            "Date de la convocation", value=saved.convocation_date, format="DD/MM/YYYY"
        )
        second = st.columns(3)
        councillors = second[0].number_input(
            "Conseillers en exercice", 1, 200, value=saved.councillors, step=1
        )
        present = second[1].number_input("Conseillers présents", 0, 200, value=saved.present, step=1)
        bonus = second[2].text_input("Bonus Territoires (€)", value=euros(saved.bonus_cents) if saved.bonus_cents else "",
                                     placeholder="618 000", key="delib_bonus")  # fmt: skip
        st.markdown("**Renouvellement** — si une convention précédente existe (sinon : laisser vide).")
        third = st.columns(2)
        previous = third[0].date_input("Délibération qui l'avait autorisée, du", value=saved.previous_deliberation_date,
                                       format="DD/MM/YYYY")  # fmt: skip
        previous_end = third[1].date_input("Échéance de la convention précédente", value=saved.previous_end_date,
                                           format="DD/MM/YYYY")  # fmt: skip
        fourth = st.columns(2)
        themes_committee = fourth[0].date_input("Comité de pilotage des thématiques, le", value=saved.themes_committee_date,
                                                format="DD/MM/YYYY")  # fmt: skip
        validation = fourth[1].date_input("Comité de pilotage qui a validé la convention, le",
                                          value=saved.validation_committee_date, format="DD/MM/YYYY")  # fmt: skip
        recruitment = st.checkbox("Recrutement d'un chargé de coopération CTG (paragraphe et décision)",
                                  value=saved.recruitment)  # fmt: skip
        structures = st.text_area(
            "Structures financées par leur Convention d'Objectifs et de Financement (une par ligne)",
            value="\n".join(saved.funded_structures),
            height=90,
        )
        fifth = st.columns(2)
        mayor = fifth[0].text_input("Le Maire (signataire)", value=saved.mayor or "", max_chars=200)
        secretary = fifth[1].text_input(
            "Le Secrétaire de séance (signataire)", value=saved.secretary or "", max_chars=200
        )
        if st.form_submit_button("Enregistrer les informations de la délibération", type="primary"):
            try:
                details = DeliberationDetails(
                    number=number,
                    session_date=session_date,
                    convocation_date=convocation,
                    councillors=int(councillors) if councillors else None,
                    present=int(present) if present is not None else None,
                    bonus_cents=parse_amount(bonus),
                    previous_deliberation_date=previous,
                    previous_end_date=previous_end,
                    themes_committee_date=themes_committee,
                    validation_committee_date=validation,
                    recruitment=recruitment,
                    funded_structures=tuple(structures.splitlines()),
                    mayor=mayor,
                    secretary=secretary,
                )
            except CtgError as error:  # an amount that is not one
                actions.say(_SLOT, "error", f"Non enregistré : {error.message}")
            else:
                actions.run(
                    lambda s: save_details(session=s, workshop_id=workshop_id, details=details),
                    success="Informations de la délibération enregistrées.",
                    slot=_SLOT,
                    refused="Non enregistré : ",
                )
            actions.show(_SLOT)
