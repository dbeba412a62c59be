"""The SWOT items a partner writes in the collect phase: add, correct, delete their own, read
the topic's (their own, and the others' without names).

Items are added, edited and deleted only in `collect` (spec, *Phases*). Each write reads the
workshop row `FOR SHARE` inside its transaction (SQLite: BEGIN IMMEDIATE), so a phase change
either happens before it — and the write is refused — or waits for it.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import bindparam, func, insert, select
from sqlalchemy.orm import Session

from ctg_workshop.day.joining import UNKNOWN_PARTICIPANT, WorkshopInfo
from ctg_workshop.errors import ConflictError, InvalidInputError, NotFoundError, PhaseError
from ctg_workshop.identifiers import new_key, utc_now
from ctg_workshop.storage.lookups import unknown_topic
from ctg_workshop.storage.models import Item, ItemRevision, Participant, Phase, Quadrant, Topic, Workshop
from ctg_workshop.text import clean_item_text
from ctg_workshop.wording import PHASE_LABELS


@dataclass(frozen=True)
class OwnItem:
    id: int
    quadrant: str
    text: str


@dataclass(frozen=True)
class OtherItem:
    id: int
    quadrant: str
    text: str
    organisation: str | None


@dataclass(frozen=True)
class TopicItems:
    """One topic as a participant sees it: their own items, and the others' (no names)."""

    own: tuple[OwnItem, ...]
    others: tuple[OtherItem, ...]

    def own_in(self, quadrant: str) -> list[OwnItem]:
        return [item for item in self.own if item.quadrant == quadrant]

    def others_in(self, quadrant: str) -> list[OtherItem]:
        return [item for item in self.others if item.quadrant == quadrant]


# The tables' columns, for the statements built once below (plain rows, no ORM object).
_ITEMS = Item.__table__.c
_AUTHORS = Participant.__table__.c
_TOPICS = Topic.__table__.c


def _lock_participant(session: Session, participant_id: int) -> Participant:
    """The participant's row FOR UPDATE: two devices or a double tap of one participant queue up."""
    participant = session.scalar(
        select(Participant).where(Participant.id == participant_id).with_for_update()
    )
    if participant is None:
        raise NotFoundError(UNKNOWN_PARTICIPANT)
    return participant


def _lock_workshop(session: Session, participant: Participant) -> Workshop:
    """The participant's workshop, read FOR SHARE: a concurrent phase change waits for us."""
    return session.scalars(
        select(Workshop).where(Workshop.id == participant.workshop_id).with_for_update(read=True)
    ).one()


def _require_collect(workshop: Workshop) -> None:
    _require_collect_phase(workshop.phase)


def _require_collect_phase(phase: str) -> None:
    if phase != Phase.COLLECT:
        label = PHASE_LABELS[Phase(phase)]
        raise PhaseError(
            f"Le recueil des contributions est terminé : l'atelier est passé en phase « {label} ». "
            "Les contributions ne peuvent plus être ajoutées, corrigées ni supprimées."
        )


def quadrant_of(quadrant: str) -> Quadrant:
    try:
        return Quadrant(quadrant)
    except ValueError as error:
        raise InvalidInputError(
            f"Case SWOT inconnue : « {quadrant} » (forces, faiblesses, opportunités ou menaces)."
        ) from error


def _own_item_view(item: Item) -> OwnItem:
    return OwnItem(item.id, item.quadrant, item.text)


# The statements of an addition, built once: a tap in the collect phase runs three reads and one
# write on the tables, no ORM object (what `voting.py` does for a dot).
_LOCK_AUTHOR = (
    select(Participant.__table__.c.workshop_id)
    .where(Participant.__table__.c.id == bindparam("participant"))
    .with_for_update()
)
_LOCK_PHASE = (
    select(Workshop.__table__.c.phase)
    .where(Workshop.__table__.c.id == bindparam("workshop"))
    .with_for_update(read=True)
)
# The topic, and the same text already sent by the same partner to the same place (a double tap).
_TOPIC_AND_TWIN = select(
    _TOPICS.id,
    select(_ITEMS.id)
    .where(
        _ITEMS.author_id == bindparam("participant"),
        _ITEMS.topic_id == _TOPICS.id,
        _ITEMS.quadrant == bindparam("quadrant"),
        _ITEMS.text == bindparam("text"),
        _ITEMS.hidden.is_(False),
    )
    .limit(1)
    .scalar_subquery(),
).where(_TOPICS.workshop_id == bindparam("workshop"), _TOPICS.key == bindparam("topic_key"))
_INSERT_ITEM = insert(Item.__table__).returning(_ITEMS.id)


def add_item(*, session: Session, participant_id: int, topic_key: str, quadrant: str, text: str) -> OwnItem:
    """Add the participant's item to a topic's quadrant (collect phase only).

    The same text sent twice to the same place (a double tap) gives one item, not two.
    """
    workshop_id = session.scalar(_LOCK_AUTHOR, {"participant": participant_id})
    if workshop_id is None:
        raise NotFoundError(UNKNOWN_PARTICIPANT)
    _require_collect_phase(session.scalar(_LOCK_PHASE, {"workshop": workshop_id}))
    place = quadrant_of(quadrant).value
    cleaned = clean_item_text(text)
    keys = {"participant": participant_id, "workshop": workshop_id, "topic_key": topic_key}
    found = session.execute(_TOPIC_AND_TWIN, {**keys, "quadrant": place, "text": cleaned}).one_or_none()
    if found is None:
        raise NotFoundError(unknown_topic(topic_key))
    topic_id, twin_id = found
    if twin_id is None:
        row = {"workshop_id": workshop_id, "key": new_key("i"), "topic_id": topic_id, "quadrant": place}
        row |= {"text": cleaned, "author_id": participant_id, "created_at": utc_now()}
        twin_id = session.scalar(_INSERT_ITEM, row)
    return OwnItem(twin_id, place, cleaned)


def _own_item(session: Session, participant: Participant, item_id: int) -> Item:
    item = session.get(Item, item_id)
    if (
        item is None
        or item.workshop_id != participant.workshop_id
        or item.author_id != participant.id
        or item.hidden
    ):
        raise NotFoundError(
            "Contribution introuvable parmi les vôtres : vous ne pouvez modifier que les vôtres."
        )
    return item


def edit_own_item(*, session: Session, participant_id: int, item_id: int, text: str) -> OwnItem:
    """Correct one's own item (collect phase only); the previous text is kept as a revision."""
    participant = _lock_participant(session, participant_id)
    workshop = _lock_workshop(session, participant)
    _require_collect(workshop)
    item = _own_item(session, participant, item_id)
    cleaned = clean_item_text(text)
    if cleaned != item.text:
        session.add(
            ItemRevision(
                item_id=item.id, previous_text=item.text, changed_by="participant", changed_at=utc_now()
            )
        )
        item.text = cleaned
        session.flush()
    return _own_item_view(item)


def delete_own_item(*, session: Session, participant_id: int, item_id: int) -> None:
    """Delete one's own item (collect phase only)."""
    participant = _lock_participant(session, participant_id)
    workshop = _lock_workshop(session, participant)
    _require_collect(workshop)
    item = _own_item(session, participant, item_id)
    grouped = session.scalar(select(func.count()).select_from(Item).where(Item.merged_into_id == item.id))
    if grouped:
        raise ConflictError(
            "Cette contribution regroupe celles d'autres partenaires : demandez à l'animateur de la retirer."
        )
    session.delete(item)
    session.flush()


# A quadrant redraws after every tap of the collect phase, and the page after every run: the
# statements are built once, on the tables (plain rows, no ORM object).
_TOPIC_ITEMS = (
    select(_ITEMS.id, _ITEMS.quadrant, _ITEMS.text, _ITEMS.author_id, _AUTHORS.organisation)
    .select_from(Item.__table__.outerjoin(Participant.__table__, _AUTHORS.id == _ITEMS.author_id))
    .where(_ITEMS.topic_id == bindparam("topic"), _ITEMS.hidden.is_(False))
    .order_by(_ITEMS.created_at, _ITEMS.id)
)
_QUADRANT_ITEMS = _TOPIC_ITEMS.where(_ITEMS.quadrant == bindparam("quadrant"))
# The participant's workshop setting and the topic they name (None: not in their workshop).
_READER = (
    select(Workshop.__table__.c.show_organisations, _TOPICS.id)
    .select_from(Participant.__table__)
    .join(Workshop.__table__, Workshop.__table__.c.id == _AUTHORS.workshop_id)
    .outerjoin(
        Topic.__table__,
        (_TOPICS.workshop_id == _AUTHORS.workshop_id) & (_TOPICS.key == bindparam("topic_key")),
    )
    .where(_AUTHORS.id == bindparam("participant"))
)


def topic_items_for_participant(
    *, session: Session, participant_id: int, topic_key: str, quadrant: str | None = None
) -> TopicItems:
    """The topic's visible items (of one quadrant if given): the participant's own, and the
    others' (organisation per setting). Plain rows, no ORM objects: this runs on every tap."""
    reader = session.execute(_READER, {"participant": participant_id, "topic_key": topic_key}).one_or_none()
    if reader is None:
        raise NotFoundError(UNKNOWN_PARTICIPANT)
    show_organisations, topic_id = reader
    if topic_id is None:
        raise NotFoundError(unknown_topic(topic_key))
    return _topic_items(session, show_organisations, topic_id, participant_id, quadrant)


def topic_items(
    *,
    session: Session,
    workshop: Workshop | WorkshopInfo,
    topic_id: int,
    participant_id: int,
    quadrant: str | None = None,
) -> TopicItems:
    """`topic_items_for_participant` once the workshop and the topic are known."""
    return _topic_items(session, workshop.show_organisations, topic_id, participant_id, quadrant)


def _topic_items(
    session: Session, show_organisations: bool, topic_id: int, participant_id: int, quadrant: str | None
) -> TopicItems:
    if quadrant is None:
        rows = session.execute(_TOPIC_ITEMS, {"topic": topic_id}).all()
    else:
        rows = session.execute(
            _QUADRANT_ITEMS, {"topic": topic_id, "quadrant": quadrant_of(quadrant).value}
        ).all()
    own = tuple(OwnItem(r.id, r.quadrant, r.text) for r in rows if r.author_id == participant_id)
    others = tuple(
        OtherItem(r.id, r.quadrant, r.text, r.organisation if show_organisations else None)
        for r in rows
        if r.author_id != participant_id
    )
    return TopicItems(own=own, others=others)
