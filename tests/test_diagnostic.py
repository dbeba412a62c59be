"""The territory's figures: line editing, and CSV import from the CAF and INSEE open-data files."""

from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ctg_workshop.archive.load import import_archive
from ctg_workshop.drafting import diagnostic as diag
from ctg_workshop.drafting import opendata
from ctg_workshop.errors import InvalidInputError
from ctg_workshop.storage.db import read_session, write_session
from ctg_workshop.storage.lookups import workshop_by_code

DATA = Path(__file__).parent / "data"
NBSP = "\u00a0"


def workshop_id(engine) -> int:
    with read_session(engine) as session:
        return workshop_by_code(session=session, code="ARMDEMO").id


def lines(engine) -> list[diag.DiagnosticEntry]:
    with read_session(engine) as session:
        return diag.list_lines(session=session, workshop_id=workshop_id(engine))


def act(engine, action, **kwargs):
    with write_session(engine) as session:
        return action(session=session, workshop_id=workshop_id(engine), **kwargs)


@pytest.fixture
def demo(engine, demo_archive):
    with write_session(engine) as session:
        import_archive(session=session, data=demo_archive)
    return engine


# --------------------------------------------------------------------------- editing


def test_imported_lines_join_the_end_of_their_section(demo):
    added = act(
        demo, diag.import_lines, lines=[diag.DiagnosticEntry("Le territoire", "Superficie", "6,28 km²", " ")]
    )[0]
    after = lines(demo)
    territory = [i for i, line in enumerate(after) if line.section == "Le territoire"]
    assert after[territory[-1]] == added
    assert added.note is None
    assert after[0].section == "Le territoire"  # sections stay together


def test_replace_lines_reorders_edits_adds_and_deletes_in_one_go(demo):
    before = lines(demo)
    new = [before[2], diag.DiagnosticEntry("Nouveau", "Indicateur", "12"), before[0]]
    act(demo, diag.replace_lines, lines=new)
    after = lines(demo)
    assert [(line.section, line.label, line.value) for line in after] == [
        (before[2].section, before[2].label, before[2].value),
        ("Nouveau", "Indicateur", "12"),
        (before[0].section, before[0].label, before[0].value),
    ]
    assert after[0].id == before[2].id


def test_an_invalid_line_changes_nothing(demo_engine):
    before = lines(demo_engine)
    with pytest.raises(InvalidInputError, match="Ligne 2 — Indicateur"):
        act(
            demo_engine,
            diag.import_lines,
            lines=[diag.DiagnosticEntry("A", "B", "1"), diag.DiagnosticEntry("A", " ", "2")],
        )
    with pytest.raises(InvalidInputError, match="Valeur"):
        act(demo_engine, diag.replace_lines, lines=[diag.DiagnosticEntry("A", "B", "x" * 201)])
    assert lines(demo_engine) == before


def test_table_edits_apply_changes_additions_deletions_and_moves():
    base = [diag.DiagnosticEntry("S", f"L{i}", str(i), None, i) for i in range(1, 5)]
    result = diag.apply_table_edits(
        base,
        edited={3: {"N°": 1, "Valeur": "quatre"}, 0: {"Précision": "note"}},
        added=[
            {"Rubrique": "S", "Indicateur": "L5", "Valeur": "5"},
            {"Rubrique": "T", "Indicateur": "L0", "Valeur": "0", "N°": 2},
        ],
        deleted=[1],
    )
    assert [(e.label, e.value, e.note) for e in result] == [
        ("L4", "quatre", None),
        ("L1", "1", "note"),
        ("L0", "0", None),
        ("L3", "3", None),
        ("L5", "5", None),
    ]
    # Moving down lands exactly on the number typed.
    moved = diag.apply_table_edits(base, edited={0: {"N°": 3}})
    assert [e.label for e in moved] == ["L2", "L3", "L1", "L4"]
    assert diag.is_incomplete(diag.DiagnosticEntry("S", "", ""))
    assert diag.is_blank(diag.DiagnosticEntry("", "", "", None))


# --------------------------------------------------------------------------- numbers


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("24 882", Decimal(24882)),
        (f"7{NBSP}410", Decimal(7410)),
        ("17\u202f009", Decimal(17009)),
        ("34,8", Decimal("34.8")),
        ("34,8 %", Decimal("34.8")),
        ("58.3", Decimal("58.3")),
        ("1.234,5", Decimal("1234.5")),
        ("1,234.5", Decimal("1234.5")),
        ("1.234.567", Decimal(1234567)),
        ("-4,2", Decimal("-4.2")),
        ("nc", None),
        ("", None),
        ("Métropole", None),
    ],
)
def test_french_numbers_are_read(text, expected):
    assert opendata.parse_number(text) == expected


def test_numbers_are_written_the_french_way():
    assert opendata.format_number(Decimal(24882)) == f"24{NBSP}882"
    assert opendata.format_number(Decimal("34.80"), "%") == f"34,8{NBSP}%"
    assert opendata.format_number(Decimal("1234567.5")) == f"1{NBSP}234{NBSP}567,5"
    assert opendata.format_number(Decimal("17009.0")) == f"17{NBSP}009"


@given(st.decimals(min_value=-(10**9), max_value=10**9, places=2, allow_nan=False, allow_infinity=False))
def test_formatted_numbers_read_back(number):
    assert opendata.parse_number(opendata.format_number(number)) == number


# --------------------------------------------------------------------------- CSV files


def read(name: str) -> opendata.CsvTable:
    return opendata.read_csv((DATA / name).read_bytes())


def test_caf_beneficiaries_file_in_windows_1252():
    table = read("caf-allocataires-communes.csv")
    assert table.encoding == "Windows-1252"
    assert table.delimiter == ";"
    profile = opendata.detect_profile(table)
    assert profile.name == "CAF — allocataires par commune"
    choices = opendata.communes(table, profile.mapping)
    assert [c.code for c in choices] == ["59017", "59350", "59560"]
    assert opendata.find_commune(choices, "ARMENTIERES").name == "Armentières"
    found = opendata.extract_lines(
        table, profile.mapping, commune="59017", section=profile.section, source=profile.source
    )
    # The latest year is taken; thousands separators (space, no-break space) are understood.
    assert [(line.label, line.value, line.note) for line in found] == [
        ("Foyers allocataires", f"7{NBSP}410", "CAF 2022"),
        ("Personnes couvertes par au moins une prestation CAF", f"17{NBSP}009", "CAF 2022"),
        ("indmono_ndur", f"1{NBSP}300", "CAF 2022"),
    ]
    # "nc" (not communicated) gives no line.
    seclin = opendata.extract_lines(table, profile.mapping, commune="59560", section="S")
    assert [line.label for line in seclin] == [
        "Foyers allocataires",
        "Personnes couvertes par au moins une prestation CAF",
    ]


def test_caf_childcare_file_with_decimal_commas_and_bom():
    table = read("caf-accueil-jeune-enfant-communes.csv")
    assert table.columns[0] == "numcom"  # the byte-order mark is not part of the first column's name
    profile = opendata.detect_profile(table)
    assert profile.section == "La Petite Enfance"
    found = opendata.extract_lines(
        table, profile.mapping, commune="59017", section=profile.section, source="CAF"
    )
    values = {line.label: line.value for line in found}
    assert values["Taux de couverture en EAJE (crèches)"] == f"18,4{NBSP}%"
    assert values["Taux de couverture chez les assistants maternels"] == f"22,1{NBSP}%"
    assert values["Taux de couverture global de l'accueil du jeune enfant"] == f"46,3{NBSP}%"
    assert values["Places en EAJE (crèches)"] == "175"
    assert values["Places en EAJE (crèches) financées par la PSU"] == "103"
    lille = opendata.extract_lines(table, profile.mapping, commune="59350", section="S")
    assert {line.label: line.value for line in lille}["Places en EAJE (crèches)"] == f"4{NBSP}210"


def test_insee_population_file_builds_the_commune_code_from_department_and_commune():
    table = read("insee-populations-communes.csv")
    profile = opendata.detect_profile(table)
    assert profile.name.startswith("INSEE")
    codes = [c.code for c in opendata.communes(table, profile.mapping)]
    assert codes == ["59017", "59350", "01004"]
    found = opendata.extract_lines(
        table, profile.mapping, commune="59017", section="Le territoire", source="INSEE"
    )
    assert [(line.label, line.value) for line in found] == [
        ("Population municipale", f"24{NBSP}882"),
        ("Population comptée à part", "497"),
        ("Population totale", f"25{NBSP}379"),
    ]


def test_other_files_are_read_through_a_column_mapping():
    table = read("autre-format-communes.csv")
    assert table.delimiter == ","
    assert opendata.detect_profile(table) is None
    mapping = opendata.guess_mapping(table)
    assert mapping.commune_columns == ("Code INSEE",)
    assert mapping.name_column == "Commune"
    assert [v.column for v in mapping.values] == ["Nombre d'écoles", "Part des moins de 25 ans"]
    custom = opendata.ColumnMapping(
        ("Commune",), None, (opendata.ValueColumn("Part des moins de 25 ans", "Moins de 25 ans", "%"),)
    )
    found = opendata.extract_lines(table, custom, commune="Armentières", section="Le territoire")
    assert [(line.label, line.value) for line in found] == [("Moins de 25 ans", f"34,8{NBSP}%")]
    with pytest.raises(InvalidInputError, match="n'est pas dans ce fichier"):
        opendata.extract_lines(table, custom, commune="Paris", section="S")


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"", "vide"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00", "binaire"),
        (b"numcom;nomcom;pmun\n59017;Armentieres\n", "Ligne 2 : 2 valeurs au lieu de 3"),
        (b"numcom;nomcom\n", "qu'une ligne d'en-t"),
        (b"une seule colonne\nvaleur\n", "Une seule colonne"),
        (b"a;a\n1;2\n", "double"),
    ],
)
def test_bad_files_get_a_clear_french_error(data, reason):
    with pytest.raises(InvalidInputError, match=reason):
        opendata.read_csv(data)


def test_a_bad_file_changes_nothing_and_a_good_one_adds_its_lines(demo_engine):
    before = lines(demo_engine)
    with pytest.raises(InvalidInputError):
        opendata.read_csv(b"numcom;nomcom;pmun\n59017;Armentieres\n")
    assert lines(demo_engine) == before

    table = read("insee-populations-communes.csv")
    profile = opendata.detect_profile(table)
    found = opendata.extract_lines(
        table, profile.mapping, commune="59017", section="Le territoire", source="INSEE"
    )
    act(demo_engine, diag.import_lines, lines=found)
    after = lines(demo_engine)
    assert len(after) == len(before) + 3
    territory = [line for line in after if line.section == "Le territoire"]
    assert territory[-1].label == "Population totale"
    assert after.index(territory[-1]) == len(territory) - 1  # kept with its section
