"""The partner's journey: join a workshop, write SWOT items, spend dots, read the results.

Every function takes the caller's session, never commits, and raises the package's errors
with French messages. Pages get small frozen dataclasses, never ORM objects.

Phases (spec, *Phases*): items are added, edited and deleted only in `collect`; dots are
spent only in `vote` (see `voting.py`); results are shown only once `closed`. Each write
reads the workshop row `FOR SHARE` inside its transaction (SQLite: BEGIN IMMEDIATE), so a
phase change either happens before it — and the write is refused — or waits for it.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from sqlalchemy import BigInteger, cast, func, select
from sqlalchemy.orm import Session

from ctg_workshop.day.ranks import display_ranks
from ctg_workshop.day.results import topic_ranking
from ctg_workshop.day.voting import DotBalance, dots_by_item
from ctg_workshop.errors import ConflictError, InvalidInputError, NotFoundError, PhaseError
from ctg_workshop.identifiers import check_code, new_key, new_token, normalize_code, utc_now
from ctg_workshop.storage.lookups import topic_by_key
from ctg_workshop.storage.models import (
    Item,
    ItemRevision,
    Participant,
    Phase,
    Quadrant,
    Topic,
    Workshop,
)
from ctg_workshop.text import clean_item_text, clean_optional_text, clean_text, normalize_text
from ctg_workshop.wording import PHASE_LABELS, QUADRANT_LABELS

TOKEN_PATTERN = re.compile(r"^[A-Za-z0-9_-]{22,64}$")
QUADRANT_ORDER = {quadrant.value: position for position, quadrant in enumerate(Quadrant)}


# --- What pages receive ------------------------------------------------------------------


@dataclass(frozen=True)
class TopicInfo:
    id: int
    key: str
    title: str
    summary: str | None
    objectives: tuple[str, ...]


@dataclass(frozen=True)
class WorkshopInfo:
    id: int
    code: str
    title: str
    territory: str
    phase: str
    vote_budget: int
    max_dots_per_item: int
    show_organisations: bool
    topics: tuple[TopicInfo, ...]
    # The end of the facilitator's countdown (naive UTC), if one is running.
    timer_ends_at: dt.datetime | None = None

    @property
    def phase_label(self) -> str:
        return PHASE_LABELS[Phase(self.phase)]

    def topic(self, key: str) -> TopicInfo:
        for topic in self.topics:
            if topic.key == key:
                return topic
        raise NotFoundError(f"Sujet d'étude inconnu dans cet atelier : « {key} ».")


@dataclass(frozen=True)
class Identity:
    """Who is writing: the participant, their workshop, and the token that proves it."""

    participant_id: int
    workshop_id: int
    workshop_code: str
    token: str
    organisation: str
    name: str | None


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


@dataclass(frozen=True)
class VoteChoice:
    """A representative item open to dots; carries the participant's own dots only."""

    item_id: int
    quadrant: str
    text: str
    organisation: str | None
    members: tuple[str, ...]
    my_dots: int


# What the vote page shows at once: bounded whatever the size of the workshop.
ALL_QUADRANTS = "all"
MY_DOTS = "mine"
VOTE_VIEWS = (ALL_QUADRANTS, *(quadrant.value for quadrant in Quadrant), MY_DOTS)
PREVIEW_PER_QUADRANT = 5
PAGE_SIZE = 10


@dataclass(frozen=True)
class VotePage:
    """One screen of the vote: a bounded set of choices, the counts, the participant's dots.

    `view` is `all` (the `PREVIEW_PER_QUADRANT` newest items of each quadrant), a quadrant
    (`PAGE_SIZE` items from `page`), or `mine` (the items the participant has dots on, at most
    the budget). `counts` are the topic's items open to dots per quadrant: what « see more »
    offers. Never the totals of dots.
    """

    topic_id: int
    view: str
    page: int
    pages: int
    balance: DotBalance
    max_dots_per_item: int
    counts: dict[str, int]
    voted_items: int
    choices: tuple[VoteChoice, ...]

    def choices_in(self, quadrant: str) -> list[VoteChoice]:
        return [choice for choice in self.choices if choice.quadrant == quadrant]

    @property
    def first_shown(self) -> int:
        """The position (from 1) of the first choice of a quadrant's page."""
        return self.page * PAGE_SIZE + 1


@dataclass(frozen=True)
class ResultLine:
    """One line of a closed topic's ranking. `rank` is its display rank (`ranks.display_ranks`):
    tied lines share it, a line without points has none; `rank_label` reads « 2 ex æquo »."""

    rank: int | None
    rank_label: str
    quadrant: str
    text: str
    organisation: str | None
    dots: int
    voters: int
    members: tuple[str, ...]

    @property
    def quadrant_label(self) -> str:
        return QUADRANT_LABELS[Quadrant(self.quadrant)]


# --- Workshops and identity ----------------------------------------------------------------


def _workshop_info(session: Session, workshop: Workshop) -> WorkshopInfo:
    topics = session.scalars(select(Topic).where(Topic.workshop_id == workshop.id).order_by(Topic.position))
    return WorkshopInfo(
        id=workshop.id,
        code=workshop.code,
        title=workshop.title,
        territory=workshop.territory,
        phase=workshop.phase,
        vote_budget=workshop.vote_budget,
        max_dots_per_item=workshop.max_dots_per_item,
        show_organisations=workshop.show_organisations,
        topics=tuple(TopicInfo(t.id, t.key, t.title, t.summary, tuple(t.objectives or ())) for t in topics),
        timer_ends_at=workshop.timer_ends_at,
    )


def _workshop_row(session: Session, code: str) -> Workshop:
    wanted = normalize_code(code)
    if not wanted:
        raise InvalidInputError("Code de l'atelier : saisissez le code affiché par l'animateur.")
    check_code(wanted)
    workshop = session.scalar(select(Workshop).where(Workshop.code == wanted))
    if workshop is None:
        raise NotFoundError(
            f"Aucun atelier ne porte le code « {wanted} ». Vérifiez le code affiché par l'animateur."
        )
    return workshop


def find_workshop(*, session: Session, code: str) -> WorkshopInfo:
    """The workshop a person typed or scanned the code of (case, spaces, dashes forgiven)."""
    return _workshop_info(session, _workshop_row(session, code))


def known_organisations(*, session: Session, workshop_id: int) -> list[str]:
    """The organisations already present in the workshop, alphabetically, each once."""
    names = session.scalars(select(Participant.organisation).where(Participant.workshop_id == workshop_id))
    unique = {name.casefold(): name for name in sorted(set(names))}
    return sorted(unique.values(), key=str.casefold)


def _identity(participant: Participant, code: str) -> Identity:
    return Identity(
        participant_id=participant.id,
        workshop_id=participant.workshop_id,
        workshop_code=code,
        token=participant.token,
        organisation=participant.organisation,
        name=participant.name,
    )


def _matching_organisation(session: Session, workshop_id: int, typed: str) -> str:
    """A typed organisation, spelt as an already known one when only case or spaces differ."""
    squeezed = " ".join(typed.split()).casefold()
    for known in known_organisations(session=session, workshop_id=workshop_id):
        if " ".join(known.split()).casefold() == squeezed:
            return known
    return typed


def is_valid_token(token: object) -> bool:
    """Whether `token` has the shape of a participant token (before any database look-up)."""
    return isinstance(token, str) and TOKEN_PATTERN.match(token) is not None


def join_workshop(
    *, session: Session, code: str, organisation: str, name: str | None = None, token: str | None = None
) -> Identity:
    """Join the workshop as a new participant, or get back the one `token` already names.

    The page passes the token it generated when it showed the form: a double tap or an
    interrupted request joins once, never twice.
    """
    workshop = session.scalar(
        select(Workshop).where(Workshop.id == _workshop_row(session, code).id).with_for_update(read=True)
    )
    if token is not None:
        existing = _participant_with_token(session, token)
        if existing is not None and existing.workshop_id == workshop.id:
            return _identity(existing, workshop.code)
    if workshop.phase == Phase.CLOSED:
        raise PhaseError(
            "Cet atelier est clos : on ne peut plus le rejoindre. Les résultats restent visibles."
        )
    if not normalize_text(organisation or ""):
        raise InvalidInputError("Organisation : choisissez-la dans la liste ou écrivez son nom.")
    organisation = clean_text(organisation, field="Organisation")
    participant = Participant(
        workshop_id=workshop.id,
        key=new_key("p"),
        token=token
        if is_valid_token(token) and _participant_with_token(session, token) is None
        else new_token(),
        name=clean_optional_text(name, field="Nom"),
        organisation=_matching_organisation(session, workshop.id, organisation),
        created_at=utc_now(),
    )
    session.add(participant)
    session.flush()
    return _identity(participant, workshop.code)


def _participant_with_token(session: Session, token: str) -> Participant | None:
    if not is_valid_token(token):
        return None
    return session.scalar(select(Participant).where(Participant.token == token))


def participant_by_token(*, session: Session, token: str, code: str | None = None) -> Identity | None:
    """The participant a link or cookie names; None if unknown (or of another workshop than `code`)."""
    participant = _participant_with_token(session, token)
    if participant is None:
        return None
    workshop_code = session.scalar(select(Workshop.code).where(Workshop.id == participant.workshop_id))
    if code is not None and normalize_code(code) != workshop_code:
        return None
    return _identity(participant, workshop_code)


# --- Items ---------------------------------------------------------------------------------


def _participant(session: Session, participant_id: int) -> Participant:
    participant = session.get(Participant, participant_id)
    if participant is None:
        raise NotFoundError("Participant inconnu : rejoignez de nouveau l'atelier avec son code.")
    return participant


def _lock_participant(session: Session, participant_id: int) -> Participant:
    """The participant's row FOR UPDATE: two devices or a double tap of one participant queue up."""
    participant = session.scalar(
        select(Participant).where(Participant.id == participant_id).with_for_update()
    )
    if participant is None:
        raise NotFoundError("Participant inconnu : rejoignez de nouveau l'atelier avec son code.")
    return participant


def _lock_workshop(session: Session, participant: Participant) -> Workshop:
    """The participant's workshop, read FOR SHARE: a concurrent phase change waits for us."""
    return session.scalars(
        select(Workshop).where(Workshop.id == participant.workshop_id).with_for_update(read=True)
    ).one()


def _require_collect(workshop: Workshop) -> None:
    if workshop.phase != Phase.COLLECT:
        label = PHASE_LABELS[Phase(workshop.phase)]
        raise PhaseError(
            f"Le recueil des contributions est terminé : l'atelier est passé en phase « {label} ». "
            "Les contributions ne peuvent plus être ajoutées, corrigées ni supprimées."
        )


def _quadrant(quadrant: str) -> Quadrant:
    try:
        return Quadrant(quadrant)
    except ValueError as error:
        raise InvalidInputError(
            f"Case SWOT inconnue : « {quadrant} » (forces, faiblesses, opportunités ou menaces)."
        ) from error


def _own_item_view(item: Item) -> OwnItem:
    return OwnItem(item.id, item.quadrant, item.text)


def add_item(*, session: Session, participant_id: int, topic_key: str, quadrant: str, text: str) -> OwnItem:
    """Add the participant's item to a topic's quadrant (collect phase only).

    The same text sent twice to the same place (a double tap) gives one item, not two.
    """
    participant = _lock_participant(session, participant_id)
    workshop = _lock_workshop(session, participant)
    _require_collect(workshop)
    topic = topic_by_key(session=session, workshop_id=workshop.id, topic_key=topic_key)
    place = _quadrant(quadrant)
    cleaned = clean_item_text(text)
    twin = session.scalar(
        select(Item).where(
            Item.author_id == participant.id,
            Item.topic_id == topic.id,
            Item.quadrant == place.value,
            Item.text == cleaned,
            Item.hidden.is_(False),
        )
    )
    if twin is not None:
        return _own_item_view(twin)
    item = Item(
        workshop_id=workshop.id,
        key=new_key("i"),
        topic_id=topic.id,
        quadrant=place.value,
        text=cleaned,
        author_id=participant.id,
        created_at=utc_now(),
    )
    session.add(item)
    session.flush()
    return _own_item_view(item)


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


def topic_items_for_participant(
    *, session: Session, participant_id: int, topic_key: str, quadrant: str | None = None
) -> TopicItems:
    """The topic's visible items (of one quadrant if given): the participant's own, and the
    others' (organisation per setting). Plain rows, no ORM objects: this runs on every tap."""
    participant = _participant(session, participant_id)
    workshop = session.get_one(Workshop, participant.workshop_id)
    topic = topic_by_key(session=session, workshop_id=workshop.id, topic_key=topic_key)
    query = (
        select(Item.id, Item.quadrant, Item.text, Item.author_id, Participant.organisation)
        .outerjoin(Participant, Participant.id == Item.author_id)
        .where(Item.topic_id == topic.id, Item.hidden.is_(False))
        .order_by(Item.created_at, Item.id)
    )
    if quadrant is not None:
        query = query.where(Item.quadrant == _quadrant(quadrant).value)
    rows = session.execute(query).all()
    own = tuple(OwnItem(r.id, r.quadrant, r.text) for r in rows if r.author_id == participant.id)
    others = tuple(
        OtherItem(r.id, r.quadrant, r.text, r.organisation if workshop.show_organisations else None)
        for r in rows
        if r.author_id != participant.id
    )
    return TopicItems(own=own, others=others)


# --- Vote and results ------------------------------------------------------------------------


def _vote_view(view: str) -> str:
    if view not in VOTE_VIEWS:
        raise InvalidInputError(f"Affichage du vote inconnu : « {view} ».")
    return view


# The order of the choices: (F·item id + start) mod P, with a start of the participant's own.
# It sorts the items along one fixed pseudo-random cycle, each partner entering it at a
# different place: the first cards of a list draw more dots, and this way no item is on every
# partner's first screen. The order reveals nothing (neither age nor score) and stays the same
# for a partner from one visit to the next. P is prime and F < P: every item gets its own place.
_ORDER_PRIME = 2_147_483_647
_ORDER_FACTOR = 1_103_515_245


def _choice_rows(session: Session, topic_id: int, participant_id: int):
    """The topic's items open to dots (visible, not merged into another), in the participant's order."""
    start = participant_id * _ORDER_FACTOR % _ORDER_PRIME
    place = (cast(Item.id, BigInteger) * _ORDER_FACTOR + start) % _ORDER_PRIME
    return (
        select(Item.id, Item.quadrant, Item.text, Participant.organisation)
        .outerjoin(Participant, Participant.id == Item.author_id)
        .where(Item.topic_id == topic_id, Item.hidden.is_(False), Item.merged_into_id.is_(None))
        .order_by(place, Item.id)
    )


def vote_page(
    *, session: Session, participant_id: int, topic_key: str, view: str = ALL_QUADRANTS, page: int = 0
) -> VotePage:
    """One bounded screen of the topic's vote, with the participant's own dots; never the totals.

    Reads the counts per quadrant, the participant's votes on the topic (at most the budget)
    and only the items shown (at most 4 × `PREVIEW_PER_QUADRANT`, `PAGE_SIZE`, or the budget):
    its cost does not grow with the workshop. Choices are ordered by quadrant, then in the
    participant's own order (`_choice_rows`): never by score nor age, the same at every visit,
    and not the same first cards for everyone. A page past the end shows the last one.
    """
    view = _vote_view(view)
    participant = _participant(session, participant_id)
    workshop = session.get_one(Workshop, participant.workshop_id)
    topic = topic_by_key(session=session, workshop_id=workshop.id, topic_key=topic_key)
    mine = dots_by_item(session=session, participant_id=participant.id, topic_id=topic.id)
    counted = session.execute(
        select(Item.quadrant, func.count())
        .where(Item.topic_id == topic.id, Item.hidden.is_(False), Item.merged_into_id.is_(None))
        .group_by(Item.quadrant)
    ).all()
    counts = {quadrant.value: 0 for quadrant in Quadrant} | {quadrant: number for quadrant, number in counted}
    rows = _choice_rows(session, topic.id, participant.id)
    pages, wanted_page, page = 1, page, 0
    if view == ALL_QUADRANTS:
        shown = [
            row
            for quadrant in Quadrant
            if counts[quadrant.value]
            for row in session.execute(
                rows.where(Item.quadrant == quadrant.value).limit(PREVIEW_PER_QUADRANT)
            ).all()
        ]
    elif view == MY_DOTS:
        voted = session.execute(rows.where(Item.id.in_(list(mine)))).all() if mine else []
        shown = sorted(voted, key=lambda row: QUADRANT_ORDER[row.quadrant])  # stable: the participant's order
    else:
        pages = max(1, -(-counts[view] // PAGE_SIZE))
        page = min(max(wanted_page, 0), pages - 1)
        shown = session.execute(
            rows.where(Item.quadrant == view).limit(PAGE_SIZE).offset(page * PAGE_SIZE)
        ).all()
    members: dict[int, list[str]] = {}
    if shown:
        grouped = session.execute(
            select(Item.merged_into_id, Item.text)
            .where(Item.merged_into_id.in_([row.id for row in shown]), Item.hidden.is_(False))
            .order_by(Item.created_at, Item.key)
        )
        for merged_into_id, text in grouped:
            members.setdefault(merged_into_id, []).append(text)
    shown_organisations = workshop.show_organisations
    return VotePage(
        topic_id=topic.id,
        view=view,
        page=page,
        pages=pages,
        # Spent: every dot of the participant on the topic, as the budget trigger counts them.
        balance=DotBalance(topic.id, workshop.vote_budget, sum(mine.values()), 0),
        max_dots_per_item=workshop.max_dots_per_item,
        counts=counts,
        voted_items=len(mine),
        choices=tuple(
            VoteChoice(
                item_id=row.id,
                quadrant=row.quadrant,
                text=row.text,
                organisation=row.organisation if shown_organisations else None,
                members=tuple(members.get(row.id, ())),
                my_dots=mine.get(row.id, 0),
            )
            for row in shown
        ),
    )


def closed_results(*, session: Session, workshop_id: int, topic_key: str) -> list[ResultLine]:
    """The topic's ranking with dots and voters; only once the workshop is closed."""
    workshop = session.get(Workshop, workshop_id)
    if workshop is None:
        raise NotFoundError("Cet atelier n'existe plus.")
    if workshop.phase != Phase.CLOSED:
        raise PhaseError("Les résultats seront visibles à la clôture de l'atelier.")
    topic = topic_by_key(session=session, workshop_id=workshop.id, topic_key=topic_key)
    shown = workshop.show_organisations
    ranking = topic_ranking(session=session, workshop_id=workshop.id, topic_id=topic.id)
    return [
        ResultLine(
            rank=position.number,
            rank_label=position.label,
            quadrant=r.quadrant,
            text=r.text,
            organisation=r.organisation if shown else None,
            dots=r.dots,
            voters=r.voters,
            members=tuple(m.text for m in r.members),
        )
        for position, r in zip(display_ranks(ranking), ranking, strict=True)
    ]
