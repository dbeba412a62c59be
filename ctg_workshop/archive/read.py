"""Reading a workshop archive (`shared/spec/archive-format.md`, versions 1 and 2): `read_archive`
checks a file completely — its shape with the pydantic models of `archive/schema.py`, then what
ties fields together with `archive/rules.py` — and lists every problem with its JSON path
(in French: `archive/problems.py`). Nothing is written here (`archive/load.py` writes).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Annotated, Any, get_args, get_origin

from pydantic import BaseModel, TypeAdapter, ValidationError

from ctg_workshop.archive import schema
from ctg_workshop.archive.format import FORMAT_NAME, SUPPORTED_VERSIONS
from ctg_workshop.archive.problems import describe, join_path, validation_problem
from ctg_workshop.archive.rules import WorkshopParts, check_workshop, indexed
from ctg_workshop.errors import ArchiveError, Problem

MODELS = {1: schema.ArchiveV1, 2: schema.ArchiveV2}


@dataclass(frozen=True)
class ArchiveContent:
    """A checked, normalised archive, ready to write (a version 1 file read as version 2)."""

    version: int
    workshop: schema.WorkshopV2


class _DuplicateKeys(dict):
    """A JSON object in which a key appeared twice (json keeps the last one silently)."""

    duplicates: list[str]


def _object(pairs: list[tuple[str, Any]]) -> dict:
    result: dict = {}
    duplicates = []
    for key, value in pairs:
        if key in result:
            duplicates.append(key)
        result[key] = value
    if duplicates:
        result = _DuplicateKeys(result)
        result.duplicates = duplicates
    return result


def read_archive(data: bytes | str) -> ArchiveContent:
    """Parse and check an archive; raise ArchiveError listing every problem found."""
    document = _parse_json(data)
    problems = list(_duplicate_keys(document, ""))
    version = _read_envelope(document, problems)
    if version is None:
        raise ArchiveError(problems)
    content, found = _validate(document, version)
    problems += found
    if problems or content is None:
        raise ArchiveError(problems)
    return content


def _parse_json(data: bytes | str) -> Any:
    try:
        # The spec says UTF-8: json.loads(bytes) would also guess UTF-16/32, so decode first.
        text = data.decode("utf-8-sig") if isinstance(data, bytes) else data
        return json.loads(text, object_pairs_hook=_object)
    except UnicodeDecodeError:
        raise ArchiveError([Problem("(fichier)", "le fichier n'est pas encodé en UTF-8")]) from None
    except json.JSONDecodeError as error:
        reason = f"JSON invalide ou tronqué (ligne {error.lineno}, colonne {error.colno})"
        raise ArchiveError([Problem("(fichier)", reason)]) from None
    except RecursionError:
        raise ArchiveError([Problem("(fichier)", "JSON trop profondément imbriqué")]) from None


def _duplicate_keys(value: Any, path: str):
    if isinstance(value, dict):
        for key in getattr(value, "duplicates", ()):
            yield Problem(join_path(path, key), f"la clé « {key} » figure deux fois dans cet objet")
        for key, child in value.items():
            yield from _duplicate_keys(child, join_path(path, key))
    elif isinstance(value, list):
        for index, child in enumerate(value):
            yield from _duplicate_keys(child, f"{path}[{index}]")


def _read_envelope(document: Any, problems: list[Problem]) -> int | None:
    """The version to read the file as, or None when the file cannot be read at all."""
    if not isinstance(document, dict):
        problems.append(Problem("(racine)", f"un objet est attendu, pas {describe(document)}"))
        return None
    if document.get("format") != FORMAT_NAME:
        problems.append(Problem("format", f"« {FORMAT_NAME} » est attendu"))
    version = document.get("version")
    if isinstance(version, bool) or version not in SUPPORTED_VERSIONS:
        readable = " et ".join(str(v) for v in SUPPORTED_VERSIONS)
        problems.append(
            Problem(
                "version",
                f"version {version!r} non prise en charge ; ce programme lit les versions {readable}",
            )
        )
        return None
    return version


def _validate(document: dict, version: int) -> tuple[ArchiveContent | None, list[Problem]]:
    model = MODELS[version]
    try:
        archive = model.model_validate(document)
    except ValidationError as error:
        problems = [validation_problem(e, version) for e in error.errors()]
        raw = document.get("workshop")
        if isinstance(raw, dict):
            workshop_model = model.model_fields["workshop"].annotation
            problems += check_workshop(_salvage(raw, workshop_model))
        return None, _unique_problems(problems)
    problems = check_workshop(_parts(archive.workshop))
    return ArchiveContent(version, schema.upgraded(archive.workshop)), problems


def _unique_problems(problems: list[Problem]) -> list[Problem]:
    return list(dict.fromkeys(problems))


# --------------------------------------------------------------------------- parts for the rules


def _parts(workshop: schema.WorkshopV1) -> WorkshopParts:
    lists = {name: indexed(getattr(workshop, name)) for name in _list_fields(type(workshop))}
    follow_up = getattr(workshop, "follow_up", None)
    return WorkshopParts(
        scalars=dict(workshop),
        lists=lists,
        follow_up={name: indexed(getattr(follow_up, name)) for name in ("indicators", "progress", "meetings")}
        if follow_up
        else {},
    )


def _salvage(raw: dict, model: type[BaseModel]) -> WorkshopParts:
    """The parts of a file that failed validation which are well formed on their own."""
    scalars: dict[str, Any] = {}
    lists: dict[str, list] = {}
    for name, field in model.model_fields.items():
        if name == "follow_up" or name not in raw:
            continue
        if name in _list_fields(model):
            lists[name] = _valid_entries(raw[name], get_args(field.annotation)[0])
        else:
            scalars[name] = _valid_or_none(raw[name], field.annotation, field.metadata)
    follow_up = raw.get("follow_up")
    salvaged_follow_up = {}
    if isinstance(follow_up, dict):
        for name in ("indicators", "progress", "meetings"):
            annotation = schema.FollowUp.model_fields[name].annotation
            salvaged_follow_up[name] = _valid_entries(follow_up.get(name), get_args(annotation)[0])
    return WorkshopParts(scalars=scalars, lists=lists, follow_up=salvaged_follow_up)


def _list_fields(model: type[BaseModel]) -> list[str]:
    return [name for name, field in model.model_fields.items() if get_origin(field.annotation) is list]


def _valid_entries(values: Any, annotation: Any) -> list:
    if not isinstance(values, list):
        return []
    adapter = TypeAdapter(annotation)
    valid = []
    for index, value in enumerate(values):
        try:
            valid.append((index, adapter.validate_python(value, strict=True)))
        except ValidationError:
            continue
    return valid


def _valid_or_none(value: Any, annotation: Any, metadata: list) -> Any:
    try:
        target = Annotated[annotation, *metadata] if metadata else annotation
        return TypeAdapter(target).validate_python(value, strict=True)
    except ValidationError:
        return None
