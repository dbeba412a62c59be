"""Reading a workshop archive, format version 1 (`shared/spec/archive-format.md`), into the database.

`read_archive` checks a file completely and returns every problem with its JSON path;
`import_archive` writes a valid archive in the caller's transaction (all or nothing);
`export_archive` writes the same bytes for the same content.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from ctg_workshop.archive.format import FORMAT_NAME, SUPPORTED_VERSIONS
from ctg_workshop.errors import ArchiveError, ConflictError, Problem
from ctg_workshop.identifiers import (
    CODE_PATTERN,
    TOPIC_KEY_PATTERN,
    check_code,
    new_token,
    utc_now,
)
from ctg_workshop.storage.models import (
    ActionSheet,
    DiagnosticLine,
    Item,
    Participant,
    Phase,
    Quadrant,
    Theme,
    Topic,
    Vote,
    Workshop,
)
from ctg_workshop.text import ITEM_TEXT_MAX, SHEET_TEXT_MAX, SHORT_TEXT_MAX, length_problem, normalize_text

ROOT_KEYS = ("format", "version", "exported_at", "workshop")
WORKSHOP_KEYS = (
    "code",
    "title",
    "territory",
    "partner_body",
    "period_start",
    "period_end",
    "held_on",
    "phase",
    "vote_budget",
    "max_dots_per_item",
    "themes",
    "diagnostic",
    "topics",
    "participants",
    "items",
    "votes",
    "action_sheets",
)
DIAGNOSTIC_KEYS = ("section", "label", "value", "note")
TOPIC_KEYS = ("key", "title", "summary", "objectives")
PARTICIPANT_KEYS = ("key", "name", "organisation")
ITEM_KEYS = ("key", "topic", "quadrant", "text", "author", "created_at", "hidden", "merged_into")
VOTE_KEYS = ("item", "participant", "dots")
SHEET_TEXT_FIELDS = ("title", "target_public", "schedule", "lead")
SHEET_LIST_FIELDS = ("implementation", "services", "expected_results", "partners", "indicators")
SHEET_KEYS = (
    "topic",
    "title",
    "target_public",
    "operational_objectives",
    "implementation",
    "schedule",
    "lead",
    "services",
    "expected_results",
    "partners",
    "indicators",
)
OBJECTIVE_KEYS = ("heading", "points")
MAX_KEY_LENGTH = 64

_TIMESTAMP = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,6})?(Z|\+00:00)$")
_JSON_TYPES = {dict: "un objet", list: "une liste", str: "une chaîne", int: "un entier", bool: "un booléen"}


def _parse_timestamp(text: str) -> dt.datetime:
    parsed = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    return parsed.replace(tzinfo=None)


# --------------------------------------------------------------------------- reading


@dataclass
class _Reader:
    """Walks the JSON tree, records problems, and returns normalised values (or None)."""

    problems: list[Problem] = field(default_factory=list)

    def problem(self, path: str, reason: str) -> None:
        self.problems.append(Problem(path, reason))

    def obj(
        self, value: Any, path: str, keys: tuple[str, ...], optional: tuple[str, ...] = ()
    ) -> dict | None:
        if not isinstance(value, dict):
            self.problem(path or "(racine)", f"un objet est attendu, pas {_describe(value)}")
            return None
        for key in value:
            if key not in keys:
                self.problem(_join(path, key), "clé inconnue dans ce format")
        for key in keys:
            if key not in value and key not in optional:
                self.problem(_join(path, key), "clé manquante")
        return value

    def list_of(self, parent: dict, key: str, path: str) -> list:
        value = parent.get(key)
        if key not in parent:
            return []
        if not isinstance(value, list):
            self.problem(_join(path, key), f"une liste est attendue, pas {_describe(value)}")
            return []
        return value

    def text(
        self,
        value: Any,
        path: str,
        *,
        minimum: int = 1,
        maximum: int = SHORT_TEXT_MAX,
        nullable: bool = False,
    ) -> str | None:
        if value is None and nullable:
            return None
        if not isinstance(value, str):
            expected = "une chaîne ou null" if nullable else "une chaîne"
            self.problem(path, f"{expected} attendue, pas {_describe(value)}")
            return None
        normalised = normalize_text(value)
        reason = length_problem(normalised, minimum=minimum, maximum=maximum)
        if reason:
            self.problem(path, f"{reason} (après normalisation)" if normalised != value else reason)
            return None
        return normalised

    def integer(self, value: Any, path: str, low: int, high: int) -> int | None:
        if not isinstance(value, int) or isinstance(value, bool):
            self.problem(path, f"un entier est attendu, pas {_describe(value)}")
            return None
        if not low <= value <= high:
            self.problem(path, f"{value} hors des bornes : de {low} à {high}")
            return None
        return value

    def boolean(self, value: Any, path: str) -> bool | None:
        if not isinstance(value, bool):
            self.problem(path, f"true ou false attendu, pas {_describe(value)}")
            return None
        return value

    def key(self, value: Any, path: str, seen: set[str]) -> str | None:
        if not isinstance(value, str) or not 1 <= len(value) <= MAX_KEY_LENGTH:
            self.problem(path, f"une clé de 1 à {MAX_KEY_LENGTH} caractères est attendue")
            return None
        if value in seen:
            self.problem(path, f"la clé « {value} » est déjà utilisée")
            return None
        seen.add(value)
        return value

    def text_list(self, parent: dict, key: str, path: str, *, minimum: int, maximum: int) -> list[str]:
        values = self.list_of(parent, key, path)
        cleaned = [
            self.text(v, f"{_join(path, key)}[{i}]", minimum=minimum, maximum=maximum)
            for i, v in enumerate(values)
        ]
        return [v if v is not None else "" for v in cleaned]


def _join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


def _describe(value: Any) -> str:
    if value is None:
        return "null"
    return _JSON_TYPES.get(type(value), type(value).__name__)


@dataclass
class ArchiveContent:
    """A checked, normalised archive, ready to write."""

    workshop: dict[str, Any]
    themes: list[str]
    diagnostic: list[dict[str, Any]]
    topics: list[dict[str, Any]]
    participants: list[dict[str, Any]]
    items: list[dict[str, Any]]
    votes: list[dict[str, Any]]
    action_sheets: list[dict[str, Any]]


def read_archive(data: bytes | str) -> ArchiveContent:
    """Parse and check an archive; raise ArchiveError listing every problem found."""
    reader = _Reader()
    try:
        # The spec says UTF-8: json.loads(bytes) would also guess UTF-16/32, so decode first.
        document = json.loads(data.decode("utf-8-sig") if isinstance(data, bytes) else data)
    except UnicodeDecodeError:
        raise ArchiveError([Problem("(fichier)", "le fichier n'est pas encodé en UTF-8")]) from None
    except json.JSONDecodeError as error:
        reason = f"JSON invalide ou tronqué (ligne {error.lineno}, colonne {error.colno})"
        raise ArchiveError([Problem("(fichier)", reason)]) from None
    content = _read_document(reader, document)
    if reader.problems or content is None:
        raise ArchiveError(reader.problems)
    return content


def _read_document(reader: _Reader, document: Any) -> ArchiveContent | None:
    root = reader.obj(document, "", ROOT_KEYS, optional=("exported_at",))
    if root is None:
        return None
    if root.get("format") != FORMAT_NAME:
        reader.problem("format", f"« {FORMAT_NAME} » est attendu")
    version = root.get("version")
    if version not in SUPPORTED_VERSIONS or isinstance(version, bool):
        readable = ", ".join(str(v) for v in SUPPORTED_VERSIONS)
        reader.problem(
            "version", f"version {version!r} non prise en charge ; ce programme lit la version {readable}"
        )
        return None
    exported_at = root.get("exported_at")
    if exported_at is not None and not (isinstance(exported_at, str) and _TIMESTAMP.match(exported_at)):
        reader.problem("exported_at", "date ISO 8601 UTC attendue, par exemple 2026-11-23T10:00:00Z")
    raw = reader.obj(root.get("workshop"), "workshop", WORKSHOP_KEYS)
    if raw is None:
        return None
    return _read_workshop(reader, raw)


def _read_workshop(reader: _Reader, raw: dict) -> ArchiveContent:
    path = "workshop"
    workshop = _read_workshop_fields(reader, raw)
    themes = _read_themes(reader, raw)
    diagnostic = [
        _read_diagnostic_line(reader, line, f"{path}.diagnostic[{i}]")
        for i, line in enumerate(reader.list_of(raw, "diagnostic", path))
    ]
    topics = _read_topics(reader, raw)
    participants = _read_participants(reader, raw)
    topic_keys = {t["key"] for t in topics if t}
    participant_keys = {p["key"] for p in participants if p}
    items = _read_items(reader, raw, topic_keys, participant_keys)
    votes = _read_votes(reader, raw, workshop, items, participant_keys)
    sheets = _read_action_sheets(reader, raw, topic_keys)
    return ArchiveContent(
        workshop=workshop,
        themes=themes,
        diagnostic=[d for d in diagnostic if d],
        topics=[t for t in topics if t],
        participants=[p for p in participants if p],
        items=[i for i in items if i],
        votes=votes,
        action_sheets=sheets,
    )


def _read_workshop_fields(reader: _Reader, raw: dict) -> dict[str, Any]:
    path = "workshop"
    code = raw.get("code")
    if not (isinstance(code, str) and CODE_PATTERN.match(code)):
        reader.problem(f"{path}.code", "de 4 à 12 caractères attendus, lettres A à Z et chiffres 0 à 9")
    fields: dict[str, Any] = {"code": code}
    for key in ("title", "territory", "partner_body"):
        fields[key] = reader.text(raw.get(key), f"{path}.{key}")
    start = reader.integer(raw.get("period_start"), f"{path}.period_start", 1900, 2200)
    end = reader.integer(raw.get("period_end"), f"{path}.period_end", 1900, 2200)
    if start is not None and end is not None and start > end:
        reader.problem(f"{path}.period_end", f"l'année de fin ({end}) précède l'année de début ({start})")
    fields.update(period_start=start, period_end=end, held_on=_read_date(reader, raw.get("held_on")))
    phase = raw.get("phase")
    if phase not in {p.value for p in Phase}:
        reader.problem(f"{path}.phase", "une des phases collect, group, vote, closed est attendue")
    fields["phase"] = phase
    budget = reader.integer(raw.get("vote_budget"), f"{path}.vote_budget", 1, 20)
    cap = reader.integer(raw.get("max_dots_per_item"), f"{path}.max_dots_per_item", 1, budget or 20)
    fields.update(vote_budget=budget, max_dots_per_item=cap)
    return fields


def _read_date(reader: _Reader, value: Any) -> dt.date | None:
    if value is None:
        return None
    try:
        if not isinstance(value, str) or not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
            raise ValueError
        return dt.date.fromisoformat(value)
    except ValueError:
        reader.problem("workshop.held_on", "date AAAA-MM-JJ ou null attendue")
        return None


def _read_themes(reader: _Reader, raw: dict) -> list[str]:
    themes = reader.text_list(raw, "themes", "workshop", minimum=1, maximum=SHORT_TEXT_MAX)
    seen: set[str] = set()
    for index, theme in enumerate(themes):
        if theme and theme.casefold() in seen:
            reader.problem(f"workshop.themes[{index}]", f"le thème « {theme} » figure déjà dans la liste")
        seen.add(theme.casefold())
    return themes


def _read_diagnostic_line(reader: _Reader, raw: Any, path: str) -> dict | None:
    line = reader.obj(raw, path, DIAGNOSTIC_KEYS)
    if line is None:
        return None
    return {
        "section": reader.text(line.get("section"), f"{path}.section"),
        "label": reader.text(line.get("label"), f"{path}.label"),
        "value": reader.text(line.get("value"), f"{path}.value"),
        "note": reader.text(line.get("note"), f"{path}.note", nullable=True),
    }


def _read_topics(reader: _Reader, raw: dict) -> list[dict | None]:
    values = reader.list_of(raw, "topics", "workshop")
    if "topics" in raw and isinstance(raw["topics"], list) and not values:
        reader.problem("workshop.topics", "au moins un sujet d'étude est attendu")
    seen: set[str] = set()
    topics = []
    for index, value in enumerate(values):
        path = f"workshop.topics[{index}]"
        topic = reader.obj(value, path, TOPIC_KEYS)
        if topic is None:
            topics.append(None)
            continue
        key = topic.get("key")
        if not (isinstance(key, str) and TOPIC_KEY_PATTERN.match(key)):
            reader.problem(f"{path}.key", "de 1 à 32 caractères attendus : a à z, 0 à 9 et tiret")
            key = None
        elif key in seen:
            reader.problem(f"{path}.key", f"le sujet « {key} » est déjà défini")
            key = None
        else:
            seen.add(key)
        topics.append(
            {
                "key": key,
                "title": reader.text(topic.get("title"), f"{path}.title"),
                "summary": reader.text(
                    topic.get("summary"), f"{path}.summary", maximum=SHEET_TEXT_MAX, nullable=True
                ),
                "objectives": reader.text_list(topic, "objectives", path, minimum=1, maximum=SHEET_TEXT_MAX),
            }
        )
    return topics


def _read_participants(reader: _Reader, raw: dict) -> list[dict | None]:
    seen: set[str] = set()
    participants = []
    for index, value in enumerate(reader.list_of(raw, "participants", "workshop")):
        path = f"workshop.participants[{index}]"
        participant = reader.obj(value, path, PARTICIPANT_KEYS)
        if participant is None:
            participants.append(None)
            continue
        key = reader.key(participant.get("key"), f"{path}.key", seen)
        name = reader.text(participant.get("name"), f"{path}.name", nullable=True)
        organisation = reader.text(participant.get("organisation"), f"{path}.organisation")
        participants.append({"key": key, "name": name, "organisation": organisation} if key else None)
    return participants


def _read_items(
    reader: _Reader, raw: dict, topic_keys: set[str], participant_keys: set[str]
) -> list[dict | None]:
    seen: set[str] = set()
    items: list[dict | None] = []
    quadrants = {q.value for q in Quadrant}
    for index, value in enumerate(reader.list_of(raw, "items", "workshop")):
        path = f"workshop.items[{index}]"
        item = reader.obj(value, path, ITEM_KEYS)
        if item is None:
            items.append(None)
            continue
        key = reader.key(item.get("key"), f"{path}.key", seen)
        topic = item.get("topic")
        if topic not in topic_keys:
            reader.problem(f"{path}.topic", f"le sujet {_quote(topic)} n'existe pas dans workshop.topics")
        if item.get("quadrant") not in quadrants:
            reader.problem(
                f"{path}.quadrant", "un des quadrants strength, weakness, opportunity, threat est attendu"
            )
        author = item.get("author")
        if author is not None and author not in participant_keys:
            reader.problem(
                f"{path}.author", f"le participant {_quote(author)} n'existe pas dans workshop.participants"
            )
        created = item.get("created_at")
        created_at = None
        if isinstance(created, str) and _TIMESTAMP.match(created):
            with contextlib.suppress(ValueError):  # 2022-02-30 matches the pattern
                created_at = _parse_timestamp(created)
        if created_at is None:
            reader.problem(
                f"{path}.created_at", "date ISO 8601 UTC attendue, par exemple 2022-11-15T09:42:10Z"
            )
        items.append(
            {
                "key": key,
                "topic": topic,
                "quadrant": item.get("quadrant"),
                "text": reader.text(item.get("text"), f"{path}.text", maximum=ITEM_TEXT_MAX),
                "author": author,
                "created_at": created_at,
                "hidden": reader.boolean(item.get("hidden"), f"{path}.hidden"),
                "merged_into": item.get("merged_into"),
                "path": path,
            }
            if key
            else None
        )
    _check_merges(reader, items)
    return items


def _quote(value: Any) -> str:
    return f"« {value} »" if isinstance(value, str) else _describe(value)


def _check_merges(reader: _Reader, items: list[dict | None]) -> None:
    by_key = {item["key"]: item for item in items if item}
    for item in by_key.values():
        target_key = item["merged_into"]
        if target_key is None:
            continue
        path = f"{item['path']}.merged_into"
        target = by_key.get(target_key) if isinstance(target_key, str) else None
        if target is None:
            reader.problem(path, f"la contribution {_quote(target_key)} n'existe pas")
        elif target is item:
            reader.problem(path, "une contribution ne peut pas être regroupée sous elle-même")
        elif (target["topic"], target["quadrant"]) != (item["topic"], item["quadrant"]):
            reader.problem(path, f"« {target_key} » n'est pas du même sujet et du même quadrant")
        elif target["merged_into"] is not None:
            reader.problem(path, f"« {target_key} » est elle-même regroupée : les groupes n'ont qu'un niveau")


def _read_votes(
    reader: _Reader, raw: dict, workshop: dict, items: list[dict | None], participant_keys: set[str]
) -> list[dict]:
    by_key = {item["key"]: item for item in items if item}
    cap = workshop.get("max_dots_per_item") or 20
    budget = workshop.get("vote_budget") or 20
    seen_pairs: set[tuple[str, str]] = set()
    spent: Counter[tuple[str, str]] = Counter()
    first_path: dict[tuple[str, str], str] = {}
    votes = []
    for index, value in enumerate(reader.list_of(raw, "votes", "workshop")):
        path = f"workshop.votes[{index}]"
        vote = reader.obj(value, path, VOTE_KEYS)
        if vote is None:
            continue
        item_key, participant = vote.get("item"), vote.get("participant")
        item = by_key.get(item_key) if isinstance(item_key, str) else None
        if item is None:
            reader.problem(f"{path}.item", f"la contribution {_quote(item_key)} n'existe pas")
        elif item["hidden"]:
            reader.problem(
                f"{path}.item", f"la contribution « {item_key} » est masquée : aucun vote possible"
            )
        elif item["merged_into"] is not None:
            reader.problem(
                path + ".item",
                f"la contribution « {item_key} » est regroupée sous « {item['merged_into']} » : "
                "les votes se portent sur la contribution représentante",
            )
        if participant not in participant_keys:
            reader.problem(f"{path}.participant", f"le participant {_quote(participant)} n'existe pas")
        dots = reader.integer(vote.get("dots"), f"{path}.dots", 1, cap)
        pair = (str(item_key), str(participant))
        if pair in seen_pairs:
            reader.problem(
                path, f"un seul vote par contribution et par participant ({pair[1]} sur {pair[0]})"
            )
            continue
        seen_pairs.add(pair)
        if item is not None and dots is not None:
            budget_key = (str(participant), str(item["topic"]))
            spent[budget_key] += dots
            first_path.setdefault(budget_key, path)
            votes.append({"item": item_key, "participant": participant, "dots": dots, "path": path})
    for (participant, topic), total in spent.items():
        if total > budget:
            reader.problem(
                "workshop.votes",
                f"le participant « {participant} » dépense {total} points sur le sujet "
                f"« {topic} », pour un budget de {budget}",
            )
    return votes


def _read_action_sheets(reader: _Reader, raw: dict, topic_keys: set[str]) -> list[dict]:
    seen: set[str] = set()
    sheets = []
    for index, value in enumerate(reader.list_of(raw, "action_sheets", "workshop")):
        path = f"workshop.action_sheets[{index}]"
        sheet = reader.obj(value, path, SHEET_KEYS)
        if sheet is None:
            continue
        topic = sheet.get("topic")
        if topic not in topic_keys:
            reader.problem(f"{path}.topic", f"le sujet {_quote(topic)} n'existe pas dans workshop.topics")
        elif topic in seen:
            reader.problem(f"{path}.topic", f"une seule fiche action par sujet : « {topic} » en a déjà une")
        seen.add(str(topic))
        cleaned: dict[str, Any] = {"topic": topic}
        for key in SHEET_TEXT_FIELDS:
            cleaned[key] = (
                reader.text(sheet.get(key), f"{path}.{key}", minimum=0, maximum=SHEET_TEXT_MAX) or ""
            )
        for key in SHEET_LIST_FIELDS:
            cleaned[key] = reader.text_list(sheet, key, path, minimum=0, maximum=SHEET_TEXT_MAX)
        cleaned["operational_objectives"] = _read_objectives(reader, sheet, path)
        sheets.append(cleaned)
    return sheets


def _read_objectives(reader: _Reader, sheet: dict, path: str) -> list[dict[str, Any]]:
    objectives = []
    for index, value in enumerate(reader.list_of(sheet, "operational_objectives", path)):
        objective_path = f"{path}.operational_objectives[{index}]"
        objective = reader.obj(value, objective_path, OBJECTIVE_KEYS)
        if objective is None:
            continue
        heading = reader.text(
            objective.get("heading"), f"{objective_path}.heading", minimum=0, maximum=SHEET_TEXT_MAX
        )
        points = reader.text_list(objective, "points", objective_path, minimum=0, maximum=SHEET_TEXT_MAX)
        objectives.append({"heading": heading or "", "points": points})
    return objectives


# --------------------------------------------------------------------------- writing


def import_archive(
    *, session: Session, data: bytes | str, replace: bool = False, as_code: str | None = None
) -> Workshop:
    """Check then write an archive in the caller's transaction; return the new workshop.

    An existing code is refused unless `replace` (the old workshop is deleted first) or
    `as_code` (the archive is written under that code instead).
    """
    content = read_archive(data)
    code = check_code(as_code) if as_code else content.workshop["code"]
    existing = session.scalar(select(Workshop.id).where(Workshop.code == code))
    if existing is not None:
        if not replace:
            raise ConflictError(
                f"Un atelier porte déjà le code « {code} ». Pour l'écraser, demandez le "
                "remplacement (--replace) ; pour garder les deux, importez sous un autre code "
                "(--as-code NOUVEAUCODE)."
            )
        session.execute(delete(Workshop).where(Workshop.id == existing))
    return _write(session, content, code)


def _write(session: Session, content: ArchiveContent, code: str) -> Workshop:
    fields = {k: v for k, v in content.workshop.items() if k != "code"}
    workshop = Workshop(code=code, created_at=utc_now(), **fields)
    workshop.themes = [Theme(position=i, label=label) for i, label in enumerate(content.themes)]
    workshop.diagnostic = [DiagnosticLine(position=i, **line) for i, line in enumerate(content.diagnostic)]
    workshop.topics = [Topic(position=i, **topic) for i, topic in enumerate(content.topics)]
    session.add(workshop)
    session.flush()
    topics = {t.key: t for t in workshop.topics}
    participants = {
        p["key"]: Participant(workshop_id=workshop.id, token=new_token(), created_at=workshop.created_at, **p)
        for p in content.participants
    }
    session.add_all(participants.values())
    session.flush()
    items = _write_items(session, workshop, content.items, topics, participants)
    session.add_all(
        Vote(
            workshop_id=workshop.id,
            item_id=items[v["item"]].id,
            participant_id=participants[v["participant"]].id,
            dots=v["dots"],
        )
        for v in content.votes
    )
    for sheet in content.action_sheets:
        fields = {k: v for k, v in sheet.items() if k != "topic"}
        session.add(
            ActionSheet(
                workshop_id=workshop.id,
                topic_id=topics[sheet["topic"]].id,
                updated_at=workshop.created_at,
                **fields,
            )
        )
    session.flush()
    return workshop


def _write_items(
    session: Session,
    workshop: Workshop,
    items: list[dict],
    topics: dict[str, Topic],
    participants: dict[str, Participant],
) -> dict[str, Item]:
    written = {
        item["key"]: Item(
            workshop_id=workshop.id,
            key=item["key"],
            topic_id=topics[item["topic"]].id,
            quadrant=item["quadrant"],
            text=item["text"],
            author_id=participants[item["author"]].id if item["author"] else None,
            created_at=item["created_at"],
            hidden=item["hidden"],
        )
        for item in items
    }
    session.add_all(written.values())
    session.flush()
    # Groups point at items that now have ids.
    for item in items:
        if item["merged_into"] is not None:
            written[item["key"]].merged_into_id = written[item["merged_into"]].id
    session.flush()
    return written
