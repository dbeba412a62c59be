"""Préparer: create a workshop (administrator), then set it up (facilitator): settings, topics,
themes, passphrase, and the participants' personal data (RGPD)."""

import streamlit as st

from ctg_workshop.access import set_facilitator_passphrase
from ctg_workshop.errors import CtgError
from ctg_workshop.preparation.overview import list_workshops
from ctg_workshop.preparation.workshops import (
    TEMPLATES,
    WorkshopSettings,
    add_topic,
    create_from_archive,
    create_workshop,
    default_settings,
    move_topic,
    remove_topic,
    set_themes,
    theme_labels,
    topic_list,
    update_settings,
    update_topic,
    workshop_settings,
)
from ctg_workshop.storage.lookups import workshop_by_id
from ui import actions
from ui.auth import (
    admin_authorised,
    admin_configured,
    admin_login,
    authorise,
    authorised_workshop_id,
    login_form,
    logout_button,
)
from ui.facilitator import act, flash, show_flash
from ui.personal_data import personal_data_panel
from ui.safe import plain

ARCHIVE = "archive"
SOURCES = {**TEMPLATES, ARCHIVE: "Depuis une archive d'atelier (sauvegarde, ou atelier précédent)"}


def settings_fields(current: WorkshopSettings, *, prefix: str) -> WorkshopSettings:
    """The settings widgets (inside a form); returns what they hold."""
    title = st.text_input("Titre", current.title, max_chars=200, key=f"{prefix}_title")
    territory = st.text_input("Territoire", current.territory, max_chars=200, key=f"{prefix}_territory")
    partner_body = st.text_input(
        "Organisme partenaire", current.partner_body, max_chars=200, key=f"{prefix}_partner_body"
    )
    start, end, held = st.columns(3)
    period_start = start.number_input(
        "Début de la période", 1990, 2100, current.period_start, key=f"{prefix}_start"
    )
    period_end = end.number_input("Fin de la période", 1990, 2100, current.period_end, key=f"{prefix}_end")
    held_on = held.date_input(
        "Date de la journée", current.held_on, format="DD/MM/YYYY", key=f"{prefix}_held_on"
    )
    budget, cap = st.columns(2)
    vote_budget = budget.number_input(
        "Points par participant et par sujet", 1, 20, current.vote_budget, key=f"{prefix}_budget"
    )
    max_dots = cap.number_input(
        "Points au plus sur une même contribution", 1, 20, current.max_dots_per_item, key=f"{prefix}_cap"
    )
    show_organisations = st.toggle(
        "Afficher l'organisation à côté des contributions (téléphones et projection)",
        current.show_organisations,
        key=f"{prefix}_show_organisations",
    )
    return WorkshopSettings(
        title=title,
        territory=territory,
        partner_body=partner_body,
        period_start=int(period_start),
        period_end=int(period_end),
        held_on=held_on,
        vote_budget=int(vote_budget),
        max_dots_per_item=int(max_dots),
        show_organisations=show_organisations,
    )


# --------------------------------------------------------------------------- creation (administrator)


def _passphrase_fields(prefix: str) -> tuple[str, str]:
    first = st.text_input(
        "Phrase secrète d'animation (8 caractères au moins)", type="password", key=f"{prefix}_passphrase"
    )
    second = st.text_input("La même, une seconde fois", type="password", key=f"{prefix}_passphrase_again")
    return first, second


def creation_panel() -> None:
    if not admin_configured():
        st.info(
            "Pour créer des ateliers depuis cette page, définissez un mot de passe administrateur : "
            "variable d'environnement `CTG_ADMIN_PASSWORD`, ou `admin_password` dans "
            "`.streamlit/secrets.toml`, puis redémarrez l'application."
        )
        return
    if not admin_authorised():
        with st.form("admin_login"):
            password = st.text_input("Mot de passe administrateur", type="password", key="admin_password")
            if st.form_submit_button("Valider"):
                reason = admin_login(password)
                if reason is None:
                    st.rerun()
                st.error(plain(reason))
        return
    source = st.radio("Point de départ", list(SOURCES), format_func=SOURCES.get, key="create_source")
    with st.form("create_workshop"):
        if source == ARCHIVE:
            upload = st.file_uploader("Archive (.json)", type=["json"], key="create_archive")
            keep_code = st.checkbox("Garder le code de l'archive (restauration)", key="create_keep_code")
        else:
            settings = settings_fields(default_settings(), prefix="create")
        passphrase, again = _passphrase_fields("create")
        submitted = st.form_submit_button("Créer l'atelier", type="primary")
    if not submitted:
        return
    if passphrase != again:
        st.error("Les deux phrases secrètes diffèrent.")
        return
    if source == ARCHIVE and upload is None:
        st.error("Choisissez le fichier d'archive.")
        return

    def create(session) -> tuple[int, str]:
        if source == ARCHIVE:
            workshop = create_from_archive(
                session=session, data=upload.getvalue(), passphrase=passphrase, keep_code=keep_code
            )
        else:
            workshop = create_workshop(
                session=session, settings=settings, passphrase=passphrase, template=source
            )
        return workshop.id, workshop.code

    try:
        workshop_id, code = actions.write(create)
    except CtgError as error:
        st.error(plain(error.message))
        return
    authorise(workshop_id)
    flash(
        "success",
        f"Atelier créé. Son code est {code} : c'est lui que les partenaires taperont. "
        "Notez la phrase secrète d'animation : elle n'est enregistrée que chiffrée et ne peut pas être "
        "relue.",
    )
    st.rerun()


def admin_passphrase_panel() -> None:
    """Give a workshop (imported from the command line, or whose passphrase is lost) a new passphrase."""
    if not (admin_configured() and admin_authorised()):
        return
    workshops = {w.id: f"{w.code} — {w.title}" for w in actions.read(lambda s: list_workshops(session=s))}
    if not workshops:
        return
    with st.form("admin_set_passphrase"):
        st.markdown("Définir la phrase secrète d'animation d'un atelier existant :")
        chosen = st.selectbox("Atelier", list(workshops), format_func=workshops.get, key="admin_workshop")
        passphrase, again = _passphrase_fields("admin")
        submitted = st.form_submit_button("Définir la phrase secrète")
    if submitted:
        if passphrase != again:
            st.error("Les deux phrases secrètes diffèrent.")
            return
        act(
            lambda s: set_facilitator_passphrase(session=s, workshop_id=chosen, passphrase=passphrase),
            "Phrase secrète définie : les animateurs déjà connectés à cet atelier sont déconnectés.",
        )
        st.rerun()


# --------------------------------------------------------------------------- set-up (facilitator)


def settings_panel(workshop_id: int) -> None:
    current = actions.read(lambda s: workshop_settings(session=s, workshop_id=workshop_id))
    with st.form("workshop_settings"):
        edited = settings_fields(current, prefix="settings")
        submitted = st.form_submit_button("Enregistrer les paramètres", type="primary")
    if submitted:
        act(
            lambda s: update_settings(session=s, workshop_id=workshop_id, settings=edited),
            "Paramètres enregistrés.",
        )
        st.rerun()


def _lines(text: str) -> list[str]:
    return [line for line in text.splitlines() if line.strip()]


def _move(workshop_id: int, topic_id: int, offset: int) -> None:
    act(
        lambda s: move_topic(session=s, workshop_id=workshop_id, topic_id=topic_id, offset=offset),
        "Ordre modifié.",
    )


def _remove(workshop_id: int, topic_id: int) -> None:
    act(lambda s: remove_topic(session=s, workshop_id=workshop_id, topic_id=topic_id), "Sujet supprimé.")


def topics_panel(workshop_id: int) -> None:
    topics = actions.read(lambda s: topic_list(session=s, workshop_id=workshop_id))
    for index, topic in enumerate(topics):
        count = f"{topic.items} contribution{'s' if topic.items > 1 else ''}"
        with st.expander(f"{index + 1}. {plain(topic.title)} ({count})"):
            with st.form(f"topic_{topic.id}"):
                title = st.text_input("Titre", topic.title, max_chars=200, key=f"topic_title_{topic.id}")
                summary = st.text_area("Présentation", topic.summary or "", key=f"topic_summary_{topic.id}")
                objectives = st.text_area(
                    "Objectifs (un par ligne)",
                    "\n".join(topic.objectives),
                    key=f"topic_objectives_{topic.id}",
                )
                if st.form_submit_button("Enregistrer ce sujet"):
                    act(
                        lambda s, t=topic.id, ti=title, su=summary, ob=objectives: update_topic(
                            session=s,
                            workshop_id=workshop_id,
                            topic_id=t,
                            title=ti,
                            summary=su,
                            objectives=_lines(ob),
                        ),
                        "Sujet enregistré.",
                    )
                    st.rerun()
            up, down, remove = st.columns(3)
            up.button(
                "Monter",
                key=f"topic_up_{topic.id}",
                disabled=index == 0,
                on_click=_move,
                args=(workshop_id, topic.id, -1),
            )
            down.button(
                "Descendre",
                key=f"topic_down_{topic.id}",
                disabled=index == len(topics) - 1,
                on_click=_move,
                args=(workshop_id, topic.id, 1),
            )
            remove.button(
                "Supprimer",
                key=f"topic_remove_{topic.id}",
                disabled=topic.items > 0 or len(topics) == 1,
                help="Seul un sujet sans contribution peut être supprimé." if topic.items else None,
                on_click=_remove,
                args=(workshop_id, topic.id),
            )
    with st.form("add_topic", clear_on_submit=True):
        st.markdown("**Ajouter un sujet d'étude**")
        title = st.text_input("Titre du nouveau sujet", max_chars=200, key="new_topic_title")
        summary = st.text_area("Présentation", key="new_topic_summary")
        objectives = st.text_area("Objectifs (un par ligne)", key="new_topic_objectives")
        if st.form_submit_button("Ajouter le sujet"):
            act(
                lambda s: add_topic(
                    session=s,
                    workshop_id=workshop_id,
                    title=title,
                    summary=summary,
                    objectives=_lines(objectives),
                ),
                "Sujet ajouté.",
            )
            st.rerun()


def themes_panel(workshop_id: int) -> None:
    labels = actions.read(lambda s: theme_labels(session=s, workshop_id=workshop_id))
    with st.form("themes"):
        text = st.text_area(
            "Thématiques de la convention (une par ligne)", "\n".join(labels), key="themes_text"
        )
        if st.form_submit_button("Enregistrer les thématiques"):
            act(
                lambda s: set_themes(session=s, workshop_id=workshop_id, labels=_lines(text)),
                "Thématiques enregistrées.",
            )
            st.rerun()


def passphrase_panel(workshop_id: int) -> None:
    with st.form("change_passphrase", clear_on_submit=True):
        passphrase, again = _passphrase_fields("change")
        submitted = st.form_submit_button("Changer la phrase secrète")
    if submitted:
        if passphrase != again:
            st.error("Les deux phrases secrètes diffèrent.")
            return
        if act(
            lambda s: set_facilitator_passphrase(session=s, workshop_id=workshop_id, passphrase=passphrase),
            "Phrase secrète changée : les autres sessions d'animation sont déconnectées.",
        ):
            authorise(workshop_id)
        st.rerun()


# --------------------------------------------------------------------------- page

st.title("Préparer un atelier", anchor=False)
show_flash()
workshop_id = authorised_workshop_id()

if workshop_id is None:
    login_form(
        intro="Pour préparer un atelier existant, saisissez son code et sa phrase secrète d'animation. "
        "Pour en créer un nouveau, ouvrez « Créer un atelier » (mot de passe administrateur)."
    )
    with st.expander("Créer un atelier (administrateur)", expanded=False):
        creation_panel()
        admin_passphrase_panel()
    st.stop()

logout_button()


def code_and_title(session) -> tuple[str, str]:
    workshop = workshop_by_id(session=session, workshop_id=workshop_id)
    return workshop.code, workshop.title


code, title = actions.read(code_and_title)
st.header(f"{plain(title)} — code {code}", anchor=False)
settings_tab, topics_tab, themes_tab, access_tab, privacy_tab, create_tab = st.tabs(
    [
        "Paramètres",
        "Sujets d'étude",
        "Thématiques",
        "Phrase secrète",
        "Données personnelles",
        "Créer un autre atelier",
    ]
)
with settings_tab:
    settings_panel(workshop_id)
with topics_tab:
    topics_panel(workshop_id)
with themes_tab:
    themes_panel(workshop_id)
with access_tab:
    passphrase_panel(workshop_id)
with privacy_tab:
    personal_data_panel(workshop_id, code)
with create_tab:
    creation_panel()
    admin_passphrase_panel()
