"""A first draft of each fiche action, assembled from the workshop's results.

The rules (each drafted line records the item keys it came from in `provenance`):

- Objectifs opérationnels: the topic's top-ranked weaknesses and threats (at most four, in
  ranking order), each as a heading ("Remédier au constat : …", "Prévenir le risque : …");
  the duplicates merged under it become its points.
- Modalités de mise en œuvre: a dedicated working group first (as in every fiche of the seed
  convention), then the top strengths ("S'appuyer sur …") and opportunities ("Saisir
  l'opportunité : …") as levers, at most three of each.
- Partenaires sollicités: the organisations that wrote on the topic, most contributions first.
- Indicateurs d'évaluation: "Nombre de …" for the working group and for each objective, the
  share of contributing organisations involved, and the coverage rates of the diagnostic.
- Title, lead and schedule follow the seed; target public and expected results are left for the
  coordinator (they are not in the data).

When votes were cast on the topic, only items that received points are drafted from; before
any vote, the ranking's order (oldest first) is used.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from ctg_workshop.day.results import RankedItem, rankings
from ctg_workshop.drafting.sheets import Objective, SheetData, write_sheet
from ctg_workshop.errors import NotFoundError
from ctg_workshop.storage.models import DiagnosticLine, Quadrant, Topic, Workshop

MAX_OBJECTIVES = 4
MAX_LEVERS = 3
WORKING_GROUP = "Mise en place d'un groupe de travail dédié"
WORKING_GROUP_INDICATOR = "Nombre de réunions du groupe de travail dédié"
DEFAULT_LEAD = "Chargé de Coopération CTG"
_DETERMINERS = (
    "le ", "la ", "les ", "l'", "l’", "un ", "une ", "des ", "du ", "de ", "d'", "d’",
    "leur ", "leurs ", "nos ", "notre ", "ce ", "cet ", "cette ", "ces ", "plusieurs ",
)  # fmt: skip


@dataclass(frozen=True)
class Organisation:
    name: str
    item_keys: tuple[str, ...]


@dataclass(frozen=True)
class DraftContext:
    """What a draft needs besides the ranking: the workshop's words and figures."""

    topic_key: str
    topic_title: str
    period_start: int
    period_end: int
    partner_body: str
    rates: tuple[tuple[str, str], ...] = ()


def _top(ranking: Sequence[RankedItem], quadrants: set[str], limit: int) -> list[RankedItem]:
    candidates = [item for item in ranking if item.quadrant in quadrants]
    if any(item.dots > 0 for item in ranking):
        candidates = [item for item in candidates if item.dots > 0]
    return candidates[:limit]


def _after_preposition(text: str) -> str:
    """`text` as it reads after "S'appuyer sur": a leading article in lower case, else quoted."""
    lowered = text[:1].lower() + text[1:]
    if lowered.lower().startswith(_DETERMINERS):
        return f"S'appuyer sur {lowered}"
    return f"S'appuyer sur : {text}"


def contributing_organisations(ranking: Sequence[RankedItem]) -> list[Organisation]:
    """Organisations that wrote on the topic (merged items included), most items first."""
    keys: dict[str, list[str]] = {}
    for item in ranking:
        if item.organisation:
            keys.setdefault(item.organisation, []).append(item.key)
        for member in item.members:
            if member.organisation:
                keys.setdefault(member.organisation, []).append(member.key)
    ordered = sorted(keys.items(), key=lambda pair: (-len(pair[1]), pair[0].casefold()))
    return [Organisation(name, tuple(item_keys)) for name, item_keys in ordered]


def _objective(item: RankedItem) -> Objective:
    verb = "Remédier au constat" if item.quadrant == Quadrant.WEAKNESS else "Prévenir le risque"
    return Objective(f"{verb} : {item.text}", tuple(member.text for member in item.members))


def propose_sheet(context: DraftContext, ranking: Sequence[RankedItem]) -> SheetData:
    """The draft of one topic's sheet, from its ranking (a pure function)."""
    provenance: dict[str, tuple[str, ...]] = {}

    problems = _top(ranking, {Quadrant.WEAKNESS, Quadrant.THREAT}, MAX_OBJECTIVES)
    objectives = []
    for i, item in enumerate(problems):
        objectives.append(_objective(item))
        provenance[f"operational_objectives[{i}]"] = (item.key, *(m.key for m in item.members))
        for j, member in enumerate(item.members):
            provenance[f"operational_objectives[{i}].points[{j}]"] = (member.key,)

    implementation = [WORKING_GROUP]
    strengths = _top(ranking, {Quadrant.STRENGTH}, MAX_LEVERS)
    opportunities = _top(ranking, {Quadrant.OPPORTUNITY}, MAX_LEVERS)
    for item in strengths:
        provenance[f"implementation[{len(implementation)}]"] = (item.key,)
        implementation.append(_after_preposition(item.text))
    for item in opportunities:
        provenance[f"implementation[{len(implementation)}]"] = (item.key,)
        implementation.append(f"Saisir l'opportunité : {item.text}")

    organisations = contributing_organisations(ranking)
    for i, organisation in enumerate(organisations):
        provenance[f"partners[{i}]"] = organisation.item_keys

    indicators = [WORKING_GROUP_INDICATOR]
    for i, item in enumerate(problems):
        provenance[f"indicators[{len(indicators)}]"] = (item.key,)
        indicators.append(f"Nombre d'actions engagées au titre de l'objectif {i + 1}")
    if organisations:
        count = len(organisations)
        noun = "organisation contributrice" if count == 1 else "organisations contributrices"
        indicators.append(f"Taux de participation au groupe de travail des {count} {noun} du diagnostic")
    for label, value in context.rates:
        indicators.append(f"Évolution : {label} (valeur de départ : {value})")

    return SheetData(
        topic_key=context.topic_key,
        title=context.topic_title,
        target_public="",
        operational_objectives=tuple(objectives),
        implementation=tuple(implementation),
        schedule=(
            f"L'échéancier sera déterminé avec le {DEFAULT_LEAD} sur la période "
            f"{context.period_start}/{context.period_end}."
        ),
        lead=DEFAULT_LEAD,
        services=("Services municipaux concernés", context.partner_body),
        expected_results=(),
        partners=tuple(o.name for o in organisations),
        indicators=tuple(indicators),
        provenance=provenance,
    )


def coverage_rates(*, session: Session, workshop_id: int) -> tuple[tuple[str, str], ...]:
    """The diagnostic's coverage rates ("Taux de couverture …"), as (label, value)."""
    lines = session.scalars(
        select(DiagnosticLine)
        .where(DiagnosticLine.workshop_id == workshop_id)
        .order_by(DiagnosticLine.position)
    )
    return tuple((d.label, d.value) for d in lines if "taux de couverture" in d.label.casefold())


def _context(session: Session, workshop: Workshop, topic: Topic) -> DraftContext:
    return DraftContext(
        topic_key=topic.key,
        topic_title=topic.title,
        period_start=workshop.period_start,
        period_end=workshop.period_end,
        partner_body=workshop.partner_body,
        rates=coverage_rates(session=session, workshop_id=workshop.id),
    )


def draft_sheet(*, session: Session, workshop_id: int, topic_key: str, replace: bool = False) -> SheetData:
    """Draft and store the sheet of `topic_key`; an existing sheet is kept unless `replace`."""
    workshop = session.get(Workshop, workshop_id)
    topic = session.scalar(select(Topic).where(Topic.workshop_id == workshop_id, Topic.key == topic_key))
    if workshop is None or topic is None:
        raise NotFoundError(f"Le sujet « {topic_key} » n'existe pas dans cet atelier.")
    ranking = rankings(session=session, workshop_id=workshop_id).get(topic.id, [])
    draft = propose_sheet(_context(session, workshop, topic), ranking)
    return write_sheet(session=session, workshop_id=workshop_id, content=draft, replace=replace)
