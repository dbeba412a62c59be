"""The parts of a fiche action and their lines: the fields and their French labels, cleaning
what is typed in them, and renumbering a sheet's provenance when its lines are edited,
reordered or deleted (`{"implementation[2]": ["i40"]}` follows its line)."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

from ctg_workshop.errors import InvalidInputError
from ctg_workshop.text import SHEET_TEXT_MAX, normalize_text

TEXT_FIELDS = ("title", "target_public", "schedule", "lead")
LIST_FIELDS = ("implementation", "services", "expected_results", "partners", "indicators")
OBJECTIVES = "operational_objectives"
MAX_LINES = 60

FIELD_LABELS = {
    "title": "Titre action",
    "target_public": "Public cible",
    OBJECTIVES: "Objectifs opérationnels",
    "implementation": "Modalités de mise en œuvre",
    "schedule": "Échéances de réalisation",
    "lead": "Responsable de l'action",
    "services": "Services mobilisés",
    "expected_results": "Résultats attendus",
    "partners": "Partenaires sollicités",
    "indicators": "Indicateurs d'évaluation",
}


def clean_text(text: str, label: str) -> str:
    value = normalize_text(text or "")
    if len(value) > SHEET_TEXT_MAX:
        raise InvalidInputError(f"{label} : {len(value)} caractères, {SHEET_TEXT_MAX} au plus.")
    return value


def split_lines(text: str) -> list[str]:
    """A text area's content as lines: one entry per line, list markers and blank lines dropped."""
    lines = normalize_text(text or "").split("\n")
    return [re.sub(r"^\s*(?:[-•➤*↳]\s+)?", "", line).strip() for line in lines if line.strip()]


def clean_lines(lines: Sequence[str], label: str) -> list[str]:
    cleaned = [clean_text(line, label) for line in lines]
    cleaned = [line for line in cleaned if line]
    if len(cleaned) > MAX_LINES:
        raise InvalidInputError(f"{label} : {len(cleaned)} lignes, {MAX_LINES} au plus.")
    return cleaned


def clean_objective(heading: str, points: Sequence[str]) -> dict[str, object]:
    label = FIELD_LABELS[OBJECTIVES]
    return {"heading": clean_text(heading, label), "points": clean_lines(points, label)}


# --------------------------------------------------------------------------- provenance


def line_mapping(old: Sequence[str], new: Sequence[str]) -> dict[int, int]:
    """Which old line each new line continues: same text first, else same place if the count held."""
    mapping: dict[int, int] = {}
    used: set[int] = set()
    for j, line in enumerate(new):
        for i, previous in enumerate(old):
            if i not in used and previous == line:
                mapping[i] = j
                used.add(i)
                break
    if len(old) == len(new):
        taken = set(mapping.values())
        for j in range(len(new)):
            if j not in taken and j not in used:
                mapping[j] = j
                used.add(j)
    return mapping


_PATH = re.compile(r"^(?P<field>[a-z_]+)\[(?P<index>\d+)\](?P<rest>.*)$")


def remap_lines(provenance: Mapping[str, Sequence[str]], field_name: str, mapping: Mapping[int, int]) -> dict:
    """`provenance` with the lines of `field_name` renumbered by `mapping` (unmapped lines dropped)."""
    result: dict[str, list[str]] = {}
    for path, keys in provenance.items():
        match = _PATH.match(path)
        if match is None or match["field"] != field_name:
            result[path] = list(keys)
            continue
        old = int(match["index"])
        if old in mapping:
            result[f"{field_name}[{mapping[old]}]{match['rest']}"] = list(keys)
    return result


def remap_points(provenance: Mapping[str, Sequence[str]], index: int, mapping: Mapping[int, int]) -> dict:
    prefix = f"{OBJECTIVES}[{index}].points"
    result: dict[str, list[str]] = {}
    for path, keys in provenance.items():
        match = _PATH.match(path[len(f"{OBJECTIVES}[{index}].") :]) if path.startswith(prefix) else None
        if match is None:
            result[path] = list(keys)
        elif int(match["index"]) in mapping:
            result[f"{prefix}[{mapping[int(match['index'])]}]"] = list(keys)
    return result
