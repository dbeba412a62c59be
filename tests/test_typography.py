"""French typography in the documents: no-break spaces where a French reader expects them."""

from __future__ import annotations

import pytest

from ctg_workshop.documents.typography import NBSP, NNBSP, french_typography


@pytest.mark.parametrize(
    ("typed", "written"),
    [
        ("Objectifs : deux", f"Objectifs{NBSP}: deux"),
        ("Pourquoi ? Parce que ; enfin !", f"Pourquoi{NNBSP}? Parce que{NNBSP}; enfin{NNBSP}!"),
        ("le « vivre ensemble »", f"le «{NBSP}vivre ensemble{NBSP}»"),
        ("les «zones blanches»", f"les «{NBSP}zones blanches{NBSP}»"),
        ("24 882 habitants", f"24{NNBSP}882{NBSP}habitants"),
        ("1 234 567 €", f"1{NNBSP}234{NNBSP}567{NBSP}€"),
        ("34,8 %", f"34,8{NBSP}%"),
        ("34,8%", f"34,8{NBSP}%"),
        ("175 places", f"175{NBSP}places"),
        ("de 2023 à 2026", "de 2023 à 2026"),
        ("rendez-vous à 10:30", "rendez-vous à 10:30"),
        ("https://exemple.fr/a?b=1", "https://exemple.fr/a?b=1"),
        ("06 12 34 56 78", "06 12 34 56 78"),
        ("**gras** <b>x</b> :", f"**gras** <b>x</b>{NBSP}:"),
        ("", ""),
    ],
)
def test_french_spaces(typed: str, written: str) -> None:
    assert french_typography(typed) == written


def test_applying_it_twice_changes_nothing() -> None:
    text = "Le taux : 34,8 % ; « 24 882 » habitants !"
    once = french_typography(text)
    assert french_typography(once) == once
    assert " :" not in once and " ;" not in once and "« " not in once and " »" not in once


@pytest.mark.parametrize(
    ("town", "written"),
    [
        ("Armentières", "d'Armentières"),
        ("Le Havre", "du Havre"),
        ("Les Mureaux", "des Mureaux"),
        ("Lille", "de Lille"),
        ("La Madeleine", "de La Madeleine"),
        ("Hazebrouck", "d'Hazebrouck"),
        ("Évreux", "d'Évreux"),
    ],
)
def test_a_town_s_name_is_elided_as_french_writes_it(town: str, written: str) -> None:
    from ctg_workshop.documents.facts import of_town

    assert of_town(town) == written
