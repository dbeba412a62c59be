"""Preparing a workshop: create it (template, archive or blank), edit its settings, topics, themes.

A new workshop gets a code of unambiguous characters (no O/0, no I/1), a facilitator
passphrase and a projection link. Topics can be added, renamed and reordered at any time;
removed only while nobody has written anything in them.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ctg_workshop.access import ensure_view_token, set_facilitator_passphrase
from ctg_workshop.archive.load import import_archive, read_archive
from ctg_workshop.errors import ConflictError, InvalidInputError, NotFoundError
from ctg_workshop.identifiers import generate_workshop_code, utc_now
from ctg_workshop.storage.lookups import topic_by_id, workshop_by_id
from ctg_workshop.storage.models import ActionSheet, Item, Theme, Topic, Vote, Workshop
from ctg_workshop.text import SHEET_TEXT_MAX, clean_optional_text, clean_text

TEMPLATE_PATH = Path(__file__).resolve().parents[2] / "data" / "template-armentieres.json"
TEMPLATE_ARMENTIERES = "armentieres"
TEMPLATE_BLANK = "blank"
TEMPLATES = {
    TEMPLATE_ARMENTIERES: "Modèle Armentières : 4 sujets d'étude et 4 thématiques de la CTG",
    TEMPLATE_BLANK: "Atelier vierge : un seul sujet, à compléter",
}
YEAR_MIN, YEAR_MAX = 1990, 2100
BUDGET_MAX = 20
CODE_ATTEMPTS = 50


@dataclass(frozen=True)
class WorkshopSettings:
    """What the facilitator sets on a workshop (everything but topics and themes)."""

    title: str
    territory: str
    partner_body: str
    period_start: int
    period_end: int
    held_on: dt.date | None = None
    vote_budget: int = 5
    max_dots_per_item: int = 3
    show_organisations: bool = True


@dataclass(frozen=True)
class TopicSetup:
    id: int
    key: str
    position: int
    title: str
    summary: str | None
    objectives: tuple[str, ...]
    items: int


# --------------------------------------------------------------------------- validation


def clean_settings(settings: WorkshopSettings) -> WorkshopSettings:
    """The settings with texts normalised, or InvalidInputError naming the first problem."""
    for field, year in (
        ("Début de la période", settings.period_start),
        ("Fin de la période", settings.period_end),
    ):
        if not YEAR_MIN <= year <= YEAR_MAX:
            raise InvalidInputError(f"{field} : une année entre {YEAR_MIN} et {YEAR_MAX} est attendue.")
    if settings.period_start > settings.period_end:
        raise InvalidInputError("Période : l'année de début doit précéder (ou égaler) l'année de fin.")
    if not 1 <= settings.vote_budget <= BUDGET_MAX:
        raise InvalidInputError(f"Points par sujet : de 1 à {BUDGET_MAX}.")
    if not 1 <= settings.max_dots_per_item <= settings.vote_budget:
        raise InvalidInputError(
            f"Points au plus sur une contribution : de 1 à {settings.vote_budget} (les points par sujet)."
        )
    return replace(
        settings,
        title=clean_text(settings.title, field="Titre"),
        territory=clean_text(settings.territory, field="Territoire"),
        partner_body=clean_text(settings.partner_body, field="Organisme partenaire"),
    )


def _lines(values: Sequence[str], *, field: str) -> list[str]:
    cleaned = [clean_optional_text(v, field=field) for v in values]
    return [v for v in cleaned if v]


def _slug(title: str) -> str:
    ascii_title = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode("ascii").lower()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_title).strip("-")[:32].rstrip("-")
    return slug or "sujet"


def _unique_key(wanted: str, taken: set[str]) -> str:
    if wanted not in taken:
        return wanted
    for n in range(2, 1000):
        candidate = f"{wanted[: 32 - len(str(n)) - 1]}-{n}"
        if candidate not in taken:
            return candidate
    raise ConflictError("Trop de sujets portent un titre semblable.")


# --------------------------------------------------------------------------- creating


def load_template() -> dict:
    """The Armentières template: default texts, the four themes and the four study topics."""
    return json.loads(TEMPLATE_PATH.read_text(encoding="utf-8"))


def default_settings(*, today: dt.date | None = None) -> WorkshopSettings:
    """Suggested settings for a new workshop (the template's texts, a four-year period)."""
    template = load_template()
    year = (today or dt.date.today()).year
    return WorkshopSettings(
        title=template["title"],
        territory=template["territory"],
        partner_body=template["partner_body"],
        period_start=year,
        period_end=year + 3,
    )


def unused_code(*, session: Session) -> str:
    """A fresh workshop code that no workshop uses yet."""
    for _ in range(CODE_ATTEMPTS):
        code = generate_workshop_code()
        if session.scalar(select(Workshop.id).where(Workshop.code == code)) is None:
            return code
    raise ConflictError("Impossible de trouver un code d'atelier libre : réessayez.")


def create_workshop(
    *, session: Session, settings: WorkshopSettings, passphrase: str, template: str = TEMPLATE_ARMENTIERES
) -> Workshop:
    """A new workshop in phase « recueil », from the Armentières template or blank."""
    if template not in TEMPLATES:
        raise InvalidInputError("Modèle d'atelier inconnu.")
    settings = clean_settings(settings)
    workshop = Workshop(
        code=unused_code(session=session),
        created_at=utc_now(),
        failed_logins=0,
        **settings.__dict__,
    )
    if template == TEMPLATE_ARMENTIERES:
        content = load_template()
        workshop.themes = [Theme(position=i, label=label) for i, label in enumerate(content["themes"])]
        workshop.topics = [
            Topic(
                position=i,
                key=t["key"],
                title=t["title"],
                summary=t["summary"],
                objectives=list(t["objectives"]),
            )
            for i, t in enumerate(content["topics"])
        ]
    else:
        workshop.topics = [
            Topic(position=0, key="sujet-1", title="Sujet d'étude 1", summary=None, objectives=[])
        ]
    session.add(workshop)
    session.flush()
    set_facilitator_passphrase(session=session, workshop_id=workshop.id, passphrase=passphrase)
    ensure_view_token(session=session, workshop_id=workshop.id)
    return workshop


def create_from_archive(
    *, session: Session, data: bytes, passphrase: str, keep_code: bool = False
) -> Workshop:
    """A workshop imported from an archive (a backup, or last convention's as a template).

    Under a fresh code unless `keep_code` (refused if that code is taken).
    """
    content = read_archive(data)  # every problem listed before anything is written
    code = content.workshop.code
    if keep_code:
        if session.scalar(select(Workshop.id).where(Workshop.code == code)) is not None:
            raise ConflictError(
                f"Un atelier porte déjà le code « {code} » : importez l'archive sous un nouveau code."
            )
        workshop = import_archive(session=session, data=data)
    else:
        workshop = import_archive(session=session, data=data, as_code=unused_code(session=session))
    set_facilitator_passphrase(session=session, workshop_id=workshop.id, passphrase=passphrase)
    ensure_view_token(session=session, workshop_id=workshop.id)
    return workshop


# --------------------------------------------------------------------------- settings


def workshop_settings(*, session: Session, workshop_id: int) -> WorkshopSettings:
    w = workshop_by_id(session=session, workshop_id=workshop_id)
    return WorkshopSettings(
        title=w.title,
        territory=w.territory,
        partner_body=w.partner_body,
        period_start=w.period_start,
        period_end=w.period_end,
        held_on=w.held_on,
        vote_budget=w.vote_budget,
        max_dots_per_item=w.max_dots_per_item,
        show_organisations=w.show_organisations,
    )


def _votes_in_use(session: Session, workshop_id: int) -> tuple[int, int]:
    """(most dots one participant spent on one topic, most dots one participant put on one item)."""
    per_topic = (
        select(func.sum(Vote.dots).label("spent"))
        .join(Item, Item.id == Vote.item_id)
        .where(Vote.workshop_id == workshop_id)
        .group_by(Vote.participant_id, Item.topic_id)
        .subquery()
    )
    spent = session.scalar(select(func.coalesce(func.max(per_topic.c.spent), 0)))
    on_item = session.scalar(
        select(func.coalesce(func.max(Vote.dots), 0)).where(Vote.workshop_id == workshop_id)
    )
    return int(spent), int(on_item)


def update_settings(*, session: Session, workshop_id: int, settings: WorkshopSettings) -> None:
    """Save the settings; a vote budget or cap below dots already placed is refused."""
    settings = clean_settings(settings)
    workshop = workshop_by_id(session=session, workshop_id=workshop_id, lock=True)
    spent, on_item = _votes_in_use(session, workshop_id)
    if settings.vote_budget < spent:
        raise InvalidInputError(
            f"Points par sujet : un participant a déjà placé {spent} points sur un même sujet ; "
            f"le budget ne peut pas descendre en dessous."
        )
    if settings.max_dots_per_item < on_item:
        raise InvalidInputError(
            f"Points au plus sur une contribution : un participant en a déjà placé {on_item} sur une "
            "même contribution ; le plafond ne peut pas descendre en dessous."
        )
    for name, value in settings.__dict__.items():
        setattr(workshop, name, value)
    session.flush()


# --------------------------------------------------------------------------- topics


def topic_list(*, session: Session, workshop_id: int) -> list[TopicSetup]:
    """The workshop's topics in order, each with its number of items (hidden ones included)."""
    counts = dict(
        session.execute(
            select(Item.topic_id, func.count()).where(Item.workshop_id == workshop_id).group_by(Item.topic_id)
        ).all()
    )
    topics = session.scalars(select(Topic).where(Topic.workshop_id == workshop_id).order_by(Topic.position))
    return [
        TopicSetup(t.id, t.key, t.position, t.title, t.summary, tuple(t.objectives), counts.get(t.id, 0))
        for t in topics
    ]


def _clean_topic_fields(title: str, summary: str | None, objectives: Sequence[str]) -> tuple:
    return (
        clean_text(title, field="Titre du sujet"),
        clean_optional_text(summary, field="Présentation du sujet", maximum=SHEET_TEXT_MAX),
        _lines(objectives, field="Objectif"),
    )


def add_topic(
    *,
    session: Session,
    workshop_id: int,
    title: str,
    summary: str | None = None,
    objectives: Sequence[str] = (),
) -> int:
    """Add a study topic at the end; its key is made from its title. Returns its id."""
    title, summary, objectives = _clean_topic_fields(title, summary, objectives)
    workshop_by_id(session=session, workshop_id=workshop_id, lock=True)
    existing = topic_list(session=session, workshop_id=workshop_id)
    key = _unique_key(_slug(title), {t.key for t in existing})
    position = max((t.position for t in existing), default=-1) + 1
    topic = Topic(
        workshop_id=workshop_id,
        key=key,
        position=position,
        title=title,
        summary=summary,
        objectives=objectives,
    )
    session.add(topic)
    session.flush()
    return topic.id


def update_topic(
    *,
    session: Session,
    workshop_id: int,
    topic_id: int,
    title: str,
    summary: str | None,
    objectives: Sequence[str],
) -> None:
    """Rename a topic, or change its presentation and objectives (its key stays)."""
    title, summary, objectives = _clean_topic_fields(title, summary, objectives)
    topic = topic_by_id(session=session, workshop_id=workshop_id, topic_id=topic_id)
    topic.title, topic.summary, topic.objectives = title, summary, objectives
    session.flush()


def move_topic(*, session: Session, workshop_id: int, topic_id: int, offset: int) -> None:
    """Move a topic up (offset -1) or down (+1) in the list; nothing happens past either end."""
    workshop_by_id(session=session, workshop_id=workshop_id, lock=True)
    topics = list(
        session.scalars(select(Topic).where(Topic.workshop_id == workshop_id).order_by(Topic.position))
    )
    index = next((i for i, t in enumerate(topics) if t.id == topic_id), None)
    if index is None:
        raise NotFoundError("Ce sujet d'étude n'existe pas dans cet atelier.")
    other = index + offset
    if offset == 0 or not 0 <= other < len(topics):
        return
    first, second = topics[index], topics[other]
    first_position, second_position = first.position, second.position
    # (workshop, position) is unique: park one topic outside the range while swapping.
    first.position = -1 - first_position
    session.flush()
    second.position = first_position
    session.flush()
    first.position = second_position
    session.flush()


def remove_topic(*, session: Session, workshop_id: int, topic_id: int) -> None:
    """Delete a topic that holds no item and no action sheet; the last topic stays."""
    workshop_by_id(session=session, workshop_id=workshop_id, lock=True)
    topic = topic_by_id(session=session, workshop_id=workshop_id, topic_id=topic_id)
    items = session.scalar(select(func.count()).select_from(Item).where(Item.topic_id == topic_id))
    if items:
        raise ConflictError(
            f"Le sujet « {topic.title} » contient déjà {items} contribution{'s' if items > 1 else ''} : "
            "il ne peut plus être supprimé (renommez-le plutôt)."
        )
    if session.scalar(select(ActionSheet.id).where(ActionSheet.topic_id == topic_id)) is not None:
        raise ConflictError(f"Le sujet « {topic.title} » a une fiche action : il ne peut pas être supprimé.")
    remaining = session.scalar(
        select(func.count()).select_from(Topic).where(Topic.workshop_id == workshop_id)
    )
    if remaining <= 1:
        raise ConflictError("Un atelier garde au moins un sujet d'étude.")
    session.delete(topic)
    session.flush()


# --------------------------------------------------------------------------- themes


def theme_labels(*, session: Session, workshop_id: int) -> list[str]:
    return list(
        session.scalars(select(Theme.label).where(Theme.workshop_id == workshop_id).order_by(Theme.position))
    )


def set_themes(*, session: Session, workshop_id: int, labels: Sequence[str]) -> list[str]:
    """Replace the workshop's themes by `labels` (blank lines ignored, order kept, no two alike)."""
    cleaned = _lines(labels, field="Thématique")
    seen: set[str] = set()
    for label in cleaned:
        if label.casefold() in seen:
            raise InvalidInputError(f"Thématique « {label} » en double.")
        seen.add(label.casefold())
    workshop = workshop_by_id(session=session, workshop_id=workshop_id, lock=True)
    workshop.themes.clear()
    session.flush()
    workshop.themes.extend(Theme(position=i, label=label) for i, label in enumerate(cleaned))
    session.flush()
    return cleaned
