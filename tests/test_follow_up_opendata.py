"""The CAF's open data fills an indicator's yearly values (`txcouv_*` by `annee`)."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from ctg_workshop.archive.load import import_archive
from ctg_workshop.drafting.opendata import detect_profile, read_csv
from ctg_workshop.errors import InvalidInputError
from ctg_workshop.follow_up.opendata import figure_columns, fill_indicator, yearly_figures
from ctg_workshop.storage.db import read_session, write_session
from ctg_workshop.storage.models import Indicator

FILE = (
    "numcom;nomcom;annee;txcouv_eaje_com;pl_eaje_com\n"
    "59017;Armentières;2021;17,9;170\n"
    "59017;Armentières;2023;18,4;175\n"
    "59017;Armentières;2024;19,25;181\n"
    "59350;Lille;2024;31,2;4 210\n"
).encode()


@pytest.fixture
def coverage(sqlite_engine, follow_up_archive) -> tuple[int, int]:
    with write_session(sqlite_engine) as session:
        workshop = import_archive(session=session, data=follow_up_archive)
        return session.scalar(select(Indicator.id).where(Indicator.workshop_id == workshop.id, Indicator.key == "pe-couverture")), workshop.id  # fmt: skip


def test_the_commune_s_figures_fill_the_years_of_the_period(sqlite_engine, coverage):
    indicator_id, workshop_id = coverage
    table = read_csv(FILE)
    mapping = detect_profile(table).mapping
    assert "txcouv_eaje_com" in figure_columns(table, mapping)
    figures = yearly_figures(table, mapping, commune="59017", column="txcouv_eaje_com")
    assert figures.figures == {2021: 17_900, 2023: 18_400, 2024: 19_250}
    with write_session(sqlite_engine) as session:
        years = fill_indicator(
            session=session, workshop_id=workshop_id, indicator_id=indicator_id, figures=figures
        )
    assert years == [2023, 2024]  # 2021 is before the period
    with read_session(sqlite_engine) as session:
        values = {v.year: (v.value_milli, v.reported_by) for v in session.get(Indicator, indicator_id).values}
    assert values[2024] == (19_250, "Open data CAF") and values[2023] == (18_400, "Open data CAF")


def test_a_file_without_the_commune_or_the_years_changes_nothing(sqlite_engine, coverage):
    indicator_id, workshop_id = coverage
    table = read_csv(FILE)
    mapping = detect_profile(table).mapping
    with pytest.raises(InvalidInputError, match="Aucune valeur"):
        yearly_figures(table, mapping, commune="75056", column="txcouv_eaje_com")
    old = yearly_figures(read_csv(FILE.replace(b"2023", b"2019").replace(b"2024", b"2018")), mapping, commune="59017", column="txcouv_eaje_com")  # fmt: skip
    with (
        pytest.raises(InvalidInputError, match="hors de la période"),
        write_session(sqlite_engine) as session,
    ):
        fill_indicator(session=session, workshop_id=workshop_id, indicator_id=indicator_id, figures=old)
