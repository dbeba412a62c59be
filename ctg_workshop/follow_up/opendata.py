"""The CAF's open-data files fill an indicator's yearly values: a file with a year column
(`annee`) and a figure column (`txcouv_eaje_com`…) gives the commune's figure for each year of
the convention's period (`drafting/opendata.py` reads the file)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy.orm import Session

from ctg_workshop.drafting.opendata import MISSING, ColumnMapping, CsvTable, commune_rows, parse_number
from ctg_workshop.errors import InvalidInputError
from ctg_workshop.follow_up.indicators import indicator_in_workshop, write_figure
from ctg_workshop.follow_up.numbers import decimal_to_milli
from ctg_workshop.storage.lookups import workshop_by_id
from ctg_workshop.text import folded

OPEN_DATA = "Open data CAF"
_THOUSANDTH = Decimal("0.001")


@dataclass(frozen=True)
class YearlyFigures:
    column: str
    figures: dict[int, int]  # year → thousandths


def figure_columns(table: CsvTable, mapping: ColumnMapping) -> list[str]:
    """Columns that can fill an indicator: figures, when the file has a year column."""
    if mapping.year_column is None:
        return []
    return [v.column for v in mapping.values]


def yearly_figures(table: CsvTable, mapping: ColumnMapping, *, commune: str, column: str) -> YearlyFigures:
    """The commune's figure in `column` for each year the file holds."""
    if mapping.year_column is None:
        raise InvalidInputError(
            "Ce fichier n'a pas de colonne d'année : il ne peut pas remplir un indicateur."
        )
    year_index, value_index = table.column(mapping.year_column), table.column(column)
    figures: dict[int, int] = {}
    for row in commune_rows(table, mapping, commune):
        year_text, raw = row[year_index].strip(), row[value_index]
        if not year_text[:4].isdigit() or folded(raw) in MISSING:
            continue
        number = parse_number(raw)
        if number is not None:
            figures[int(year_text[:4])] = decimal_to_milli(number.quantize(_THOUSANDTH))
    if not figures:
        raise InvalidInputError(
            f"Aucune valeur de « {column} » pour la commune « {commune} » dans ce fichier."
        )
    return YearlyFigures(column, figures)


def fill_indicator(
    *, session: Session, workshop_id: int, indicator_id: int, figures: YearlyFigures
) -> list[int]:
    """Write the file's figures for the years of the period into the indicator; returns the years."""
    workshop = workshop_by_id(session=session, workshop_id=workshop_id)
    indicator = indicator_in_workshop(session, workshop_id, indicator_id)
    years = sorted(y for y in figures.figures if workshop.period_start <= y <= workshop.period_end)
    if not years:
        held = ", ".join(str(y) for y in sorted(figures.figures))
        raise InvalidInputError(
            f"Le fichier donne les années {held}, hors de la période {workshop.period_start}–{workshop.period_end} : "
            f"« {indicator.label} » n'a pas été modifié."
        )
    for year in years:
        write_figure(
            session=session,
            workshop_id=workshop_id,
            indicator_id=indicator_id,
            year=year,
            milli=figures.figures[year],
            comment=f"{OPEN_DATA}, colonne {figures.column}",
            reported_by=OPEN_DATA,
        )
    return years
