"""The vote's cards kept between full runs of a partner's page, under the topic's `cards_version`:
the database gives the topic a new version at every write that could change a card (triggers of
migration 0009), so a kept screen is never shown once its cards changed; a dot changes nothing."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import Engine, select, update
from sqlalchemy.orm import Session

from ctg_workshop.day.ballot import ALL_QUADRANTS
from ctg_workshop.day.cards_cache import BoundedCache
from ctg_workshop.day.contributions import delete_own_item, edit_own_item
from ctg_workshop.day.grouping import merge_items, unmerge_item
from ctg_workshop.day.joining import Identity
from ctg_workshop.day.moderation import correct_item, hide_item, unhide_item
from ctg_workshop.day.voting import add_dot
from ctg_workshop.storage.db import read_session, write_session
from ctg_workshop.storage.models import Item, Participant, Phase, Topic
from tests.test_participation import join, set_phase, statements_of, write
from tests.test_partner_screen import screen

TOPIC = "avs"


def version(engine: Engine, topic: str = TOPIC) -> int:
    with read_session(engine) as session:
        return session.scalar(select(Topic.cards_version).where(Topic.key == topic))


def shown_texts(engine: Engine, me: Identity, view: str = ALL_QUADRANTS) -> list[str]:
    shown = screen(engine, tokens=[me.token], topic_keys=[TOPIC], vote_views={TOPIC: view})
    assert shown.vote is not None
    return [choice.text for choice in shown.vote.choices]


def first_card(engine: Engine, me: Identity) -> tuple[int, int]:
    """(workshop id, item id) of the first card the participant sees."""
    shown = screen(engine, tokens=[me.token], topic_keys=[TOPIC])
    assert shown.vote is not None
    return shown.workshop.id, shown.vote.choices[0].item_id


def on(engine: Engine, change: Callable[[Session], object]) -> None:
    with write_session(engine) as session:
        change(session)


# --- The database changes the version ---------------------------------------------------------


def test_a_new_topic_gets_a_random_version(both_engine):
    with read_session(both_engine) as session:
        versions = session.scalars(select(Topic.cards_version)).all()
    assert len(versions) > 1 and len(set(versions)) == len(versions) and 0 not in versions


def test_writing_editing_and_deleting_an_item_give_its_topic_a_new_version(both_engine):
    me = join(both_engine)
    other = version(both_engine, "enfant")
    seen = [version(both_engine)]
    own = write(both_engine, me, "Un lieu ressource pour les familles")
    seen.append(version(both_engine))
    on(
        both_engine,
        lambda s: edit_own_item(session=s, participant_id=me.participant_id, item_id=own.id, text="Un lieu"),
    )
    seen.append(version(both_engine))
    on(both_engine, lambda s: delete_own_item(session=s, participant_id=me.participant_id, item_id=own.id))
    seen.append(version(both_engine))
    assert len(set(seen)) == 4, seen
    assert version(both_engine, "enfant") == other  # another topic keeps its cards


def test_the_facilitators_changes_give_the_topic_a_new_version(both_engine):
    set_phase(both_engine, Phase.VOTE)
    me = join(both_engine)
    workshop_id, item_id = first_card(both_engine, me)
    with read_session(both_engine) as session:
        item = session.get_one(Item, item_id)
        twin = session.scalars(
            select(Item.id).where(
                Item.topic_id == item.topic_id,
                Item.quadrant == item.quadrant,
                Item.id != item_id,
                Item.merged_into_id.is_(None),
                Item.hidden.is_(False),
            )
        ).first()
    assert twin is not None
    changes: list[Callable[[Session], object]] = [
        lambda s: hide_item(session=s, workshop_id=workshop_id, item_id=item_id),
        lambda s: unhide_item(session=s, workshop_id=workshop_id, item_id=item_id),
        lambda s: correct_item(session=s, workshop_id=workshop_id, item_id=item_id, text="Texte corrigé"),
        lambda s: merge_items(session=s, workshop_id=workshop_id, item_id=twin, into_id=item_id),
        lambda s: unmerge_item(session=s, workshop_id=workshop_id, item_id=twin),
        lambda s: s.execute(
            update(Participant).where(Participant.workshop_id == workshop_id).values(organisation="Mairie")
        ),
    ]
    seen = [version(both_engine)]
    for change in changes:
        on(both_engine, change)
        seen.append(version(both_engine))
    assert len(set(seen)) == len(changes) + 1, seen


def test_a_dot_keeps_the_version(both_engine):
    set_phase(both_engine, Phase.VOTE)
    me = join(both_engine)
    _, item_id = first_card(both_engine, me)
    before = version(both_engine)
    on(both_engine, lambda s: add_dot(session=s, participant_id=me.participant_id, item_id=item_id))
    assert version(both_engine) == before


# --- The screen keeps its cards, and drops them when they change -------------------------------


def test_a_second_run_reads_the_version_not_the_cards(demo_engine):
    set_phase(demo_engine, Phase.VOTE)
    me = join(demo_engine)
    first = statements_of(demo_engine, lambda: shown_texts(demo_engine, me))
    again = statements_of(demo_engine, lambda: shown_texts(demo_engine, me))
    assert any("UNION ALL" in statement for statement in first)
    assert not any("UNION ALL" in statement or "count(" in statement for statement in again), again
    assert len(again) < len(first)


def test_a_kept_screen_shows_what_the_facilitator_changed(both_engine):
    set_phase(both_engine, Phase.VOTE)
    me = join(both_engine)
    before = shown_texts(both_engine, me)
    assert shown_texts(both_engine, me) == before  # kept
    workshop_id, item_id = first_card(both_engine, me)
    on(both_engine, lambda s: hide_item(session=s, workshop_id=workshop_id, item_id=item_id))
    hidden = shown_texts(both_engine, me)
    assert before[0] not in hidden
    on(both_engine, lambda s: unhide_item(session=s, workshop_id=workshop_id, item_id=item_id))
    assert shown_texts(both_engine, me) == before


def test_my_dots_are_read_at_every_run(demo_engine):
    set_phase(demo_engine, Phase.VOTE)
    me = join(demo_engine)
    _, item_id = first_card(demo_engine, me)
    assert shown_texts(demo_engine, me, "mine") == []
    on(demo_engine, lambda s: add_dot(session=s, participant_id=me.participant_id, item_id=item_id))
    shown = screen(demo_engine, tokens=[me.token], topic_keys=[TOPIC])
    assert shown.vote is not None and shown.vote.choices[0].my_dots == 1  # the dots: never kept
    assert len(shown_texts(demo_engine, me, "mine")) == 1


# --- The cache itself ----------------------------------------------------------------------------


def test_the_cache_drops_the_least_recently_used_first():
    cache: BoundedCache[str] = BoundedCache(2)
    cache.put("a", "A")
    cache.put("b", "B")
    assert cache.get("a") == "A"  # now the most recent
    cache.put("c", "C")
    assert (cache.get("a"), cache.get("b"), cache.get("c"), len(cache)) == ("A", None, "C", 2)
    cache.clear()
    assert len(cache) == 0
