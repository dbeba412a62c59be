"""What one full run of the partner's page shows, read at once: the workshop, who this device is
(from the tokens it holds), the topic it chose, and that topic's cards for the phase.

One function, one read transaction: the page reads its widgets, calls `partner_screen`, renders.
The parts of the page that redraw alone after a tap (a quadrant, a vote card) read what they
need themselves (`contributions.topic_items_for_participant`, the dots the tap returned).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace

from sqlalchemy.orm import Session

from ctg_workshop.day.ballot import (
    ALL_QUADRANTS,
    VOTE_VIEWS,
    ResultLine,
    VotePage,
    closed_ranking,
    topic_vote,
)
from ctg_workshop.day.contributions import TopicItems, topic_items
from ctg_workshop.day.joining import Identity, TopicInfo, WorkshopInfo, find_workshop, identity_in
from ctg_workshop.errors import NotFoundError
from ctg_workshop.storage.models import Phase


@dataclass(frozen=True)
class PartnerScreen:
    """Everything a full run of the partner's page shows.

    `identity` is None when no token of this device names a participant of the workshop (the
    page then offers to join it). The topic's cards follow the phase: `items` while collecting
    and grouping, `vote` (one page of it) during the vote — both only for a participant —, and
    `results` once the workshop is closed, for anyone."""

    workshop: WorkshopInfo
    identity: Identity | None
    topic: TopicInfo
    items: TopicItems | None = None
    vote: VotePage | None = None
    results: tuple[ResultLine, ...] | None = None


def partner_screen(
    *,
    session: Session,
    code: str,
    tokens: Sequence[str] = (),
    topic_keys: Sequence[str | None] = (),
    vote_views: Mapping[str, str] | None = None,
    vote_pages: Mapping[tuple[str, str], int] | None = None,
) -> PartnerScreen:
    """The partner's screen of the workshop `code` (case, spaces, dashes forgiven).

    `tokens`: what may name this device's participant, best first (the address's, the
    session's, the cookie's). `topic_keys`: the topic asked for, best first; the first one of
    the workshop is taken, else its first topic. `vote_views` (topic key → view) and
    `vote_pages` ((topic key, view) → page) say which cards of the vote to show; an unknown
    view shows every quadrant. Raises the French refusal when no workshop has that code."""
    workshop = find_workshop(session=session, code=code)
    identity = identity_in(session=session, workshop=workshop, tokens=tokens)
    topic = _chosen_topic(workshop.topics, topic_keys)
    screen = PartnerScreen(workshop, identity, topic)
    if workshop.phase == Phase.CLOSED:
        return replace(screen, results=tuple(closed_ranking(session=session, workshop=workshop, topic=topic)))
    if identity is None:
        return screen  # the join form
    participant_id = identity.participant_id
    if workshop.phase == Phase.VOTE:
        view, page = _requested_vote(
            topic.key, vote_views if vote_views is not None else {}, vote_pages or {}
        )
        vote = topic_vote(
            session=session,
            workshop=workshop,
            topic=topic,
            participant_id=participant_id,
            view=view,
            page=page,
        )
        return replace(screen, vote=vote)
    items = topic_items(session=session, workshop=workshop, topic_id=topic.id, participant_id=participant_id)
    return replace(screen, items=items)


def _requested_vote(
    topic_key: str, views: Mapping[str, str], pages: Mapping[tuple[str, str], int]
) -> tuple[str, int]:
    """(view, page) of the topic's vote as asked; an unknown view shows every quadrant."""
    view = views.get(topic_key, ALL_QUADRANTS)
    view = view if view in VOTE_VIEWS else ALL_QUADRANTS
    return view, pages.get((topic_key, view), 0)


def _chosen_topic(topics: Sequence[TopicInfo], wanted: Sequence[str | None]) -> TopicInfo:
    """The first topic of `wanted` the workshop has, else its first topic."""
    by_key = {topic.key: topic for topic in topics}
    for key in wanted:
        if key in by_key:
            return by_key[key]
    if not topics:
        raise NotFoundError("Cet atelier n'a aucun sujet d'étude : demandez à l'animateur de le préparer.")
    return topics[0]
