"""Participer: a partner joins with the workshop code, writes SWOT items, spends dots, reads results.

Phone first, no account, no auto-refresh. Identity lives in the URL, the session and a cookie
(see ui/participant.py); every action goes through ctg_workshop.participation or voting,
which refuse what the current phase forbids.
"""

import streamlit as st

from ctg_workshop.db import read_session, write_session
from ctg_workshop.errors import CtgError, PhaseError
from ctg_workshop.identifiers import new_token, normalize_code
from ctg_workshop.models import QUADRANT_LABELS, Phase, Quadrant
from ctg_workshop.participation import (
    Identity,
    OwnItem,
    TopicInfo,
    TopicItems,
    VoteChoice,
    WorkshopInfo,
    add_item,
    closed_results,
    delete_own_item,
    edit_own_item,
    find_workshop,
    join_workshop,
    participant_by_token,
    topic_items_for_participant,
    vote_sheet,
)
from ctg_workshop.text import ITEM_TEXT_MAX, SHORT_TEXT_MAX
from ctg_workshop.voting import DotBalance, add_dot, remove_dot
from ui import participant as ui
from ui.engine import engine

_EDITING = "participer_editing"
_CONFIRM_DELETE = "participer_confirm_delete"
_PENDING_TOKEN = "participer_pending_token"
_JOIN_CHOSEN = "participer_join_chosen"
_JOIN_TYPED = "participer_join_typed"
_JOIN_NAME = "participer_join_name"
_TOPIC = "participer_topic"
# What the last dot changed, for the card and the counter redrawn alone (cleared by a full run).
_FRESH_DOTS = "participer_fresh_dots"
_FRESH_BALANCE = "participer_fresh_balance"
_BALANCE_FRAGMENT = "participer_balance"


def plural(count: int, word: str) -> str:
    """French count: 0 and 1 take the singular."""
    return f"{count} {word}{'s' if count > 1 else ''}"


# --- Callbacks (run before the page is drawn again) -------------------------------------------
#
# A tap in a quadrant or on a vote card redraws that fragment only (see ui.participant); each
# callback names the fragments its result shows in.


def quadrant_key(quadrant: str) -> str:
    return f"participer_quadrant_{quadrant}"


def card_fragment_key(item_id: int) -> str:
    return f"participer_card_{item_id}"


def on_add_item(participant_id: int, topic_key: str, quadrant: str, widget_key: str, where: str) -> None:
    text = st.session_state.get(widget_key, "")
    try:
        with write_session(engine()) as session:
            add_item(
                session=session,
                participant_id=participant_id,
                topic_key=topic_key,
                quadrant=quadrant,
                text=text,
            )
    except PhaseError as error:
        ui.keep_unsaved(where, text)
        ui.flash("top", "error", error.message)
    except CtgError as error:
        ui.flash(widget_key, "error", error.message)
    else:
        ui.clear_field_later(widget_key)
        ui.flash(widget_key, "success", "Contribution ajoutée.")
    ui.rerun_fragments(quadrant_key(quadrant))


def on_start_edit(item: OwnItem) -> None:
    st.session_state[_EDITING] = item.id
    st.session_state[f"edit_text_{item.id}"] = item.text
    st.session_state.pop(_CONFIRM_DELETE, None)
    ui.rerun_fragments(quadrant_key(item.quadrant))


def on_cancel_edit(quadrant: str) -> None:
    st.session_state.pop(_EDITING, None)
    ui.rerun_fragments(quadrant_key(quadrant))


def on_save_edit(participant_id: int, item_id: int, quadrant: str) -> None:
    text = st.session_state.get(f"edit_text_{item_id}", "")
    try:
        with write_session(engine()) as session:
            edit_own_item(session=session, participant_id=participant_id, item_id=item_id, text=text)
    except PhaseError as error:
        ui.keep_unsaved("Correction", text)
        st.session_state.pop(_EDITING, None)
        ui.flash("top", "error", error.message)
    except CtgError as error:
        ui.flash(f"item_{item_id}", "error", error.message)
    else:
        st.session_state.pop(_EDITING, None)
        ui.flash(f"item_{item_id}", "success", "Correction enregistrée.")
    ui.rerun_fragments(quadrant_key(quadrant))


def on_ask_delete(item_id: int, quadrant: str) -> None:
    st.session_state[_CONFIRM_DELETE] = item_id
    st.session_state.pop(_EDITING, None)
    ui.rerun_fragments(quadrant_key(quadrant))


def on_cancel_delete(quadrant: str) -> None:
    st.session_state.pop(_CONFIRM_DELETE, None)
    ui.rerun_fragments(quadrant_key(quadrant))


def on_delete(participant_id: int, item_id: int, slot: str, quadrant: str) -> None:
    st.session_state.pop(_CONFIRM_DELETE, None)
    try:
        with write_session(engine()) as session:
            delete_own_item(session=session, participant_id=participant_id, item_id=item_id)
    except PhaseError as error:
        ui.flash("top", "error", error.message)
    except CtgError as error:
        ui.flash(f"item_{item_id}", "error", error.message)
    else:
        ui.flash(slot, "success", "Contribution supprimée.")
    ui.rerun_fragments(quadrant_key(quadrant))


def on_change_dots(participant_id: int, item_id: int, more: bool) -> None:
    change = add_dot if more else remove_dot
    try:
        with write_session(engine()) as session:
            balance = change(session=session, participant_id=participant_id, item_id=item_id)
    except PhaseError as error:
        ui.flash("top", "error", error.message)
    except CtgError as error:
        ui.flash(f"vote_{item_id}", "error", error.message)
    else:
        done = "Point ajouté" if more else "Point retiré"
        ui.flash(f"vote_{item_id}", "success", f"{done} : {balance.sentence()}.")
        # The card and the counter show what the database now says, without a new query.
        st.session_state.setdefault(_FRESH_DOTS, {})[item_id] = balance.on_item
        st.session_state[_FRESH_BALANCE] = (balance.topic_id, balance.budget, balance.spent)
    ui.rerun_fragments(card_fragment_key(item_id), _BALANCE_FRAGMENT)


# --- Finding the workshop and the participant --------------------------------------------------


def show_code_entry() -> None:
    st.title("Participer à un atelier", anchor=False)
    st.write("Saisissez le code affiché par l'animateur, ou scannez le QR code projeté en salle.")
    with st.form("participer_code"):
        typed = st.text_input("Code de l'atelier", max_chars=20, placeholder="Par exemple : ARM 2023")
        submitted = st.form_submit_button("Continuer", type="primary")
    if submitted:
        try:
            with read_session(engine()) as session:
                workshop = find_workshop(session=session, code=typed)
        except CtgError as error:
            st.error(ui.literal(error.message))
        else:
            st.query_params[ui.CODE_PARAM] = workshop.code
            st.rerun()
    for code in ui.remembered_codes():
        if st.button(f"Reprendre l'atelier {code}", key=f"resume_{code}"):
            st.query_params[ui.CODE_PARAM] = code
            st.rerun()


def resolve_identity(code: str) -> Identity | None:
    candidates = ui.candidate_tokens(code)
    with read_session(engine()) as session:
        for token in candidates:
            identity = participant_by_token(session=session, token=token, code=code)
            if identity is not None:
                return identity
    if ui.TOKEN_PARAM in st.query_params:
        del st.query_params[ui.TOKEN_PARAM]
        st.warning("Ce lien de participation n'est plus valable : rejoignez l'atelier de nouveau.")
    return None


def workshop_heading(workshop: WorkshopInfo) -> None:
    st.title(ui.literal(workshop.title), anchor=False)
    st.markdown(
        f"{ui.literal(workshop.territory)} · code **{workshop.code}** · phase : **{workshop.phase_label}**"
    )


def on_join(workshop_code: str) -> None:
    """Join in the button's callback: the same run then draws the participant's page."""
    typed = st.session_state.get(_JOIN_TYPED) or ""
    chosen = st.session_state.get(_JOIN_CHOSEN)
    organisation = typed if typed.strip() else (chosen or "")
    token = st.session_state.setdefault(_PENDING_TOKEN, new_token())
    try:
        with write_session(engine()) as session:
            identity = join_workshop(
                session=session,
                code=workshop_code,
                organisation=organisation,
                name=st.session_state.get(_JOIN_NAME) or "",
                token=token,
            )
    except CtgError as error:
        ui.flash("join", "error", error.message)
    else:
        st.session_state.pop(_PENDING_TOKEN, None)
        ui.remember(identity)


def show_join(workshop: WorkshopInfo) -> None:
    workshop_heading(workshop)
    st.header("Rejoindre l'atelier", anchor=False)
    organisations = ui.organisations_of(workshop.id)
    with st.form("participer_join"):
        if organisations:
            st.selectbox(
                "Votre organisation",
                organisations,
                index=None,
                placeholder="Choisissez dans la liste",
                key=_JOIN_CHOSEN,
            )
        new_label = (
            "Elle n'est pas dans la liste ? Écrivez son nom" if organisations else "Votre organisation"
        )
        st.text_input(new_label, max_chars=SHORT_TEXT_MAX, key=_JOIN_TYPED)
        st.text_input("Votre nom (facultatif)", max_chars=SHORT_TEXT_MAX, key=_JOIN_NAME)
        st.markdown(ui.SHORT_PRIVACY_NOTICE)
        ui.tap_button("Rejoindre l'atelier", on_join, workshop.code, form=True, type="primary")
    ui.show_flash("join")


# --- Topic choice --------------------------------------------------------------------------------


def choose_topic(workshop: WorkshopInfo) -> TopicInfo:
    """The topic picker; the choice is also kept in the URL (`?sujet=…`) for reloads."""
    titles = {topic.key: topic.title for topic in workshop.topics}
    if st.session_state.get(_TOPIC) not in titles:
        requested = st.query_params.get(ui.TOPIC_PARAM)
        st.session_state[_TOPIC] = requested if requested in titles else workshop.topics[0].key
    key = st.selectbox("Sujet d'étude", list(titles), format_func=titles.get, key=_TOPIC)
    if st.query_params.get(ui.TOPIC_PARAM) != key:
        st.query_params[ui.TOPIC_PARAM] = key
    return workshop.topic(key)


def show_topic(topic: TopicInfo, *, expanded: bool) -> None:
    if not (topic.summary or topic.objectives):
        return
    with st.expander("Le sujet en bref", expanded=expanded):
        if topic.summary:
            st.markdown(ui.literal(topic.summary))
        if topic.objectives:
            st.markdown("Objectifs :\n" + "\n".join(f"- {ui.literal(o)}" for o in topic.objectives))


# --- Writing (collect) and reading (group) -------------------------------------------------------


def others_list(items: TopicItems, quadrant: Quadrant) -> None:
    others = items.others_in(quadrant.value)
    with st.expander(f"Contributions des autres partenaires ({len(others)})"):
        if not others:
            st.markdown("Aucune pour l'instant.")
        ui.bullet_list(
            f"{item.text} — {item.organisation}" if item.organisation else item.text for item in others
        )


def add_form(identity: Identity, topic: TopicInfo, quadrant: Quadrant) -> None:
    widget_key = f"new_{topic.key}_{quadrant.value}"
    ui.apply_pending_clear(widget_key)
    with st.form(f"form_{widget_key}", border=False):
        st.text_area(
            ui.NEW_ITEM_LABELS[quadrant],
            key=widget_key,
            height=96,
            placeholder=f"Une idée par contribution, {ITEM_TEXT_MAX} caractères au plus.",
        )
        where = f"{QUADRANT_LABELS[quadrant]} — {topic.title}"
        ui.tap_button(
            ui.ADD_BUTTON_LABELS[quadrant],
            on_add_item,
            identity.participant_id,
            topic.key,
            quadrant.value,
            widget_key,
            where,
            form=True,
            type="primary",
        )
    ui.show_flash(widget_key, quadrant_key(quadrant.value))


def edit_form(identity: Identity, item: OwnItem) -> None:
    ui.mark_transient(quadrant_key(item.quadrant))
    with st.form(f"edit_form_{item.id}", border=False):
        st.text_area("Corriger ma contribution", key=f"edit_text_{item.id}")
        with st.container(horizontal=True):
            ui.tap_button(
                "Enregistrer",
                on_save_edit,
                identity.participant_id,
                item.id,
                item.quadrant,
                form=True,
                type="primary",
            )
            ui.tap_button("Annuler", on_cancel_edit, item.quadrant, form=True)


def own_item_card(identity: Identity, item: OwnItem, *, editable: bool, slot: str) -> None:
    with st.container(border=True):
        if editable and st.session_state.get(_EDITING) == item.id:
            edit_form(identity, item)
        else:
            ui.item_text(item.text)
        if editable and st.session_state.get(_CONFIRM_DELETE) == item.id:
            ui.mark_transient(quadrant_key(item.quadrant))
            st.warning("Supprimer cette contribution ? Elle disparaîtra pour tout le monde.")
            with st.container(horizontal=True):
                ui.tap_button(
                    "Oui, supprimer",
                    on_delete,
                    identity.participant_id,
                    item.id,
                    slot,
                    item.quadrant,
                    key=f"delete_yes_{item.id}",
                    type="primary",
                )
                ui.tap_button("Annuler", on_cancel_delete, item.quadrant, key=f"delete_no_{item.id}")
        elif editable and st.session_state.get(_EDITING) != item.id:
            with st.container(horizontal=True):
                ui.tap_button("Modifier", on_start_edit, item, key=f"edit_{item.id}", icon=":material/edit:")
                ui.tap_button(
                    "Supprimer",
                    on_ask_delete,
                    item.id,
                    item.quadrant,
                    key=f"delete_{item.id}",
                    icon=":material/delete:",
                )
        ui.show_flash(f"item_{item.id}", quadrant_key(item.quadrant))


def quadrant_section(identity: Identity, topic: TopicInfo, quadrant: Quadrant, *, editable: bool) -> None:
    """One SWOT quadrant: its form, the partner's own items, the others'. A fragment: adding,
    correcting or deleting an item redraws this quadrant only."""
    ui.follow_the_page()
    with read_session(engine()) as session:
        items = topic_items_for_participant(
            session=session,
            participant_id=identity.participant_id,
            topic_key=topic.key,
            quadrant=quadrant.value,
        )
    with st.container(border=True):
        st.header(QUADRANT_LABELS[quadrant], anchor=False)
        st.markdown(ui.QUADRANT_HELP[quadrant])
        if editable:
            add_form(identity, topic, quadrant)
        slot = f"quadrant_{topic.key}_{quadrant.value}"
        ui.show_flash(slot, quadrant_key(quadrant.value))
        mine = items.own_in(quadrant.value)
        if mine:
            st.markdown(f"**Vos contributions ({len(mine)})**")
        for item in mine:
            own_item_card(identity, item, editable=editable, slot=slot)
        others_list(items, quadrant)


def show_items(identity: Identity, topic: TopicInfo, *, editable: bool) -> None:
    for quadrant in Quadrant:
        section = st.fragment(quadrant_section, key=quadrant_key(quadrant.value))
        section(identity, topic, quadrant, editable=editable)


# --- Vote and results -----------------------------------------------------------------------------


def vote_card(identity: Identity, choice: VoteChoice, max_dots: int) -> None:
    """One item open to dots. A fragment: a tap redraws this card and the counter only."""
    ui.follow_the_page()
    my_dots = st.session_state.get(_FRESH_DOTS, {}).get(choice.item_id, choice.my_dots)
    with st.container(border=True):
        ui.item_text(choice.text, choice.organisation)
        ui.member_list(choice.members)
        dots = "●" * my_dots + "○" * (max_dots - my_dots)
        st.markdown(f"Vos points ici : **{my_dots}** sur {max_dots} {dots}")
        with st.container(horizontal=True):
            ui.tap_button(
                "Retirer",
                on_change_dots,
                identity.participant_id,
                choice.item_id,
                False,
                key=f"less_{choice.item_id}",
                icon=":material/remove:",
                disabled=my_dots == 0,
            )
            ui.tap_button(
                "Ajouter un point",
                on_change_dots,
                identity.participant_id,
                choice.item_id,
                True,
                key=f"more_{choice.item_id}",
                icon=":material/add:",
                type="primary",
            )
        ui.show_flash(f"vote_{choice.item_id}", card_fragment_key(choice.item_id))


def vote_counter(balance: DotBalance, max_dots_per_item: int) -> None:
    """The partner's dots left on the topic. A fragment, redrawn with the card a dot went to."""
    fresh = st.session_state.get(_FRESH_BALANCE)
    if fresh is not None and fresh[0] == balance.topic_id:
        balance = DotBalance(fresh[0], fresh[1], fresh[2], 0)
    st.info(f"**{balance.sentence()}** pour ce sujet · {max_dots_per_item} au plus par contribution")


def show_vote(identity: Identity, topic: TopicInfo) -> None:
    with read_session(engine()) as session:
        sheet = vote_sheet(session=session, participant_id=identity.participant_id, topic_key=topic.key)
    # A full run reads the database: what the last taps remembered is no longer needed.
    st.session_state.pop(_FRESH_DOTS, None)
    st.session_state.pop(_FRESH_BALANCE, None)
    st.fragment(vote_counter, key=_BALANCE_FRAGMENT)(sheet.balance, sheet.max_dots_per_item)
    if not sheet.choices:
        st.markdown("Aucune contribution à départager dans ce sujet.")
    for quadrant in Quadrant:
        choices = [c for c in sheet.choices if c.quadrant == quadrant.value]
        if choices:
            st.header(QUADRANT_LABELS[quadrant], anchor=False)
        for choice in choices:
            st.fragment(vote_card, key=card_fragment_key(choice.item_id))(
                identity, choice, sheet.max_dots_per_item
            )


def show_results(workshop: WorkshopInfo, topic: TopicInfo) -> None:
    with read_session(engine()) as session:
        lines = closed_results(session=session, workshop_id=workshop.id, topic_key=topic.key)
    if not lines:
        st.markdown("Aucune contribution dans ce sujet.")
    for line in lines:
        with st.container(border=True):
            st.text(f"{line.rank}. {line.text}", width="stretch")
            facts = f"{line.quadrant_label} · {plural(line.dots, 'point')} · {plural(line.voters, 'votant')}"
            st.markdown(f"**{facts}**")
            if line.organisation:
                st.text(f"— {line.organisation}", width="stretch")
            ui.member_list(line.members)


# --- The participant's page -----------------------------------------------------------------------


def show_unsaved() -> None:
    for where, text in list(ui.unsaved_texts().items()):
        with st.container(border=True):
            st.markdown(
                f"**Texte non enregistré** ({ui.literal(where)}) : la phase a changé avant l'envoi. "
                "Copiez-le si vous voulez le garder."
            )
            st.code(text, language=None, wrap_lines=True)
            ui.tap_button("J'ai copié ce texte, l'effacer", ui.dismiss_unsaved, where, key=f"dismiss_{where}")


def show_identity_footer(identity: Identity) -> None:
    with st.expander("Votre lien personnel et vos données"):
        link = ui.personal_link(identity)
        if link:
            st.markdown(
                "Ce lien vous ramène à vos contributions, sur ce téléphone ou un autre appareil. "
                "Ne le partagez pas : il vous identifie."
            )
            st.code(link, language=None, wrap_lines=True)
        st.markdown(ui.PRIVACY_NOTICE)
        st.download_button(
            "Télécharger mes données",
            ui.my_data_download(identity),
            file_name=f"mes-donnees-{identity.workshop_code}.json",
            mime="application/json",
            on_click="ignore",
            icon=":material/download:",
            key="my_data",
        )
        ui.tap_button(
            "Ce n'est pas moi : quitter l'atelier sur cet appareil",
            ui.forget,
            identity.workshop_code,
            key="forget",
        )


def show_participant(workshop: WorkshopInfo, identity: Identity) -> None:
    workshop_heading(workshop)
    who = identity.organisation + (f" ({identity.name})" if identity.name else "")
    st.text(f"Vous participez au nom de : {who}", width="stretch")
    st.info(ui.phase_explanation(workshop))
    st.button("Actualiser", icon=":material/refresh:", key="refresh")
    ui.show_flash("top")
    show_unsaved()
    topic = choose_topic(workshop)
    phase = Phase(workshop.phase)
    show_topic(topic, expanded=phase == Phase.COLLECT)
    if phase in (Phase.COLLECT, Phase.GROUP):
        show_items(identity, topic, editable=phase == Phase.COLLECT)
    elif phase == Phase.VOTE:
        show_vote(identity, topic)
    else:
        show_results(workshop, topic)
    show_identity_footer(identity)


def show_page() -> None:
    code = normalize_code(ui.requested_code())
    if not code:
        show_code_entry()
        return
    try:
        with read_session(engine()) as session:
            workshop = find_workshop(session=session, code=code)
    except CtgError as error:
        st.error(ui.literal(error.message))
        show_code_entry()
        return
    identity = resolve_identity(workshop.code)
    if identity is not None:
        ui.remember(identity)
        show_participant(workshop, identity)
    elif workshop.phase == Phase.CLOSED:
        workshop_heading(workshop)
        st.info(ui.phase_explanation(workshop))
        show_results(workshop, choose_topic(workshop))
    else:
        show_join(workshop)


ui.start_page_run()
ui.page_style()
with st.container(key=ui.PAGE_KEY):
    show_page()
ui.cookie_script()
