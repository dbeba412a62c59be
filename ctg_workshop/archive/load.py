"""Reading a workshop archive (`shared/spec/archive-format.md`, versions 1 and 2) into the database.

`read_archive` checks a file completely — its shape with the pydantic models of
`archive/schema.py`, then what ties fields together with `archive/rules.py` — and lists every
problem with its JSON path; `import_archive` writes a valid archive in the caller's
transaction (all or nothing).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Annotated, Any, get_args, get_origin

from pydantic import BaseModel, TypeAdapter, ValidationError
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from ctg_workshop.archive import schema
from ctg_workshop.archive.format import FORMAT_NAME, SUPPORTED_VERSIONS
from ctg_workshop.archive.rules import WorkshopParts, check_workshop, indexed
from ctg_workshop.errors import ArchiveError, ConflictError, Problem
from ctg_workshop.identifiers import check_code, new_token, utc_now
from ctg_workshop.storage.models import (
    ActionProgress,
    ActionSheet,
    DiagnosticLine,
    Indicator,
    IndicatorValue,
    Item,
    Meeting,
    NarrativeSection,
    Participant,
    Theme,
    Topic,
    Vote,
    Workshop,
)

MODELS = {1: schema.ArchiveV1, 2: schema.ArchiveV2}
_JSON_TYPES = {
    dict: "un objet",
    list: "une liste",
    str: "une chaîne",
    int: "un entier",
    float: "un nombre décimal",
    bool: "un booléen",
}


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
            yield Problem(_join(path, key), f"la clé « {key} » figure deux fois dans cet objet")
        for key, child in value.items():
            yield from _duplicate_keys(child, _join(path, key))
    elif isinstance(value, list):
        for index, child in enumerate(value):
            yield from _duplicate_keys(child, f"{path}[{index}]")


def _read_envelope(document: Any, problems: list[Problem]) -> int | None:
    """The version to read the file as, or None when the file cannot be read at all."""
    if not isinstance(document, dict):
        problems.append(Problem("(racine)", f"un objet est attendu, pas {_describe(document)}"))
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
        problems = [_problem(e, version) for e in error.errors()]
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


# --------------------------------------------------------------------------- French messages


def _problem(error: dict, version: int) -> Problem:
    path = _path(error["loc"])
    return Problem(path, _reason(error, version))


def _path(location: tuple) -> str:
    path = ""
    for step in location:
        path = f"{path}[{step}]" if isinstance(step, int) else _join(path, str(step))
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
        return f"{expected}, pas {_describe(value)}"
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


def _join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


def _describe(value: Any) -> str:
    return "null" if value is None else _JSON_TYPES.get(type(value), type(value).__name__)


# --------------------------------------------------------------------------- writing


def import_archive(
    *, session: Session, data: bytes | str, replace: bool = False, as_code: str | None = None
) -> Workshop:
    """Check then write an archive in the caller's transaction; return the new workshop.

    An existing code is refused unless `replace` (the old workshop is deleted first) or
    `as_code` (the archive is written under that code instead).
    """
    content = read_archive(data)
    code = check_code(as_code) if as_code else content.workshop.code
    existing = session.scalar(select(Workshop.id).where(Workshop.code == code))
    if existing is not None:
        if not replace:
            raise ConflictError(
                f"Un atelier porte déjà le code « {code} ». Pour l'écraser, demandez le "
                "remplacement (--replace) ; pour garder les deux, importez sous un autre code "
                "(--as-code NOUVEAUCODE)."
            )
        session.execute(delete(Workshop).where(Workshop.id == existing))
    return _write(session, content.workshop, code)


_WORKSHOP_FIELDS = (
    "title",
    "territory",
    "partner_body",
    "period_start",
    "period_end",
    "held_on",
    "phase",
    "vote_budget",
    "max_dots_per_item",
)


def _write(session: Session, content: schema.WorkshopV2, code: str) -> Workshop:
    workshop = Workshop(
        code=code,
        created_at=utc_now(),
        signed_on=content.follow_up.signed_on,
        **{name: getattr(content, name) for name in _WORKSHOP_FIELDS},
    )
    workshop.themes = [Theme(position=i, label=label) for i, label in enumerate(content.themes)]
    workshop.diagnostic = [
        DiagnosticLine(position=i, **dict(line)) for i, line in enumerate(content.diagnostic)
    ]
    workshop.topics = [
        Topic(position=i, key=t.key, title=t.title, summary=t.summary, objectives=list(t.objectives))
        for i, t in enumerate(content.topics)
    ]
    session.add(workshop)
    session.flush()
    topics = {t.key: t for t in workshop.topics}
    participants = {
        p.key: Participant(
            workshop_id=workshop.id, token=new_token(), created_at=workshop.created_at, **dict(p)
        )
        for p in content.participants
    }
    session.add_all(participants.values())
    session.flush()
    items = _write_items(session, workshop, content.items, topics, participants)
    session.add_all(
        Vote(
            workshop_id=workshop.id,
            item_id=items[v.item].id,
            participant_id=participants[v.participant].id,
            dots=v.dots,
        )
        for v in content.votes
    )
    session.add_all(_sheet_row(workshop, topics[sheet.topic], sheet) for sheet in content.action_sheets)
    session.add_all(
        NarrativeSection(
            workshop_id=workshop.id,
            position=i,
            section=n.section,
            text=n.text,
            updated_at=workshop.created_at,
        )
        for i, n in enumerate(content.narrative)
    )
    _write_follow_up(session, workshop, content.follow_up, topics)
    session.flush()
    return workshop


def _sheet_row(workshop: Workshop, topic: Topic, sheet: schema.ActionSheet) -> ActionSheet:
    fields = sheet.model_dump(exclude={"topic", "operational_objectives"})
    return ActionSheet(
        workshop_id=workshop.id,
        topic_id=topic.id,
        updated_at=workshop.created_at,
        operational_objectives=[o.model_dump() for o in sheet.operational_objectives],
        **fields,
    )


def _write_items(
    session: Session,
    workshop: Workshop,
    items: list[schema.Item],
    topics: dict[str, Topic],
    participants: dict[str, Participant],
) -> dict[str, Item]:
    written = {
        item.key: Item(
            workshop_id=workshop.id,
            key=item.key,
            topic_id=topics[item.topic].id,
            quadrant=item.quadrant,
            text=item.text,
            author_id=participants[item.author].id if item.author else None,
            created_at=item.created_at,
            hidden=item.hidden,
        )
        for item in items
    }
    session.add_all(written.values())
    session.flush()
    # Groups point at items that now have ids.
    for item in items:
        if item.merged_into is not None:
            written[item.key].merged_into_id = written[item.merged_into].id
    session.flush()
    return written


def _write_follow_up(
    session: Session, workshop: Workshop, follow_up: schema.FollowUp, topics: dict[str, Topic]
) -> None:
    for position, indicator in enumerate(follow_up.indicators):
        session.add(_indicator_row(workshop, topics[indicator.topic], position, indicator))
    session.add_all(
        ActionProgress(
            workshop_id=workshop.id,
            topic_id=topics[p.topic].id,
            year=p.year,
            status=p.status,
            note=p.note,
            updated_at=workshop.created_at,
        )
        for p in follow_up.progress
    )
    session.add_all(
        Meeting(
            workshop_id=workshop.id,
            key=m.key,
            kind=m.kind,
            held_on=m.held_on,
            attendees=list(m.attendees),
            decisions=list(m.decisions),
        )
        for m in follow_up.meetings
    )


def _indicator_row(workshop: Workshop, topic: Topic, position: int, indicator: schema.Indicator) -> Indicator:
    baseline, target = indicator.baseline, indicator.target
    return Indicator(
        workshop_id=workshop.id,
        topic_id=topic.id,
        key=indicator.key,
        position=position,
        label=indicator.label,
        unit=indicator.unit,
        baseline_year=baseline.year if baseline else None,
        baseline_value_milli=baseline.value if baseline else None,
        target_year=target.year if target else None,
        target_value_milli=target.value if target else None,
        values=[
            IndicatorValue(
                year=v.year,
                value_milli=v.value,
                reported_by=v.reported_by,
                comment=v.comment,
                updated_at=workshop.created_at,
            )
            for v in indicator.values
        ],
    )
