"""Open data for the diagnostic: pick a commune's figures in the CAF's and INSEE's CSV files.

CSV import reads the CAF open-data exports (semicolon-separated, `numcomdo`/`numcom`,
`indfoy_…`, `txcouv_…`, `pl_eaje_…`) and INSEE's legal population files
(`CODDEP;CODCOM;COM;PMUN;…`), or any other file through a column mapping. Reading a file never
writes: a bad file raises a French error before anything is stored (see `diagnostic.import_lines`).
The file itself is read by `csv_files.py`, its figures by `french_numbers.py`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from ctg_workshop.drafting.csv_files import MAX_CSV_BYTES, CsvTable, read_csv
from ctg_workshop.drafting.diagnostic import DiagnosticEntry, clean_entry
from ctg_workshop.drafting.french_numbers import MISSING, format_number, parse_number
from ctg_workshop.errors import InvalidInputError
from ctg_workshop.text import folded

__all__ = [
    "MAX_CSV_BYTES",
    "MISSING",
    "ColumnMapping",
    "Commune",
    "CsvTable",
    "FileProfile",
    "ValueColumn",
    "column_label",
    "commune_rows",
    "commune_values",
    "communes",
    "detect_profile",
    "extract_lines",
    "find_commune",
    "format_number",
    "guess_mapping",
    "parse_number",
    "read_csv",
]


# --------------------------------------------------------------------------- mapping columns


@dataclass(frozen=True)
class ValueColumn:
    column: str
    label: str
    unit: str = ""


@dataclass(frozen=True)
class ColumnMapping:
    """How to read a file: the commune's code column(s), its name, the year, the figures."""

    commune_columns: tuple[str, ...]
    name_column: str | None
    values: tuple[ValueColumn, ...]
    year_column: str | None = None


@dataclass(frozen=True)
class FileProfile:
    """A recognised source file: its name for the user, where its lines go, its mapping."""

    name: str
    section: str
    source: str
    mapping: ColumnMapping


@dataclass(frozen=True)
class Commune:
    code: str
    name: str


_YEAR_COLUMNS = {
    "annee",
    "an",
    "dtref",
    "date_ref",
    "date_reference",
    "date reference",
    "millesime",
    "periode",
}
_LABELS = {
    "indfoy_ndur": "Foyers allocataires",
    "indnbp_ndur": "Personnes couvertes par au moins une prestation CAF",
    "pmun": "Population municipale",
    "pcap": "Population comptée à part",
    "ptot": "Population totale",
}
_PREFIXES = {
    "txcouv": "Taux de couverture",
    "pl": "Places",
    "indfoy": "Foyers allocataires",
    "indnbp": "Personnes couvertes",
    "nb": "Nombre",
}
_TOKENS = {
    "eaje": "en EAJE (crèches)",
    "am": "chez les assistants maternels",
    "sad": "chez les salariés à domicile",
    "gad": "chez les salariés à domicile",
    "presco": "en préscolarisation",
    "psu": "financées par la PSU",
    "glo": "global",
    "com": "",
    "ndur": "",
    "dep": "(département)",
    "reg": "(région)",
    "epci": "(EPCI)",
    "nat": "(France)",
}


def column_label(column: str) -> str:
    """A French label for a known open-data column (`txcouv_eaje_com` → Taux de couverture en EAJE …)."""
    key = folded(column)
    if key in _LABELS:
        return _LABELS[key]
    prefix, *tokens = key.split("_")
    if prefix not in _PREFIXES:
        return column
    words = [_TOKENS.get(token, f"({token})") for token in tokens]
    label = " ".join([_PREFIXES[prefix], *(w for w in words if w)])
    if prefix == "txcouv" and not any(w for w in words if not w.startswith("(")):
        label = label.replace("Taux de couverture", "Taux de couverture global de l'accueil du jeune enfant")
    return label


def _is_numeric_column(table: CsvTable, index: int) -> bool:
    values = [row[index] for row in table.rows if row[index].strip() and folded(row[index]) not in MISSING]
    return bool(values) and all(parse_number(v) is not None for v in values)


def _value_columns(table: CsvTable, skip: Iterable[str]) -> tuple[ValueColumn, ...]:
    skipped = set(skip)
    columns = []
    for i, column in enumerate(table.columns):
        plain = folded(column)
        if column in skipped or plain.startswith(("num", "cod", "insee", "dep", "reg")):
            continue
        if _is_numeric_column(table, i):
            unit = "%" if plain.startswith(("tx", "taux", "part", "pct")) else ""
            columns.append(ValueColumn(column, column_label(column), unit))
    return tuple(columns)


def _find(table: CsvTable, *names: str) -> str | None:
    wanted = {folded(n) for n in names}
    return next((c for c in table.columns if folded(c) in wanted), None)


def _year_column(table: CsvTable) -> str | None:
    return next((c for c in table.columns if folded(c) in _YEAR_COLUMNS), None)


def detect_profile(table: CsvTable) -> FileProfile | None:
    """The known source this file comes from (CAF communes, CAF childcare, INSEE), or None."""
    plain = {folded(c) for c in table.columns}
    year = _year_column(table)
    name = _find(table, "nomcom", "com", "libcom", "nom de la commune")
    if {"coddep", "codcom", "pmun"} <= plain:
        commune = (_find(table, "coddep"), _find(table, "codcom"))
        skip = {*commune, name, year, _find(table, "codreg"), _find(table, "codarr"), _find(table, "codcan")}
        values = tuple(v for v in _value_columns(table, skip) if folded(v.column) in _LABELS)
        mapping = ColumnMapping(commune, name, values, year)  # type: ignore[arg-type]
        return FileProfile("INSEE — populations légales des communes", "Le territoire", "INSEE", mapping)
    code = _find(table, "numcomdo", "numcom")
    if code is None:
        return None
    mapping = ColumnMapping((code,), name, _value_columns(table, {code, name, year}), year)
    if any(p.startswith(("txcouv", "pl_")) for p in plain):
        return FileProfile("CAF — accueil du jeune enfant par commune", "La Petite Enfance", "CAF", mapping)
    if any(p.startswith(("indfoy", "indnbp", "ind")) for p in plain):
        return FileProfile("CAF — allocataires par commune", "La population allocataire", "CAF", mapping)
    return FileProfile("CAF — données communales", "La population allocataire", "CAF", mapping)


def guess_mapping(table: CsvTable) -> ColumnMapping:
    """A starting mapping for an unknown file: a code or name column, then its numeric columns."""
    code = next(
        (
            c
            for c in table.columns
            if any(w in folded(c) for w in ("insee", "code", "numcom", "codgeo", "depcom"))
        ),
        None,
    )
    name = next(
        (
            c
            for c in table.columns
            if c != code and any(w in folded(c) for w in ("nom", "libelle", "commune"))
        ),
        None,
    )
    commune = (code,) if code else ((name,) if name else (table.columns[0],))
    year = _year_column(table)
    return ColumnMapping(commune, name, _value_columns(table, {*commune, name, year}), year)


def _commune_code(row: Sequence[str], indexes: Sequence[int]) -> str:
    parts = [row[i].strip() for i in indexes]
    if len(parts) == 2:  # INSEE: department + commune number make the 5-character code
        department, number = parts
        width = max(5 - len(department), 2)
        return department + number.zfill(width)[-width:]
    code = parts[0]
    return code.zfill(5) if code.isdigit() and len(code) == 4 else code


def commune_rows(table: CsvTable, mapping: ColumnMapping, commune: str) -> list[tuple[str, ...]]:
    """Every row of `commune` (one per year in a file with several years)."""
    indexes = _indexes(table, mapping.commune_columns)
    return [row for row in table.rows if _commune_code(row, indexes) == commune]


def _indexes(table: CsvTable, columns: Sequence[str | None]) -> list[int]:
    try:
        return [table.column(c) for c in columns if c]
    except ValueError as error:
        raise InvalidInputError(f"Colonne absente du fichier : {error}.") from error


def communes(table: CsvTable, mapping: ColumnMapping) -> list[Commune]:
    """The communes the file holds (code and name), in file order, each once."""
    indexes = _indexes(table, mapping.commune_columns)
    name = _indexes(table, [mapping.name_column])
    found: dict[str, Commune] = {}
    for row in table.rows:
        code = _commune_code(row, indexes)
        if code and code not in found:
            found[code] = Commune(code, row[name[0]] if name else code)
    return list(found.values())


def find_commune(choices: Sequence[Commune], territory: str) -> Commune | None:
    """The commune named like the workshop's territory, accents and case forgiven."""
    wanted = folded(territory)
    return next((c for c in choices if folded(c.name) == wanted or c.code == territory.strip()), None)


def _year(text: str) -> int:
    match = re.search(r"(19|20)\d\d", text)
    return int(match.group()) if match else -1


def _commune_row(table: CsvTable, mapping: ColumnMapping, commune: str) -> tuple[str, ...]:
    indexes = _indexes(table, mapping.commune_columns)
    rows = [row for row in table.rows if _commune_code(row, indexes) == commune]
    if not rows:
        raise InvalidInputError(f"La commune « {commune} » n'est pas dans ce fichier.")
    if len(rows) > 1:
        if mapping.year_column is None:
            raise InvalidInputError(
                f"{len(rows)} lignes pour la commune « {commune} » et aucune colonne d'année pour "
                "choisir : indiquez la colonne de l'année."
            )
        year = table.column(mapping.year_column)
        rows.sort(key=lambda row: _year(row[year]))
    return rows[-1]


def commune_values(table: CsvTable, mapping: ColumnMapping, commune: str) -> dict[str, str]:
    """The raw cells of the commune's (latest) row, by column: what the mapping preview shows."""
    try:
        row = _commune_row(table, mapping, commune)
    except InvalidInputError:
        return {}
    return dict(zip(table.columns, row, strict=True))


def _value_text(raw: str, unit: str) -> str | None:
    if folded(raw) in MISSING:
        return None
    number = parse_number(raw)
    if number is None:
        return raw[:200]
    return format_number(number, unit)


def extract_lines(
    table: CsvTable,
    mapping: ColumnMapping,
    *,
    commune: str,
    section: str,
    source: str | None = None,
) -> list[DiagnosticEntry]:
    """The diagnostic lines for `commune` (its latest year if the file has several)."""
    if not mapping.values:
        raise InvalidInputError("Choisissez au moins une colonne à importer.")
    row = _commune_row(table, mapping, commune)
    year = row[table.column(mapping.year_column)] if mapping.year_column else ""
    note = " ".join(p for p in (source or "", str(_year(year)) if _year(year) > 0 else "") if p) or None
    lines = []
    for value in mapping.values:
        text = _value_text(row[_indexes(table, [value.column])[0]], value.unit)
        if text is not None:
            entry = DiagnosticEntry(section, value.label or value.column, text, note)
            lines.append(clean_entry(entry, where=f"Colonne « {value.column} »"))
    if not lines:
        raise InvalidInputError(f"Aucune valeur renseignée pour la commune « {commune} » dans ces colonnes.")
    return lines
