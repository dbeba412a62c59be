"""The workshop archive's shape, as pydantic models (`shared/spec/archive-format.md`).

Strict types (a figure given as text, a boolean given as 1, a float where an integer is due are
refused) and unknown keys forbidden. Each field checks what it can alone — its type, its length
after the spec's text normalisation, its range; what ties fields together (references, budgets,
years within the period) is checked in `archive/rules.py`. Every message is French: the reader
turns pydantic's error locations into the JSON paths users see.

`docs/archive.schema.json` is generated from `ArchiveV2` (`python -m ctg_workshop schema`).
"""

from __future__ import annotations

import datetime as dt
import json
import math
import re
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, WithJsonSchema
from pydantic_core import PydanticCustomError

from ctg_workshop.identifiers import CODE_PATTERN, TOPIC_KEY_PATTERN
from ctg_workshop.text import ITEM_TEXT_MAX, SHEET_TEXT_MAX, SHORT_TEXT_MAX, length_problem, normalize_text

NARRATIVE_TEXT_MAX = 20_000
UNIT_MAX = 40
KEY_MAX = 64
VALUE_LIMIT = 1_000_000_000
YEAR_MIN, YEAR_MAX = 1900, 2200


def _problem(reason: str) -> PydanticCustomError:
    # The reason is French and final: "{reason}" keeps pydantic from formatting it.
    return PydanticCustomError("ctg", "{reason}", {"reason": reason})


# --------------------------------------------------------------------------- field types


def _text(minimum: int, maximum: int) -> Any:
    """A text a person typed: normalised as the spec's *Text* says, then measured."""

    def check(value: str) -> str:
        normalised = normalize_text(value)
        reason = length_problem(normalised, minimum=minimum, maximum=maximum)
        if reason:
            raise _problem(f"{reason} (après normalisation)" if normalised != value else reason)
        return normalised

    schema = {"type": "string", "minLength": minimum, "maxLength": maximum}
    return Annotated[str, AfterValidator(check), WithJsonSchema(schema)]


ShortText = _text(1, SHORT_TEXT_MAX)
ItemText = _text(1, ITEM_TEXT_MAX)
SheetText = _text(0, SHEET_TEXT_MAX)
LongText = _text(1, SHEET_TEXT_MAX)
NarrativeText = _text(1, NARRATIVE_TEXT_MAX)
UnitText = _text(1, UNIT_MAX)


def _pattern(pattern: re.Pattern[str], reason: str, *, maximum: int) -> Any:
    def check(value: str) -> str:
        if not pattern.fullmatch(value):
            raise _problem(reason)
        return value

    schema = {"type": "string", "pattern": pattern.pattern, "maxLength": maximum}
    return Annotated[str, AfterValidator(check), WithJsonSchema(schema)]


Code = _pattern(CODE_PATTERN, "de 4 à 12 caractères attendus, lettres A à Z et chiffres 0 à 9", maximum=12)
TopicKey = _pattern(TOPIC_KEY_PATTERN, "de 1 à 32 caractères attendus : a à z, 0 à 9 et tiret", maximum=32)
Key = _pattern(
    re.compile(rf"^.{{1,{KEY_MAX}}}$", re.DOTALL),
    f"une clé de 1 à {KEY_MAX} caractères est attendue",
    maximum=KEY_MAX,
)


def _bounded(low: int, high: int) -> Any:
    def check(value: int) -> int:
        if not low <= value <= high:
            raise _problem(f"{value} hors des bornes : de {low} à {high}")
        return value

    return Annotated[
        int, AfterValidator(check), WithJsonSchema({"type": "integer", "minimum": low, "maximum": high})
    ]


Year = _bounded(YEAR_MIN, YEAR_MAX)
VoteBudget = _bounded(1, 20)
Dots = _bounded(1, 20)

_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_TIMESTAMP = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,6})?(Z|\+00:00)$")


def _parse_date(value: Any) -> dt.date:
    if isinstance(value, str) and _DATE.match(value):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            pass
    raise _problem("date AAAA-MM-JJ attendue, par exemple 2023-02-09")


def _parse_timestamp(value: Any) -> dt.datetime:
    if isinstance(value, str) and _TIMESTAMP.match(value):
        try:  # 2022-02-30 matches the pattern
            return dt.datetime.fromisoformat(value.replace("Z", "+00:00")).replace(tzinfo=None)
        except ValueError:
            pass
    raise _problem("date ISO 8601 UTC attendue, par exemple 2022-11-15T09:42:10Z")


IsoDate = Annotated[
    dt.date, BeforeValidator(_parse_date), WithJsonSchema({"type": "string", "format": "date"})
]
Timestamp = Annotated[
    dt.datetime,
    BeforeValidator(_parse_timestamp),
    WithJsonSchema({"type": "string", "format": "date-time", "pattern": _TIMESTAMP.pattern}),
]


def _parse_figure(value: Any) -> int:
    """An indicator's figure, returned as whole thousandths (see follow_up/numbers.py)."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        kind = "une chaîne" if isinstance(value, str) else _describe(value)
        raise _problem(f"un nombre est attendu, pas {kind}")
    if isinstance(value, float) and not math.isfinite(value):
        raise _problem("un nombre fini est attendu")
    number = Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
    if abs(number) > VALUE_LIMIT:
        raise _problem("un nombre entre -1 000 000 000 et 1 000 000 000 est attendu")
    milli = number * 1000
    if milli != milli.to_integral_value():
        raise _problem(f"{value} a plus de trois décimales")
    return int(milli)


Figure = Annotated[
    int,
    BeforeValidator(_parse_figure),
    WithJsonSchema({"type": "number", "minimum": -VALUE_LIMIT, "maximum": VALUE_LIMIT, "multipleOf": 0.001}),
]


def _describe(value: Any) -> str:
    names = {
        dict: "un objet",
        list: "une liste",
        str: "une chaîne",
        int: "un entier",
        bool: "un booléen",
        float: "un nombre décimal",
    }
    return "null" if value is None else names.get(type(value), type(value).__name__)


# --------------------------------------------------------------------------- the archive


class Strict(BaseModel):
    model_config = ConfigDict(strict=True, extra="forbid", frozen=True)


class DiagnosticLine(Strict):
    section: ShortText
    label: ShortText
    value: ShortText
    note: ShortText | None


class NarrativeSection(Strict):
    section: ShortText
    text: NarrativeText


class Topic(Strict):
    key: TopicKey
    title: ShortText
    summary: SheetText | None
    objectives: list[LongText]


class Participant(Strict):
    key: Key
    name: ShortText | None
    organisation: ShortText


class Item(Strict):
    key: Key
    topic: str
    quadrant: Literal["strength", "weakness", "opportunity", "threat"]
    text: ItemText
    author: str | None
    created_at: Timestamp
    hidden: bool
    merged_into: str | None


class Vote(Strict):
    item: str
    participant: str
    dots: Dots


class OperationalObjective(Strict):
    heading: SheetText
    points: list[SheetText]


class ActionSheet(Strict):
    topic: str
    title: SheetText
    target_public: SheetText
    operational_objectives: list[OperationalObjective]
    implementation: list[SheetText]
    schedule: SheetText
    lead: SheetText
    services: list[SheetText]
    expected_results: list[SheetText]
    partners: list[SheetText]
    indicators: list[SheetText]


class YearValue(Strict):
    year: Year
    value: Figure


class IndicatorValue(Strict):
    year: Year
    value: Figure
    reported_by: ShortText | None
    comment: LongText | None


class Indicator(Strict):
    key: TopicKey
    topic: str
    label: ShortText
    unit: UnitText | None
    baseline: YearValue | None
    target: YearValue | None
    values: list[IndicatorValue]


class Progress(Strict):
    topic: str
    year: Year
    status: Literal["not_started", "in_progress", "done", "dropped"]
    note: LongText | None


class Meeting(Strict):
    key: TopicKey
    kind: Literal["copil", "cotech"]
    held_on: IsoDate
    attendees: list[ShortText]
    decisions: list[LongText]


class FollowUp(Strict):
    signed_on: IsoDate | None
    indicators: list[Indicator]
    progress: list[Progress]
    meetings: list[Meeting]


EMPTY_FOLLOW_UP = FollowUp(signed_on=None, indicators=[], progress=[], meetings=[])


class WorkshopV1(Strict):
    code: Code
    title: ShortText
    territory: ShortText
    partner_body: ShortText
    period_start: Year
    period_end: Year
    held_on: IsoDate | None
    phase: Literal["collect", "group", "vote", "closed"]
    vote_budget: VoteBudget
    max_dots_per_item: VoteBudget
    themes: list[ShortText]
    diagnostic: list[DiagnosticLine]
    topics: list[Topic] = Field(min_length=1)
    participants: list[Participant]
    items: list[Item]
    votes: list[Vote]
    action_sheets: list[ActionSheet]


class WorkshopV2(WorkshopV1):
    narrative: list[NarrativeSection]
    follow_up: FollowUp


class _Archive(Strict):
    format: Literal["ctg-workshop-archive"]
    exported_at: Timestamp | None = None


class ArchiveV1(_Archive):
    version: Literal[1]
    workshop: WorkshopV1


class ArchiveV2(_Archive):
    version: Literal[2]
    workshop: WorkshopV2


def upgraded(workshop: WorkshopV1) -> WorkshopV2:
    """A version 1 workshop read as version 2: no analysis, an empty follow-up."""
    if isinstance(workshop, WorkshopV2):
        return workshop
    # Already validated: construct without checking again (dates are dates by now).
    return WorkshopV2.model_construct(**dict(workshop), narrative=[], follow_up=EMPTY_FOLLOW_UP)


def json_schema() -> bytes:
    """The JSON Schema of the archive this program writes (version 2), as published in
    `docs/archive.schema.json`. It describes shapes; the rules that tie fields together
    (references, budgets, years within the period) are in the spec's text."""
    document = {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        **ArchiveV2.model_json_schema(),
        "title": "Archive d'atelier CTG (ctg-workshop-archive), version 2",
    }
    return (json.dumps(document, ensure_ascii=False, indent=2, sort_keys=True) + "\n").encode("utf-8")
