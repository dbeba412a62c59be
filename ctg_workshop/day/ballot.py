"""The vote as one partner sees it: a bounded page of choices with their own dots (never the
totals), and once the workshop is closed, each topic's ranking with dots and voters.

Dots are spent only in `vote` (see `voting.py`); results are shown only once `closed`.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass, replace

from sqlalchemy import BigInteger, Row, Select, bindparam, cast, func, select, union_all
from sqlalchemy.orm import Session

from ctg_workshop.day.cards_cache import SCREENS_KEPT, BoundedCache
from ctg_workshop.day.joining import TopicInfo, WorkshopInfo, participant_row
from ctg_workshop.day.ranks import display_ranks
from ctg_workshop.day.results import topic_ranking
from ctg_workshop.day.voting import DotBalance, dots_by_item
from ctg_workshop.errors import InvalidInputError, NotFoundError, PhaseError
from ctg_workshop.storage.lookups import topic_by_key
from ctg_workshop.storage.models import Item, Participant, Phase, Quadrant, Topic, Workshop
from ctg_workshop.wording import QUADRANT_LABELS

QUADRANT_ORDER = {quadrant.value: position for position, quadrant in enumerate(Quadrant)}


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


def _order_start(participant_id: int) -> int:
    """Where the participant enters the cycle of the items (see above)."""
    return participant_id * _ORDER_FACTOR % _ORDER_PRIME


# Every full run of a partner's vote page reads these: statements built once, on the tables
# (plain rows, no ORM object), with the topic, the participant's start and the page as parameters.
_ITEMS = Item.__table__.c
_AUTHORS = Participant.__table__.c
_OPEN_TO_DOTS = (
    _ITEMS.topic_id == bindparam("topic"),
    _ITEMS.hidden.is_(False),
    _ITEMS.merged_into_id.is_(None),
)
_CHOICE_ORDER = (
    (cast(_ITEMS.id, BigInteger) * _ORDER_FACTOR + bindparam("start", type_=BigInteger)) % _ORDER_PRIME,
    _ITEMS.id,
)
# What a card shows of an item, and the topic's items open to dots (visible, not merged into
# another), unordered.
_CARDS = select(_ITEMS.id, _ITEMS.quadrant, _ITEMS.text, _AUTHORS.organisation).select_from(
    Item.__table__.outerjoin(Participant.__table__, _AUTHORS.id == _ITEMS.author_id)
)
_CHOICES = _CARDS.where(*_OPEN_TO_DOTS)
_COUNTS = select(_ITEMS.quadrant, func.count()).where(*_OPEN_TO_DOTS).group_by(_ITEMS.quadrant)


def _first_ids(quadrant: Quadrant) -> Select[tuple[int]]:
    """The ids of the quadrant's first `PREVIEW_PER_QUADRANT` items in the participant's order."""
    first = select(_ITEMS.id).where(*_OPEN_TO_DOTS, _ITEMS.quadrant == quadrant)
    return select(first.order_by(*_CHOICE_ORDER).limit(PREVIEW_PER_QUADRANT).subquery().c.id)


# The first items of each quadrant, in one query: one sorted pick per quadrant, read from the
# index `ix_item_topic_open` (a row number per quadrant over the whole topic sorted every item of
# it, five times slower on SQLite); the page puts them back in order (`_choice_key`).
_PREVIEWS = _CARDS.where(_ITEMS.id.in_(union_all(*(_first_ids(quadrant) for quadrant in Quadrant))))
_QUADRANT_PAGE = (
    _CHOICES.where(_ITEMS.quadrant == bindparam("quadrant"))
    .order_by(*_CHOICE_ORDER)
    .limit(PAGE_SIZE)
    .offset(bindparam("offset"))
)
_VOTED = _CHOICES.where(_ITEMS.id.in_(bindparam("items", expanding=True))).order_by(*_CHOICE_ORDER)
# The texts grouped under the items shown (visible ones, oldest first).
_MEMBERS = (
    select(_ITEMS.merged_into_id, _ITEMS.text)
    .where(_ITEMS.merged_into_id.in_(bindparam("items", expanding=True)), _ITEMS.hidden.is_(False))
    .order_by(_ITEMS.created_at, _ITEMS.key)
)


def _previews(session: Session, keys: dict[str, int]) -> list[Row]:
    """The preview of each quadrant, in the participant's order."""
    order = _choice_key(keys["start"])
    return sorted(
        session.execute(_PREVIEWS, keys).all(), key=lambda row: (QUADRANT_ORDER[row.quadrant], order(row.id))
    )


def _choice_key(start: int) -> Callable[[int], tuple[int, int]]:
    """`_CHOICE_ORDER` computed here, for rows the database did not sort."""
    return lambda item_id: ((item_id * _ORDER_FACTOR + start) % _ORDER_PRIME, item_id)


def _with_empty_quadrants(counts: dict[str, int]) -> dict[str, int]:
    return {quadrant.value: 0 for quadrant in Quadrant} | counts


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
    participant = participant_row(session=session, participant_id=participant_id)
    workshop = session.get_one(Workshop, participant.workshop_id)
    topic = topic_by_key(session=session, workshop_id=workshop.id, topic_key=topic_key)
    return topic_vote(
        session=session, workshop=workshop, topic=topic, participant_id=participant.id, view=view, page=page
    )


def topic_vote(
    *,
    session: Session,
    workshop: Workshop | WorkshopInfo,
    topic: Topic | TopicInfo,
    participant_id: int,
    view: str,
    page: int,
) -> VotePage:
    """`vote_page` once the workshop and the topic are known (`view` checked)."""
    mine = dots_by_item(session=session, participant_id=participant_id, topic_id=topic.id)
    cards = _cards(session, topic, participant_id, mine, workshop.show_organisations, view=view, page=page)
    return VotePage(
        topic_id=topic.id,
        view=view,
        page=cards.page,
        pages=cards.pages,
        # Spent: every dot of the participant on the topic, as the budget trigger counts them.
        balance=DotBalance(topic.id, workshop.vote_budget, sum(mine.values()), 0),
        max_dots_per_item=workshop.max_dots_per_item,
        counts=dict(cards.counts),
        voted_items=len(mine),
        choices=tuple(
            replace(choice, my_dots=mine[choice.item_id]) if choice.item_id in mine else choice
            for choice in cards.choices
        ),
    )


@dataclass(frozen=True)
class _Cards:
    """What a screen of the vote shows of the topic's items, whoever looks at it (no dot)."""

    counts: dict[str, int]
    pages: int
    page: int
    choices: tuple[VoteChoice, ...]


# The cards of the screens read lately, under their topic's version (see `day.cards_cache`).
_SCREENS: BoundedCache[_Cards] = BoundedCache(SCREENS_KEPT)
_CARDS_VERSION = select(Topic.__table__.c.cards_version).where(Topic.__table__.c.id == bindparam("topic"))


def _cards(
    session: Session,
    topic: Topic | TopicInfo,
    participant_id: int,
    mine: dict[int, int],
    shown_organisations: bool,
    *,
    view: str,
    page: int,
) -> _Cards:
    """The view's cards, read once per version of the topic's cards (the participant's own dots
    aside: « Mes points » changes with every dot, it is read every time)."""
    # A topic loaded as an ORM object may carry a version read before this session's own writes.
    read = functools.partial(_read_cards, session, topic.id, participant_id, mine, shown_organisations)
    if view == MY_DOTS or not isinstance(topic, TopicInfo):
        return read(view=view, page=page)
    key = (topic.id, topic.cards_version, participant_id, shown_organisations, view, page)
    cards = _SCREENS.get(key)
    if cards is None:
        cards = read(view=view, page=page)
        # Kept only if no write came in between: PostgreSQL's statements each read the latest
        # committed state, so the cards could be newer than the version read with the workshop.
        if session.scalar(_CARDS_VERSION, {"topic": topic.id}) == topic.cards_version:
            _SCREENS.put(key, cards)
    return cards


def _read_cards(
    session: Session,
    topic_id: int,
    participant_id: int,
    mine: dict[int, int],
    shown_organisations: bool,
    *,
    view: str,
    page: int,
) -> _Cards:
    """The view's cards: a preview of each quadrant, the voted items, or a page of one quadrant."""
    keys = {"topic": topic_id, "start": _order_start(participant_id)}
    # Counted apart: a count per quadrant over the window of the previews costs twice as much.
    counts = _with_empty_quadrants(dict(session.execute(_COUNTS, keys).all()))
    pages, shown_page = 1, 0
    if view == ALL_QUADRANTS:
        rows = _previews(session, keys)
    elif view == MY_DOTS:
        voted = session.execute(_VOTED, {**keys, "items": list(mine)}).all() if mine else []
        # Stable: the participant's order within each quadrant.
        rows = sorted(voted, key=lambda row: QUADRANT_ORDER[row.quadrant])
    else:
        pages = max(1, -(-counts[view] // PAGE_SIZE))
        shown_page = min(max(page, 0), pages - 1)
        rows = session.execute(
            _QUADRANT_PAGE, {**keys, "quadrant": view, "offset": shown_page * PAGE_SIZE}
        ).all()
    members = _members(session, [row.id for row in rows])
    choices = tuple(
        VoteChoice(
            item_id=row.id,
            quadrant=row.quadrant,
            text=row.text,
            organisation=row.organisation if shown_organisations else None,
            members=members.get(row.id, ()),
            my_dots=0,
        )
        for row in rows
    )
    return _Cards(counts, pages, shown_page, choices)


def _members(session: Session, item_ids: list[int]) -> dict[int, tuple[str, ...]]:
    """The texts grouped under each of `item_ids` (visible ones, oldest first)."""
    members: dict[int, list[str]] = {}
    if item_ids:
        for merged_into_id, text in session.execute(_MEMBERS, {"items": item_ids}):
            members.setdefault(merged_into_id, []).append(text)
    return {item_id: tuple(texts) for item_id, texts in members.items()}


def closed_results(*, session: Session, workshop_id: int, topic_key: str) -> list[ResultLine]:
    """The topic's ranking with dots and voters; only once the workshop is closed."""
    workshop = session.get(Workshop, workshop_id)
    if workshop is None:
        raise NotFoundError("Cet atelier n'existe plus.")
    _require_closed(workshop)
    topic = topic_by_key(session=session, workshop_id=workshop.id, topic_key=topic_key)
    return closed_ranking(session=session, workshop=workshop, topic=topic)


def _require_closed(workshop: Workshop | WorkshopInfo) -> None:
    if workshop.phase != Phase.CLOSED:
        raise PhaseError("Les résultats seront visibles à la clôture de l'atelier.")


def closed_ranking(
    *, session: Session, workshop: Workshop | WorkshopInfo, topic: Topic | TopicInfo
) -> list[ResultLine]:
    """`closed_results` once the workshop and the topic are known."""
    _require_closed(workshop)
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
