"""Diagnostic: the territory's figures (section, label, value, note), edited in a table and saved as
soon as the table is valid, or imported from the CAF / INSEE open-data CSV files; the written
analysis of each section (ui/narrative.py).
"""

import pandas as pd
import streamlit as st

from ctg_workshop.drafting import diagnostic as diag
from ctg_workshop.drafting import opendata
from ctg_workshop.errors import CtgError
from ctg_workshop.storage.lookups import workshop_by_id
from ui import actions
from ui.auth import require_facilitator
from ui.facilitator import bump, generation, show_flash
from ui.narrative import narrative_section
from ui.opendata_indicator import fill_indicator_panel
from ui.safe import plain

_TABLE = "diagnostic_table"
_LABELS = diag.COLUMN_LABELS
_NO_UNIT = "aucune"

workshop_id = require_facilitator()


def on_table_change(lines: list[diag.DiagnosticEntry], key: str) -> None:
    """Apply the editor's changes to the lines it showed; save when every row is complete."""
    state = st.session_state[key]
    edited = {int(index): changes for index, changes in state.get("edited_rows", {}).items()}
    rows = diag.apply_table_edits(
        lines, edited=edited, added=state.get("added_rows", []), deleted=state.get("deleted_rows", [])
    )
    if any(diag.is_blank(row) or diag.is_incomplete(row) for row in rows):
        # Saved once every row is complete: the editor keeps the row being typed meanwhile.
        actions.say(
            _TABLE,
            "info",
            "Ligne en cours de saisie : le tableau sera enregistré dès que Rubrique, Indicateur et Valeur "
            "seront remplis (ou la ligne supprimée).",
        )
        return
    done = actions.run(
        lambda s: diag.replace_lines(session=s, workshop_id=workshop_id, lines=rows),
        success="Diagnostic enregistré.",
        kind="toast",
        slot=_TABLE,
    )
    if done:
        bump("diagnostic_table")


def show_feedback() -> None:
    actions.show(_TABLE)


def table_editor(lines: list[diag.DiagnosticEntry]) -> None:
    frame = pd.DataFrame(
        {
            _LABELS["position"]: list(range(1, len(lines) + 1)),
            _LABELS["section"]: [line.section for line in lines],
            _LABELS["label"]: [line.label for line in lines],
            _LABELS["value"]: [line.value for line in lines],
            _LABELS["note"]: [line.note or "" for line in lines],
        }
    )
    key = f"diagnostic_table_{generation('diagnostic_table')}"
    text = st.column_config.TextColumn
    st.data_editor(
        frame,
        key=key,
        num_rows="dynamic",
        hide_index=True,
        height=min(36 * (len(lines) + 2), 640),
        width="stretch",
        column_config={
            _LABELS["position"]: st.column_config.NumberColumn(
                _LABELS["position"],
                help="Changez le numéro pour déplacer la ligne.",
                min_value=1,
                step=1,
                width="small",
            ),
            _LABELS["section"]: text(_LABELS["section"], max_chars=200, help="Ex. : Le territoire"),
            _LABELS["label"]: text(_LABELS["label"], max_chars=200, width="medium"),
            _LABELS["value"]: text(_LABELS["value"], max_chars=200, help="Tel qu'imprimé : 24 882, 34,8 %"),
            _LABELS["note"]: text(_LABELS["note"], max_chars=200, width="medium"),
        },
        on_change=on_table_change,
        args=(lines, key),
    )


def _unit(choice: object) -> str:
    return "" if choice in (None, _NO_UNIT) or choice != choice else str(choice)


def mapping_editor(
    table: opendata.CsvTable, mapping: opendata.ColumnMapping, commune: str, key: str
) -> opendata.ColumnMapping:
    """Which columns to import and under which label (pre-filled for known files)."""
    sample = opendata.commune_values(table, mapping, commune)
    chosen = {v.column: v for v in mapping.values}
    skipped = {*mapping.commune_columns, mapping.name_column, mapping.year_column}
    columns = [c for c in table.columns if c not in skipped]
    frame = pd.DataFrame(
        {
            "Importer": [c in chosen for c in columns],
            "Colonne": columns,
            "Valeur (commune choisie)": [sample.get(c, "") for c in columns],
            "Libellé dans le diagnostic": [
                chosen[c].label if c in chosen else opendata.column_label(c) for c in columns
            ],
            "Unité": [(chosen[c].unit if c in chosen else "") or _NO_UNIT for c in columns],
        }
    )
    edited = st.data_editor(
        frame,
        key=key,
        hide_index=True,
        width="stretch",
        disabled=["Colonne", "Valeur (commune choisie)"],
        column_config={
            "Unité": st.column_config.SelectboxColumn(
                "Unité", options=[_NO_UNIT, "%", "€", "places"], required=True
            )
        },
    )
    values = tuple(
        opendata.ValueColumn(
            r["Colonne"], str(r["Libellé dans le diagnostic"] or r["Colonne"]), _unit(r["Unité"])
        )
        for r in edited.to_dict("records")
        if r["Importer"]
    )
    return opendata.ColumnMapping(mapping.commune_columns, mapping.name_column, values, mapping.year_column)


def unknown_file_mapping(table: opendata.CsvTable) -> opendata.ColumnMapping:
    guess = opendata.guess_mapping(table)
    columns = list(table.columns)
    none = "(aucune)"
    left, middle, right = st.columns(3)
    commune = left.selectbox(
        "Colonne de la commune (code ou nom)",
        columns,
        index=columns.index(guess.commune_columns[0]),
        key="diagnostic_map_commune",
    )
    names = [none, *columns]
    name = middle.selectbox(
        "Colonne du nom (facultatif)",
        names,
        index=names.index(guess.name_column or none),
        key="diagnostic_map_name",
    )
    year = right.selectbox(
        "Colonne de l'année (facultatif)",
        names,
        index=names.index(guess.year_column or none),
        key="diagnostic_map_year",
    )
    return opendata.ColumnMapping(
        (commune,), None if name == none else name, guess.values, None if year == none else year
    )


def import_section(territory: str) -> None:
    st.header("Importer depuis un fichier CSV", anchor=False)
    st.write(
        "Fichiers open data de la CAF (allocataires par commune, accueil du jeune enfant), populations "
        "légales de l'INSEE, ou tout autre CSV (séparateur point-virgule, virgule ou tabulation ; nombres "
        "au format français acceptés)."
    )
    upload = st.file_uploader(
        "Fichier CSV", type=["csv", "txt"], key=f"diagnostic_upload_{generation('diagnostic_upload')}"
    )
    if upload is None:
        return
    try:
        table = opendata.read_csv(upload.getvalue())
    except CtgError as error:
        st.error(plain(f"Fichier refusé : {error.message} Le diagnostic n'a pas été modifié."))
        return
    profile = opendata.detect_profile(table)
    st.caption(
        f"{len(table.rows)} lignes, {len(table.columns)} colonnes · encodage {table.encoding} · "
        f"séparateur « {table.delimiter if table.delimiter != chr(9) else 'tabulation'} »"
    )
    with st.expander("Aperçu du fichier"):
        st.dataframe(pd.DataFrame(list(table.rows[:20]), columns=list(table.columns)), hide_index=True)
    if profile is not None:
        st.success(f"Fichier reconnu : {profile.name}.", icon=":material/check_circle:")
        mapping = profile.mapping
    else:
        st.info("Format non reconnu : indiquez les colonnes à lire.", icon=":material/help:")
        mapping = unknown_file_mapping(table)
    try:
        choices = opendata.communes(table, mapping)
    except CtgError as error:
        st.error(plain(error.message))
        return
    default = opendata.find_commune(choices, territory)
    commune = st.selectbox(
        "Commune",
        choices,
        index=choices.index(default) if default else 0,
        format_func=lambda c: f"{c.name} ({c.code})" if c.name != c.code else c.code,
        key="diagnostic_commune",
    )
    mapping = mapping_editor(
        table, mapping, commune.code, key=f"diagnostic_columns_{generation('diagnostic_upload')}"
    )
    left, right = st.columns(2)
    section = left.text_input(
        "Rubrique du diagnostic",
        value=profile.section if profile else "Le territoire",
        key="diagnostic_section",
    )
    source = right.text_input(
        "Source (précision)", value=profile.source if profile else "", key="diagnostic_source"
    )
    fill_indicator_panel(workshop_id, table, mapping, commune.code)
    try:
        lines = opendata.extract_lines(table, mapping, commune=commune.code, section=section, source=source)
    except CtgError as error:
        st.error(plain(error.message))
        return
    st.markdown("**Aperçu des lignes à ajouter**")
    st.dataframe(
        pd.DataFrame(
            {
                _LABELS["section"]: [line.section for line in lines],
                _LABELS["label"]: [line.label for line in lines],
                _LABELS["value"]: [line.value for line in lines],
                _LABELS["note"]: [line.note or "" for line in lines],
            }
        ),
        hide_index=True,
    )
    if st.button(f"Ajouter ces {len(lines)} lignes au diagnostic", type="primary", key="diagnostic_import"):
        done = actions.run(
            lambda s: diag.import_lines(session=s, workshop_id=workshop_id, lines=lines),
            success=f"{len(lines)} lignes ajoutées au diagnostic.",
            kind="toast",
            slot=_TABLE,
        )
        if not done:
            refusal = actions.pending(_TABLE)
            reason = refusal[1] if refusal else ""
            st.error(plain(f"Import refusé : {reason} Le diagnostic n'a pas été modifié."))
            return
        bump("diagnostic_table")
        bump("diagnostic_upload")
        st.rerun()


territory, lines = actions.read(
    lambda s: (
        workshop_by_id(session=s, workshop_id=workshop_id).territory,
        diag.list_lines(session=s, workshop_id=workshop_id),
    )
)

st.title("Diagnostic du territoire")
st.caption(
    "Les chiffres du territoire, par rubrique : ils forment les tableaux du diagnostic dans le projet de "
    "convention. Modifiez une cellule, ajoutez ou supprimez une ligne : le tableau est enregistré dès qu'il "
    "est complet. Pour déplacer une ligne, changez son numéro."
)
show_flash()
table_editor(lines)
show_feedback()  # below the table: a message never moves the cells being edited
st.divider()
narrative_section(workshop_id)
st.divider()
import_section(territory)
