"""Spending dots: budget per topic and cap per item, refused in French, held under concurrency."""

import threading

import pytest
from sqlalchemy import event, func, select, update

from ctg_workshop.archive.load import import_archive
from ctg_workshop.day.voting import add_dot, remove_dot, set_dots
from ctg_workshop.errors import BudgetError, PhaseError
from ctg_workshop.storage.db import read_session, write_session
from ctg_workshop.storage.models import Item, Participant, Topic, Vote, Workshop


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
