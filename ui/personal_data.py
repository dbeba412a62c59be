"""Préparer, « Données personnelles » tab: the register of the personal data a workshop holds
(RGPD), a person's request (their data as JSON, their name erased) and the purge of every name
after the day. Organisations, contributions and votes always stay."""

from __future__ import annotations

import streamlit as st

from ctg_workshop.privacy import erase_name, participant_data_json, personal_data, purge_names
from ui import actions
from ui.facilitator import act


def _erase_name(workshop_id: int, key: str) -> None:
    act(
        lambda s: erase_name(session=s, workshop_id=workshop_id, reference=key),
        "Nom effacé ; l'organisation reste.",
    )


def _purge_names(workshop_id: int) -> None:
    def said(count: int) -> str:
        return f"{count} nom{'s' if count > 1 else ''} effacé{'s' if count > 1 else ''} ; organisations et contributions conservées."

    act(lambda s: purge_names(session=s, workshop_id=workshop_id), said)
    st.session_state.pop("privacy_confirm", None)


def personal_data_panel(workshop_id: int, code: str) -> None:
    """The register of the personal data the workshop holds, a person's request (access,
    erasure of the name), and the purge of every name after the day."""
    register = actions.read(lambda s: personal_data(session=s, workshop_id=workshop_id))
    total, named = len(register.participants), register.named
    st.write(
        f"{total} participant{'s' if total > 1 else ''} inscrit{'s' if total > 1 else ''}, "
        f"dont {named} {'ont' if named > 1 else 'a'} donné leur nom (facultatif). Les documents "
        "(convention, délibération, données) ne citent que les organisations, jamais les noms."
    )
    if not total:
        return
    st.subheader("Une demande d'une personne", anchor=False)
    labels = {entry.key: entry.label for entry in register.participants}
    key = st.selectbox(
        "Participant concerné",
        list(labels),
        format_func=labels.get,
        index=None,
        placeholder="Choisissez par organisation et nom",
        key="privacy_participant",
    )
    if key is not None:
        data = actions.read(
            lambda s: participant_data_json(session=s, workshop_id=workshop_id, reference=key)
        )
        left, right = st.columns(2)
        left.download_button(
            "Télécharger ses données (JSON)",
            data,
            file_name=f"donnees-participant-{code}-{key}.json",
            mime="application/json",
            help="Droit d'accès : son nom, son organisation, ses contributions (et leurs versions), ses votes.",
        )
        if next(entry for entry in register.participants if entry.key == key).name:
            right.button("Effacer son nom", on_click=_erase_name, args=(workshop_id, key))
    st.subheader("Après la journée", anchor=False)
    confirmed = st.checkbox(
        "Effacer le nom de tous les participants : leurs organisations, contributions et votes restent.",
        key="privacy_confirm",
        disabled=not named,
    )
    st.button(
        "Effacer tous les noms",
        type="primary",
        disabled=not (confirmed and named),
        on_click=_purge_names,
        args=(workshop_id,),
    )
