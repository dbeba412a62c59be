"""Rédiger: the coordinator's desk — fiches action drafted from the votes, edited field by field
(each change saved at once, in its own transaction), and the documents to download.
"""

import datetime as dt

import streamlit as st

from ctg_workshop.documents.convention import MIME_DOCX, build_convention, convention_data
from ctg_workshop.documents.data_export import export_contributions_csv
from ctg_workshop.documents.deliberation import build_deliberation, deliberation_data
from ctg_workshop.documents.formats import document_bytes
from ctg_workshop.drafting import sheets
from ctg_workshop.drafting.proposals import draft_sheet
from ctg_workshop.storage.lookups import workshop_by_id
from ctg_workshop.storage.models import Quadrant
from ctg_workshop.text import SHEET_TEXT_MAX
from ctg_workshop.wording import QUADRANT_LABELS, plural
from ui import actions
from ui.auth import require_facilitator
from ui.deliberation_form import deliberation_form
from ui.facilitator import bump, generation
from ui.pdf_download import pdf_download
from ui.safe import plain
from ui.workbook_download import workbook_download

_TEXT_WIDGETS = {
    "title": "text_input",
    "target_public": "text_area",
    "schedule": "text_area",
    "lead": "text_input",
}
_LIST_HELP = "Une ligne par élément."

workshop_id = require_facilitator()


# --- State and callbacks ------------------------------------------------------------------------


def widget_key(topic_key: str, name: str) -> str:
    # Bumped when a sheet changes shape (draft, objective added or moved): widgets start afresh.
    return f"sheet_{topic_key}_{generation(f'sheet_{topic_key}')}_{name}"


def run_action(
    action, topic_key: str, *, reshape: bool = False, saved: str = "Enregistré.", **kwargs
) -> None:
    """Call a `sheets`/`drafting` function through the one action path (ui/actions.py)."""
    now = dt.datetime.now().strftime("%H:%M:%S")
    done = actions.run(
        lambda s: action(session=s, workshop_id=workshop_id, topic_key=topic_key, **kwargs),
        success=f"{saved} ({now})",
        kind="toast",
    )
    if done and reshape:
        bump(f"sheet_{topic_key}")


def on_redraft(topic_key: str) -> None:
    """Replace the sheet by a new draft (the page has asked for confirmation), then untick it."""
    st.session_state[f"replace_ok_{topic_key}"] = False
    run_action(
        draft_sheet,
        topic_key,
        reshape=True,
        replace=True,
        saved="Fiche remplacée par un nouveau premier jet.",
    )


def on_text(topic_key: str, field: str, key: str) -> None:
    run_action(sheets.update_text, topic_key, field=field, value=st.session_state[key])


def on_lines(topic_key: str, field: str, key: str) -> None:
    lines = sheets.split_lines(st.session_state[key])
    run_action(sheets.update_lines, topic_key, field=field, lines=lines)


def on_objective(topic_key: str, index: int, heading_key: str, points_key: str) -> None:
    points = sheets.split_lines(st.session_state[points_key])
    run_action(
        sheets.update_objective, topic_key, index=index, heading=st.session_state[heading_key], points=points
    )


# --- Drawing --------------------------------------------------------------------------------------


def init(key: str, value: str) -> str:
    """A widget's first value comes from the database; afterwards the widget keeps what was typed."""
    if key not in st.session_state:
        st.session_state[key] = value
    return key


def show_sources(sources: dict, path: str) -> None:
    for source in sources.get(path, ()):
        quadrant = QUADRANT_LABELS[Quadrant(source.quadrant)]
        votes = (
            "doublon regroupé"
            if source.merged
            else f"{plural(source.dots, 'point')} · {plural(source.voters, 'votant')}"
        )
        who = f" · {source.organisation}" if source.organisation else ""
        st.caption(f"↳ issu de « {plain(source.text)} » — {quadrant}, {votes}{plain(who)}")


def line_sources(sources: dict, field: str, lines: tuple[str, ...]) -> None:
    drafted = [(i, line) for i, line in enumerate(lines) if sources.get(f"{field}[{i}]")]
    if not drafted:
        return
    with st.expander(f"Origine des lignes proposées ({len(drafted)})"):
        for i, line in drafted:
            st.markdown(f"**{plain(line)}**")
            show_sources(sources, f"{field}[{i}]")


def text_field(topic_key: str, sheet: sheets.SheetData, field: str) -> None:
    key = init(widget_key(topic_key, field), getattr(sheet, field))
    widget = st.text_input if _TEXT_WIDGETS[field] == "text_input" else st.text_area
    widget(
        sheets.FIELD_LABELS[field],
        key=key,
        max_chars=SHEET_TEXT_MAX,
        on_change=on_text,
        args=(topic_key, field, key),
    )


def list_field(topic_key: str, sheet: sheets.SheetData, field: str, sources: dict, label: str = "") -> None:
    lines = getattr(sheet, field)
    key = init(widget_key(topic_key, field), "\n".join(lines))
    st.text_area(
        label or sheets.FIELD_LABELS[field],
        key=key,
        height=max(110, 28 * (len(lines) + 1)),
        help=_LIST_HELP,
        on_change=on_lines,
        args=(topic_key, field, key),
    )
    line_sources(sources, field, lines)


def objectives_editor(topic_key: str, sheet: sheets.SheetData, sources: dict) -> None:
    st.markdown(f"**{sheets.FIELD_LABELS[sheets.OBJECTIVES]}**")
    count = len(sheet.operational_objectives)
    for index, objective in enumerate(sheet.operational_objectives):
        with st.container(border=True):
            heading_key = init(widget_key(topic_key, f"objective_{index}_heading"), objective.heading)
            points_key = init(widget_key(topic_key, f"objective_{index}_points"), "\n".join(objective.points))
            args = (topic_key, index, heading_key, points_key)
            st.text_input(
                f"Objectif {index + 1}",
                key=heading_key,
                max_chars=SHEET_TEXT_MAX,
                on_change=on_objective,
                args=args,
            )
            show_sources(sources, f"{sheets.OBJECTIVES}[{index}]")
            st.text_area(
                "Points (un par ligne)", key=points_key, on_change=on_objective, args=args, height=90
            )
            columns = st.columns(3)
            columns[0].button(
                "Monter",
                key=widget_key(topic_key, f"objective_{index}_up"),
                icon=":material/arrow_upward:",
                disabled=index == 0,
                on_click=run_action,
                args=(sheets.move_objective, topic_key),
                kwargs={"reshape": True, "index": index, "offset": -1},
            )
            columns[1].button(
                "Descendre",
                key=widget_key(topic_key, f"objective_{index}_down"),
                icon=":material/arrow_downward:",
                disabled=index == count - 1,
                on_click=run_action,
                args=(sheets.move_objective, topic_key),
                kwargs={"reshape": True, "index": index, "offset": 1},
            )
            columns[2].button(
                "Supprimer",
                key=widget_key(topic_key, f"objective_{index}_delete"),
                icon=":material/delete:",
                on_click=run_action,
                args=(sheets.delete_objective, topic_key),
                kwargs={"reshape": True, "index": index, "saved": "Objectif supprimé."},
            )
    st.button(
        "Ajouter un objectif",
        key=widget_key(topic_key, "objective_add"),
        icon=":material/add:",
        on_click=run_action,
        args=(sheets.add_objective, topic_key),
        kwargs={"reshape": True},
    )


def draft_controls(topic_key: str, has_sheet: bool) -> None:
    if not has_sheet:
        st.info("Ce sujet n'a pas encore de fiche action.")
        columns = st.columns(2)
        columns[0].button(
            "Rédiger un premier jet à partir des résultats",
            key=f"draft_{topic_key}",
            type="primary",
            icon=":material/auto_awesome:",
            on_click=run_action,
            args=(draft_sheet, topic_key),
            kwargs={"reshape": True, "saved": "Premier jet rédigé."},
        )
        columns[1].button(
            "Commencer une fiche vide",
            key=f"empty_{topic_key}",
            icon=":material/note_add:",
            on_click=run_action,
            args=(sheets.create_sheet, topic_key),
            kwargs={"reshape": True, "saved": "Fiche créée."},
        )
        return
    with st.expander("Repartir d'un nouveau premier jet"):
        st.warning(
            "Un nouveau premier jet remplace toute la fiche actuelle, y compris vos modifications.",
            icon=":material/warning:",
        )
        confirm = st.checkbox("Je remplace la fiche actuelle", key=f"replace_ok_{topic_key}")
        st.button(
            "Remplacer par un nouveau premier jet",
            key=f"redraft_{topic_key}",
            disabled=not confirm,
            on_click=on_redraft,
            args=(topic_key,),
        )


def sheet_editor(topic_key: str, sheet: sheets.SheetData, sources: dict) -> None:
    text_field(topic_key, sheet, "title")
    text_field(topic_key, sheet, "target_public")
    objectives_editor(topic_key, sheet, sources)
    list_field(topic_key, sheet, "implementation", sources)
    text_field(topic_key, sheet, "schedule")
    text_field(topic_key, sheet, "lead")
    list_field(topic_key, sheet, "services", sources)
    list_field(topic_key, sheet, "expected_results", sources)
    list_field(topic_key, sheet, "partners", sources, label="Partenaires sollicités (liste non exhaustive)")
    list_field(topic_key, sheet, "indicators", sources)
    if sheet.updated_at:
        st.caption(f"Dernier enregistrement : {sheet.updated_at:%d/%m/%Y %H:%M} (UTC)")


def show_feedback() -> None:
    actions.show(actions.BANNER)
    actions.show(actions.PAGE)


# --- Downloads ------------------------------------------------------------------------------------


def documents_tab(code: str) -> None:
    def convention_as(fmt: str):
        def build() -> bytes:
            data = actions.read(lambda s: convention_data(session=s, workshop_id=workshop_id))
            return document_bytes(
                lambda pages: build_convention(data, toc_pages=pages), fmt, has_contents=True
            )

        return build

    def contributions() -> bytes:
        return actions.read(lambda s: export_contributions_csv(session=s, workshop_id=workshop_id))

    st.header("Projet de convention", anchor=False)
    st.write(
        "Le document Word suit la convention de référence : diagnostic, thématiques, sujets d'étude avec "
        "leur synthèse SWOT et le graphique du vote, fiches action, annexes (contributions et organisations)."
    )
    word, pdf = st.columns(2)
    word.download_button(
        "Télécharger le projet de convention (.docx)",
        data=convention_as("docx"),
        file_name=f"convention-ctg-{code.lower()}.docx",
        mime=MIME_DOCX,
        on_click="ignore",
        icon=":material/description:",
        type="primary",
        key="download_convention",
    )
    pdf_download(
        pdf, "Télécharger en PDF", convention_as("pdf"), f"convention-ctg-{code.lower()}.pdf", "convention"
    )

    st.header("Projet de délibération", anchor=False)
    st.write(
        "La délibération du Conseil Municipal qui autorise la signature de la convention. Ce que seule la "
        "commune connaît se saisit ci-dessous, une fois ; ce qui manque reste entre crochets à compléter."
    )
    deliberation_form(workshop_id)

    def deliberation_as(fmt: str):
        def build() -> bytes:
            data = actions.read(lambda s: deliberation_data(session=s, workshop_id=workshop_id))
            return document_bytes(lambda _pages: build_deliberation(data), fmt)

        return build

    word, pdf = st.columns(2)
    word.download_button(
        "Télécharger le projet de délibération (.docx)",
        data=deliberation_as("docx"),
        file_name=f"deliberation-ctg-{code.lower()}.docx",
        mime=MIME_DOCX,
        on_click="ignore",
        icon=":material/gavel:",
        key="download_deliberation",
    )
    if True:
        pdf_download(
            pdf,
            "Télécharger en PDF",
            deliberation_as("pdf"),
            f"deliberation-ctg-{code.lower()}.pdf",
            "deliberation",
        )

    st.header("Contributions et votes", anchor=False)
    st.write(
        "Un tableau (CSV pour Excel) : une ligne par contribution, avec son sujet, son quadrant, son "
        "organisation, ses points et ses votants. Aucun nom de personne n'y figure."
    )
    st.download_button(
        "Télécharger les contributions (.csv)",
        data=contributions,
        file_name=f"contributions-ctg-{code.lower()}.csv",
        mime="text/csv",
        on_click="ignore",
        icon=":material/table_view:",
        key="download_data",
    )
    workbook_download(workshop_id=workshop_id, code=code)


# --- Page -------------------------------------------------------------------------------------------


def code_and_topics(session) -> tuple[str, dict[str, str]]:
    workshop = workshop_by_id(session=session, workshop_id=workshop_id)
    return workshop.code, {t.key: t.title for t in workshop.topics}


code, topics = actions.read(code_and_topics)

st.title("Rédiger la convention")
st.caption(
    "Les fiches action partent des résultats de l'atelier : chaque modification est enregistrée dès que "
    "vous quittez le champ."
)
show_feedback()

sheets_tab, documents = st.tabs(["Fiches action", "Documents et données"])
with sheets_tab:
    topic_key = st.selectbox("Sujet d'étude", list(topics), format_func=topics.get, key="rediger_topic")
    sheet, sources = actions.read(
        lambda s: (
            sheets.get_sheet(session=s, workshop_id=workshop_id, topic_key=topic_key),
            sheets.sheet_sources(session=s, workshop_id=workshop_id, topic_key=topic_key),
        )
    )
    draft_controls(topic_key, sheet is not None)
    if sheet is not None:
        sheet_editor(topic_key, sheet, sources)
with documents:
    documents_tab(code)
