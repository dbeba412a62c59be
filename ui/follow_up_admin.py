"""Page « Suivre », around the fiches: the checklist before a COPIL, the partners' reporting
links (QR code, revocation, last use), the committees' meetings and the annual report."""

from __future__ import annotations

import datetime as dt
from urllib.parse import quote

import streamlit as st

from ctg_workshop.documents.bilan import MIME_DOCX, bilan_data, bilan_file_name, build_bilan
from ctg_workshop.follow_up.meetings import KIND_LABELS, delete_meeting, save_meeting
from ctg_workshop.follow_up.overview import FollowUpOverview
from ctg_workshop.follow_up.reporting import create_link, revoke_link
from ctg_workshop.follow_up.signature import set_signed_on
from ctg_workshop.storage.models import MeetingKind
from ctg_workshop.wording import plural
from ui import actions
from ui.facilitator import act
from ui.projection import base_url, qr_png
from ui.safe import plain

REPORTING_PATH = "saisie"


def reporting_url(token: str) -> str:
    return f"{base_url()}/{REPORTING_PATH}?lien={quote(token)}"


def _when(moment: dt.datetime | None) -> str:
    if moment is None:
        return "jamais utilisé"
    return moment.replace(tzinfo=dt.UTC).astimezone().strftime("utilisé le %d/%m/%Y à %H:%M")


def checklist_tab(overview: FollowUpOverview, year: int) -> None:
    st.write(f"Avant le comité de pilotage qui examine l'année {year} :")
    missing = overview.missing_reports(year)
    if not overview.links:
        st.info(
            "Aucun lien de saisie n'a été créé : les partenaires ne peuvent pas encore transmettre leurs chiffres."
        )
    elif missing:
        verb = "n'a" if len(missing) == 1 else "n'ont"
        who = plural(len(missing), "organisation")
        st.warning(plain(f"{who} {verb} rien transmis pour {year} : " + ", ".join(missing) + "."))
    else:
        st.success(
            f"Toutes les organisations qui ont un lien de saisie ont transmis leurs chiffres de {year}."
        )
    fiches = [f for f in overview.fiches if f.has_sheet or f.indicators or f.statuses]
    no_status = [f.title for f in fiches if year not in f.statuses]
    no_figure = [f"{f.title} — {i.label}" for f in fiches for i in f.indicators if year not in i.values]
    if no_status:
        st.write(f"Fiches sans état pour {year} :")
        st.dataframe({"Fiche action": no_status}, hide_index=True, width="stretch")
    if no_figure:
        st.write(f"Indicateurs sans chiffre pour {year} :")
        st.dataframe({"Indicateur": no_figure}, hide_index=True, width="stretch")
    if not (no_status or no_figure):
        st.success(f"Chaque fiche a son état et chaque indicateur son chiffre pour {year}.")


def links_tab(overview: FollowUpOverview) -> None:
    st.write(
        "Un lien par organisation partenaire : elle y saisit, sans compte, les chiffres des fiches dont elle "
        "rend compte. Un nouveau lien pour la même organisation remplace l'ancien."
    )
    fiches = {f.topic_key: f.title for f in overview.fiches if f.has_sheet or f.indicators}
    with st.form("new_link", clear_on_submit=True):
        organisation = st.text_input("Organisation (jamais le nom d'une personne)", max_chars=200)
        chosen = st.multiselect("Fiches dont elle rend compte", list(fiches), format_func=lambda k: fiches[k])
        if st.form_submit_button("Créer le lien de saisie", type="primary"):
            act(
                lambda s: create_link(
                    session=s, workshop_id=overview.workshop_id, organisation=organisation, topic_keys=chosen
                ),
                lambda link: f"Lien de saisie créé pour {link.organisation}.",
            )
            st.rerun()
    for link in overview.links:
        with st.container(border=True):
            text, code = st.columns([3, 1])
            text.markdown(f"**{plain(link.organisation)}** · {_when(link.last_used_at)}")
            text.caption(plain("Fiches : " + ", ".join(link.topic_titles)))
            url = reporting_url(link.token)
            text.code(url, language=None)
            code.image(
                qr_png(url, scale=4), caption=plain(f"QR code du lien de {link.organisation}"), width=120
            )
            if text.button("Révoquer ce lien", key=f"revoke_{link.id}"):
                act(
                    lambda s, link_id=link.id: revoke_link(
                        session=s, workshop_id=overview.workshop_id, link_id=link_id
                    ),
                    lambda name: f"Lien de {name} révoqué : il ne permet plus de saisir.",
                )
                st.rerun()


def meetings_tab(overview: FollowUpOverview) -> None:
    with st.form("new_meeting", clear_on_submit=True):
        kind = st.radio("Instance", list(MeetingKind), format_func=lambda k: KIND_LABELS[k], horizontal=True)
        held_on = st.date_input("Date de la réunion", format="DD/MM/YYYY")
        attendees = st.text_area(
            "Présents : une organisation ou un rôle par ligne (jamais le nom d'une personne)", height=100
        )
        decisions = st.text_area("Décisions : une par ligne", height=100)
        if st.form_submit_button("Enregistrer la réunion", type="primary"):
            act(
                lambda s: save_meeting(
                    session=s,
                    workshop_id=overview.workshop_id,
                    kind=kind,
                    held_on=held_on,
                    attendees=attendees,
                    decisions=decisions,
                ),
                "Réunion enregistrée.",
            )
            st.rerun()
    for meeting in reversed(overview.meetings):
        with st.container(border=True):
            st.markdown(f"**{KIND_LABELS[meeting.kind]}** — {meeting.held_on.strftime('%d/%m/%Y')}")
            st.caption(plain("Présents : " + ", ".join(meeting.attendees)))
            for decision in meeting.decisions:
                st.text(f"• {decision}")
            if st.button("Supprimer cette réunion", key=f"delete_meeting_{meeting.id}"):
                act(
                    lambda s, meeting_id=meeting.id: delete_meeting(
                        session=s, workshop_id=overview.workshop_id, meeting_id=meeting_id
                    ),
                    "Réunion supprimée.",
                )
                st.rerun()


def report_tab(overview: FollowUpOverview, year: int) -> None:
    def report() -> bytes:
        return build_bilan(
            actions.read(lambda s: bilan_data(session=s, workshop_id=overview.workshop_id, year=year))
        )

    st.write(
        f"Le bilan {year} pour le comité de pilotage : l'état de chaque fiche action et sa note, ses indicateurs "
        "avec les chiffres de l'année, un graphique par fiche, les décisions des réunions de l'année et ce qui "
        "manque encore. Document Word, à relire avant diffusion."
    )
    st.download_button(
        f"Télécharger le bilan {year} (.docx)",
        data=report,
        file_name=bilan_file_name(overview.code, year),
        mime=MIME_DOCX,
        on_click="ignore",
        icon=":material/summarize:",
        type="primary",
        key=f"download_bilan_{year}",
    )
    _signature(overview)


def _signature(overview: FollowUpOverview) -> None:
    with st.form("signed_on", border=False):
        signed = st.date_input(
            "Date de signature de la convention", value=overview.signed_on, format="DD/MM/YYYY"
        )
        if st.form_submit_button("Enregistrer la date de signature"):
            act(
                lambda s: set_signed_on(session=s, workshop_id=overview.workshop_id, signed_on=signed),
                "Date de signature enregistrée.",
            )
            st.rerun()
