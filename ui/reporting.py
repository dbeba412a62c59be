"""Page « Saisie du suivi »: a partner organisation, from its reporting link, types the year's
figures of the fiches it reports for, a comment, and where its action stands. Phone first; one
« Enregistrer » for everything, all or nothing; texts shown as typed (widget values, `plain`)."""

from __future__ import annotations

import streamlit as st

from ctg_workshop.errors import CtgError
from ctg_workshop.follow_up.progress import STATUS_LABELS
from ctg_workshop.follow_up.reporting import (
    FicheEntry,
    FicheReport,
    ReportingScreen,
    reporting_screen,
    submit_report,
)
from ctg_workshop.storage.models import ProgressStatus
from ctg_workshop.wording import plural
from ui import actions
from ui.safe import plain

_SLOT = "saisie"
YEAR_KEY = "saisie_year"
UNCHANGED = ""


def load_screen(token: str, year: int | None) -> ReportingScreen | None:
    try:
        return actions.read(lambda s: reporting_screen(session=s, token=token, year=year))
    except CtgError as error:
        st.error(plain(error.message), icon=":material/link_off:")
        return None


def reporting_form(token: str, screen: ReportingScreen) -> None:
    st.title("Suivi de la CTG", anchor=False)
    st.markdown(f"**{plain(screen.organisation)}**")
    st.caption(plain(f"{screen.workshop_title} · {screen.territory}"))
    st.session_state.setdefault(YEAR_KEY, screen.year)
    st.selectbox("Année", screen.years, key=YEAR_KEY)
    if not screen.fiches:
        st.info("Aucune fiche action n'est rattachée à ce lien : contactez la coordination CTG.")
        return
    st.write(
        f"Vos chiffres de l'année {screen.year}\u00a0: écrivez-les comme vous les lisez "
        "(«\u00a018,5\u00a0», «\u00a01\u202f048\u00a0»). "
        "Une case laissée vide ne change rien. Tout est enregistré en une fois."
    )
    with st.form(f"report_{screen.year}"):
        for fiche in screen.fiches:
            _fiche_fields(fiche, screen.year)
        submitted = st.form_submit_button("Enregistrer", type="primary", width="stretch")
    _show_feedback()  # under the button, where the phone's screen is
    if submitted:
        _submit(token, screen)


def _field(kind: str, year: int, ident: object) -> str:
    return f"saisie_{kind}_{year}_{ident}"


def _fiche_fields(fiche: FicheEntry, year: int) -> None:
    # A level-2 heading sized for a phone: long titles wrap between words, not inside them.
    st.markdown(f"#### {plain(fiche.title)}")
    options = [UNCHANGED, *ProgressStatus]
    st.selectbox(
        f"Où en est l'action en {year} ?",
        options,
        index=options.index(fiche.status) if fiche.status else 0,
        format_func=lambda s: "Choisir…" if s == UNCHANGED else STATUS_LABELS[s],
        key=_field("status", year, fiche.topic_key),
    )
    st.text_area("Note sur l'action (facultatif)", value=fiche.note, max_chars=2000, height=80,
                 key=_field("note", year, fiche.topic_key))  # fmt: skip
    for indicator in fiche.indicators:
        unit = f" ({indicator.unit})" if indicator.unit else ""
        help_text = f"Cible : {indicator.target}" if indicator.target else None
        st.text_input(
            plain(f"{indicator.label}{unit}"),
            value=indicator.figure,
            max_chars=30,
            placeholder="par exemple 18,5",
            help=plain(help_text) if help_text else None,
            key=_field("figure", year, indicator.id),
        )
        st.text_input(
            "Commentaire (facultatif)",
            value=indicator.comment,
            max_chars=2000,
            key=_field("comment", year, indicator.id),
        )
    st.divider()


def _submit(token: str, screen: ReportingScreen) -> None:
    state, year = st.session_state, screen.year
    figures = {i.id: state[_field("figure", year, i.id)] for f in screen.fiches for i in f.indicators}
    comments = {i.id: state[_field("comment", year, i.id)] for f in screen.fiches for i in f.indicators}
    fiches = {
        f.topic_key: FicheReport(
            state[_field("status", year, f.topic_key)] or None, state[_field("note", year, f.topic_key)]
        )
        for f in screen.fiches
    }
    done = actions.run(
        lambda s: submit_report(
            session=s, token=token, year=year, figures=figures, comments=comments, fiches=fiches
        ),
        success=lambda saved: (
            f"Merci\u00a0: {plural(saved, 'information enregistrée', 'informations enregistrées')} pour {year}."
        ),
        slot=_SLOT,
    )
    if done:
        st.rerun()
    actions.show(_SLOT)  # the refusal, under the button


def _show_feedback() -> None:
    actions.show(_SLOT)
