"""Spending dots: budget per topic and cap per item, refused in French, held under concurrency."""

import threading

import pytest
from sqlalchemy import event, func, select, update

from ctg_workshop.archive.load import import_archive
from ctg_workshop.day.grouping import merge_items
from ctg_workshop.day.moderation import hide_item
from ctg_workshop.day.phases import change_phase
from ctg_workshop.day.voting import add_dot, remove_dot, set_dots
from ctg_workshop.errors import BudgetError, InvalidInputError, NotFoundError, PhaseError
from ctg_workshop.storage.db import read_session, write_session
from ctg_workshop.storage.models import Item, Participant, Topic, Vote, Workshop
from tests.support.locks import can_lock


@pytest.fixture
def voting_engine(engine, example_archive):
    """The spec's example, reopened for the vote."""
    with write_session(engine) as session:
        import_archive(session=session, data=example_archive)
        session.execute(update(Workshop).values(phase="vote"))
    return engine


def _participant(engine, key):
    with read_session(engine) as session:
        return session.scalar(select(Participant.id).where(Participant.key == key))


def _items(engine, topic_key):
    with read_session(engine) as session:
        return session.scalars(
            select(Item.id)
            .join(Topic, Topic.id == Item.topic_id)
            .where(Topic.key == topic_key)
            .order_by(Item.id)
        ).all()


def _spent(engine, participant_id):
    with read_session(engine) as session:
        return session.scalar(
            select(func.coalesce(func.sum(Vote.dots), 0)).where(Vote.participant_id == participant_id)
        )


def test_add_and_remove_dots_with_counter(voting_engine):
    participant, items = _participant(voting_engine, "p5"), _items(voting_engine, "avs")
    with write_session(voting_engine) as session:
        balance = add_dot(session=session, participant_id=participant, item_id=items[0])
    assert (balance.spent, balance.remaining, balance.on_item) == (1, 4, 1)
    assert balance.sentence() == "4 points restants sur 5"
    with write_session(voting_engine) as session:
        balance = remove_dot(session=session, participant_id=participant, item_id=items[0])
    assert balance.spent == 0
    with write_session(voting_engine) as session:
        assert remove_dot(session=session, participant_id=participant, item_id=items[0]).spent == 0


@pytest.mark.parametrize("change", [add_dot, remove_dot])
def test_a_dot_reads_and_locks_its_rows_once(voting_engine, change):
    """One tap locks the participant and the workshop once each, then reads the item, its vote
    row and the topic's spend in one statement: three reads, one write at most."""
    participant, items = _participant(voting_engine, "p5"), _items(voting_engine, "avs")
    with write_session(voting_engine) as session:
        add_dot(session=session, participant_id=participant, item_id=items[0])
    statements: list[str] = []

    def record(conn, cursor, statement, parameters, context, executemany) -> None:
        statements.append(" ".join(statement.split()).lower())

    event.listen(voting_engine, "before_cursor_execute", record)
    try:
        with write_session(voting_engine) as session:
            change(session=session, participant_id=participant, item_id=items[0])
    finally:
        event.remove(voting_engine, "before_cursor_execute", record)
    selects = [s for s in statements if s.startswith("select")]
    assert len(selects) == 3 and len([s for s in statements if not s.startswith("begin")]) <= 4, statements
    assert len([s for s in selects if "from participant " in s]) == 1, selects
    assert len([s for s in selects if "from workshop " in s]) == 1, selects
    assert len([s for s in selects if "from vote " in s]) == 1, selects
    if voting_engine.dialect.name == "postgresql":
        assert len([s for s in selects if "for update" in s or "for share" in s]) == 2, selects


def test_cap_per_item_and_budget_refused_in_french(voting_engine):
    participant, items = _participant(voting_engine, "p5"), _items(voting_engine, "avs")
    with pytest.raises(BudgetError, match="3 points au plus"), write_session(voting_engine) as session:
        set_dots(session=session, participant_id=participant, item_id=items[0], dots=4)
    with write_session(voting_engine) as session:
        set_dots(session=session, participant_id=participant, item_id=items[0], dots=3)
        set_dots(session=session, participant_id=participant, item_id=items[2], dots=2)
    with pytest.raises(BudgetError, match="5 points de ce sujet"), write_session(voting_engine) as session:
        add_dot(session=session, participant_id=participant, item_id=items[3])
    with read_session(voting_engine) as session:
        spent = session.scalar(select(func.sum(Vote.dots)).where(Vote.participant_id == participant))
    assert spent == 5


def _topic_id(session, key):
    return session.scalar(select(Topic.id).where(Topic.key == key))


def test_budget_is_per_topic(voting_engine):
    participant = _participant(voting_engine, "p5")
    with write_session(voting_engine) as session:
        set_dots(session=session, participant_id=participant, item_id=_items(voting_engine, "avs")[0], dots=3)
        set_dots(session=session, participant_id=participant, item_id=_items(voting_engine, "avs")[2], dots=2)
        set_dots(
            session=session, participant_id=participant, item_id=_items(voting_engine, "enfant")[0], dots=3
        )


def test_vote_refused_outside_the_vote_phase(voting_engine):
    participant, items = _participant(voting_engine, "p5"), _items(voting_engine, "avs")
    for phase in ("collect", "group", "closed"):
        with write_session(voting_engine) as session:
            session.execute(update(Workshop).values(phase=phase))
        with (
            pytest.raises(PhaseError, match="vote n'est pas ouvert"),
            write_session(voting_engine) as session,
        ):
            add_dot(session=session, participant_id=participant, item_id=items[0])


def _race(engine, participant, item_ids, threads=50):
    """`threads` phones tap "+1" at the same instant; returns (successes, refusals, other errors)."""
    barrier = threading.Barrier(threads)
    outcomes: list[str] = []
    lock = threading.Lock()

    def tap(item_id):
        barrier.wait()
        try:
            with write_session(engine) as session:
                add_dot(session=session, participant_id=participant, item_id=item_id)
            outcome = "ok"
        except BudgetError:
            outcome = "refused"
        except Exception as error:  # any other failure is what this test looks for
            outcome = f"error: {error}"
        with lock:
            outcomes.append(outcome)

    workers = [threading.Thread(target=tap, args=(item_ids[i % len(item_ids)],)) for i in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    errors = [o for o in outcomes if o.startswith("error")]
    return outcomes.count("ok"), outcomes.count("refused"), errors


def test_fifty_concurrent_taps_spend_the_budget_exactly(voting_engine):
    participant, items = _participant(voting_engine, "p5"), _items(voting_engine, "avs")
    # The example's avs items are all representatives, none hidden.
    successes, refusals, errors = _race(voting_engine, participant, items)
    assert errors == []
    assert (successes, refusals) == (5, 45)
    assert _spent(voting_engine, participant) == 5


def test_the_last_dot_is_spent_exactly_once(voting_engine):
    participant, items = _participant(voting_engine, "p5"), _items(voting_engine, "avs")
    with write_session(voting_engine) as session:
        set_dots(session=session, participant_id=participant, item_id=items[0], dots=3)
        set_dots(session=session, participant_id=participant, item_id=items[1], dots=1)
    successes, refusals, errors = _race(voting_engine, participant, items[2:])
    assert errors == []
    assert (successes, refusals) == (1, 49)
    assert _spent(voting_engine, participant) == 5


def _workshop_of(engine, participant_id):
    with read_session(engine) as session:
        return session.scalar(select(Participant.workshop_id).where(Participant.id == participant_id))


def _vote_rows(engine, participant_id):
    with read_session(engine) as session:
        return dict(
            session.execute(
                select(Vote.item_id, Vote.dots).where(Vote.participant_id == participant_id)
            ).all()
        )


def test_unknown_rows_and_negative_dots_refused_in_french(voting_engine):
    participant, items = _participant(voting_engine, "p5"), _items(voting_engine, "avs")
    with pytest.raises(NotFoundError, match="Participant inconnu"), write_session(voting_engine) as session:
        add_dot(session=session, participant_id=10**6, item_id=items[0])
    with (
        pytest.raises(NotFoundError, match="n'existe pas dans votre atelier"),
        write_session(voting_engine) as session,
    ):
        remove_dot(session=session, participant_id=participant, item_id=10**6)
    with pytest.raises(InvalidInputError, match="négatif"), write_session(voting_engine) as session:
        set_dots(session=session, participant_id=participant, item_id=items[0], dots=-1)


def test_hidden_and_merged_items_refuse_dots_in_french(voting_engine):
    participant, items = _participant(voting_engine, "p5"), _items(voting_engine, "avs")
    workshop_id = _workshop_of(voting_engine, participant)
    with read_session(voting_engine) as session:
        rows = session.execute(
            select(Item.id, Item.quadrant).where(Item.id.in_(items)).order_by(Item.id)
        ).all()
    by_quadrant: dict[str, list[int]] = {}
    for item_id, quadrant in rows:
        by_quadrant.setdefault(quadrant, []).append(item_id)
    member, representative = next(ids[:2] for ids in by_quadrant.values() if len(ids) >= 2)
    hidden = next(i for i in items if i not in (member, representative))
    with write_session(voting_engine) as session:
        hide_item(session=session, workshop_id=workshop_id, item_id=hidden)
        merge_items(session=session, workshop_id=workshop_id, item_id=member, into_id=representative)
    for change in (add_dot, remove_dot):
        with (
            pytest.raises(PhaseError, match="masquée par l'animateur"),
            write_session(voting_engine) as session,
        ):
            change(session=session, participant_id=participant, item_id=hidden)
        with (
            pytest.raises(PhaseError, match="regroupée avec une autre"),
            write_session(voting_engine) as session,
        ):
            change(session=session, participant_id=participant, item_id=member)
    assert _vote_rows(voting_engine, participant) == {}


def test_one_vote_row_per_item_written_only_when_it_changes(voting_engine):
    participant, items = _participant(voting_engine, "p5"), _items(voting_engine, "avs")
    with write_session(voting_engine) as session:
        assert add_dot(session=session, participant_id=participant, item_id=items[0]).on_item == 1
        assert add_dot(session=session, participant_id=participant, item_id=items[0]).on_item == 2
        balance = set_dots(session=session, participant_id=participant, item_id=items[1], dots=2)
    assert (balance.spent, balance.on_item) == (4, 2)
    assert _vote_rows(voting_engine, participant) == {items[0]: 2, items[1]: 2}
    statements: list[str] = []

    def record(conn, cursor, statement, parameters, context, executemany) -> None:
        statements.append(statement.lower().lstrip())

    event.listen(voting_engine, "before_cursor_execute", record)
    try:
        with write_session(voting_engine) as session:
            none = remove_dot(session=session, participant_id=participant, item_id=items[2])
    finally:
        event.remove(voting_engine, "before_cursor_execute", record)
    assert (none.spent, none.on_item) == (4, 0)
    assert not [s for s in statements if s.startswith(("insert", "update", "delete"))], statements
    with write_session(voting_engine) as session:
        remove_dot(session=session, participant_id=participant, item_id=items[0])
        set_dots(session=session, participant_id=participant, item_id=items[1], dots=0)
    assert _vote_rows(voting_engine, participant) == {items[0]: 1}
    with write_session(voting_engine) as session:
        assert remove_dot(session=session, participant_id=participant, item_id=items[0]).spent == 0
    assert _vote_rows(voting_engine, participant) == {}


def _in_thread(call) -> tuple[threading.Thread, threading.Event, list]:
    """Run `call` in a thread; returns it, the event set when it ends, and [result or error]."""
    done, outcome = threading.Event(), []

    def run() -> None:
        try:
            outcome.append(call())
        except Exception as error:  # the test looks at it
            outcome.append(error)
        done.set()

    thread = threading.Thread(target=run)
    thread.start()
    return thread, done, outcome


def _tap(engine, participant, item_id):
    def call():
        with write_session(engine) as session:
            return add_dot(session=session, participant_id=participant, item_id=item_id)

    return call


def test_a_tap_waits_for_a_phase_change_in_flight_and_sees_the_new_phase(voting_engine):
    participant, items = _participant(voting_engine, "p5"), _items(voting_engine, "avs")
    workshop_id = _workshop_of(voting_engine, participant)
    with write_session(voting_engine) as session:
        change_phase(session=session, workshop_id=workshop_id, phase="group")
        thread, done, outcome = _in_thread(_tap(voting_engine, participant, items[0]))
        assert not done.wait(0.5), "the tap did not wait for the phase change"
    thread.join(timeout=30)
    assert len(outcome) == 1 and isinstance(outcome[0], PhaseError), outcome
    assert "vote n'est pas ouvert" in outcome[0].message
    assert _vote_rows(voting_engine, participant) == {}


def test_a_tap_waits_for_a_hide_in_flight_and_sees_the_item_hidden(voting_engine):
    """The item is read once the tap holds its locks: the facilitator's hide, committed while the
    tap waited, is refused with the domain's own sentence (not only by the trigger)."""
    participant, items = _participant(voting_engine, "p5"), _items(voting_engine, "avs")
    workshop_id = _workshop_of(voting_engine, participant)
    with write_session(voting_engine) as session:
        hide_item(session=session, workshop_id=workshop_id, item_id=items[0])
        thread, done, outcome = _in_thread(_tap(voting_engine, participant, items[0]))
        assert not done.wait(0.5), "the tap did not wait for the hide"
    thread.join(timeout=30)
    assert len(outcome) == 1 and isinstance(outcome[0], PhaseError), outcome
    assert "masquée par l'animateur" in outcome[0].message


def test_a_phase_change_waits_for_a_tap_in_flight(voting_engine):
    participant, items = _participant(voting_engine, "p5"), _items(voting_engine, "avs")
    workshop_id = _workshop_of(voting_engine, participant)

    def close():
        with write_session(voting_engine) as session:
            return change_phase(session=session, workshop_id=workshop_id, phase="closed")

    with write_session(voting_engine) as session:
        add_dot(session=session, participant_id=participant, item_id=items[0])
        thread, done, outcome = _in_thread(close)
        assert not done.wait(0.5), "the phase change did not wait for the tap"
    thread.join(timeout=30)
    assert len(outcome) == 1 and outcome[0].previous == "vote", outcome
    assert _vote_rows(voting_engine, participant) == {items[0]: 1}


def test_postgresql_a_tap_locks_the_participant_for_update_and_the_workshop_for_share(voting_engine):
    """What another transaction can still lock while a tap that writes nothing is in flight."""
    if voting_engine.dialect.name != "postgresql":
        pytest.skip("row locks: PostgreSQL only (SQLite serialises writers at BEGIN IMMEDIATE)")
    participant, items = _participant(voting_engine, "p5"), _items(voting_engine, "avs")
    workshop_id = _workshop_of(voting_engine, participant)

    with write_session(voting_engine) as session:
        # No dot on the item: nothing is written, only the tap's own locks are held.
        assert remove_dot(session=session, participant_id=participant, item_id=items[0]).spent == 0
        assert not can_lock(voting_engine, "participant", participant, "KEY SHARE")  # held FOR UPDATE
        assert can_lock(voting_engine, "workshop", workshop_id, "SHARE")
        assert not can_lock(voting_engine, "workshop", workshop_id, "UPDATE")  # held FOR SHARE
        assert can_lock(voting_engine, "item", items[0], "UPDATE")  # not locked
    assert can_lock(voting_engine, "workshop", workshop_id, "UPDATE") and can_lock(
        voting_engine, "participant", participant, "UPDATE"
    )
