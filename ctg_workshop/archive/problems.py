"""pydantic's validation errors as French problems, each with its JSON path
(`workshop.items[3].text`), as `read_archive` lists them."""

from __future__ import annotations

from typing import Any

from ctg_workshop.errors import Problem

_JSON_TYPES = {
    dict: "un objet",
    list: "une liste",
    str: "une chaîne",
    int: "un entier",
    float: "un nombre décimal",
    bool: "un booléen",
}


def validation_problem(error: dict, version: int) -> Problem:
    path = _path(error["loc"])
    return Problem(path, _reason(error, version))


def _path(location: tuple) -> str:
    path = ""
    for step in location:
        path = f"{path}[{step}]" if isinstance(step, int) else join_path(path, str(step))
    return path or "(racine)"


def _reason(error: dict, version: int) -> str:
    kind, value = error["type"], error.get("input")
    if kind == "ctg":
        return error["ctx"]["reason"]
    if kind == "missing":
        return "clé manquante"
    if kind == "extra_forbidden":
        if version == 1 and error["loc"][-1] in ("narrative", "follow_up") and len(error["loc"]) == 2:
            return 'clé de la version 2 : un fichier qui la contient déclare "version": 2'
        return "clé inconnue dans ce format"
    if kind == "literal_error":
        expected = error["ctx"]["expected"].replace("'", "").replace(" or ", ", ")
        return f"une des valeurs {expected} est attendue"
    if kind == "too_short" and error["loc"][-1] == "topics":
        return "au moins un sujet d'étude est attendu"
    expected = _EXPECTED.get(kind)
    if expected:
        return f"{expected}, pas {describe(value)}"
    return "valeur invalide"


_EXPECTED = {
    "string_type": "une chaîne est attendue",
    "int_type": "un entier est attendu",
    "int_from_float": "un entier est attendu",
    "bool_type": "true ou false attendu",
    "list_type": "une liste est attendue",
    "model_type": "un objet est attendu",
    "model_attributes_type": "un objet est attendu",
    "dict_type": "un objet est attendu",
}


def join_path(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


def describe(value: Any) -> str:
    return "null" if value is None else _JSON_TYPES.get(type(value), type(value).__name__)
