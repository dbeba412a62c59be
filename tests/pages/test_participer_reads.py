"""A run of the whole partner page reads what it shows in one read transaction
(`ctg_workshop.day.partner_screen`), whatever the phase; a tap writes in one transaction."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from sqlalchemy import Engine, event

from ctg_workshop.storage.models import Phase
from tests.pages.test_participer import CODE, db, joined, page, run, set_phase, texts
from tests.support import vote_cards

__all__ = ["db"]  # the page tests' database fixture

# What each phase's screen shows once read, to be sure the one read is the whole screen.
SHOWN = {
    Phase.COLLECT: "Nouvelle force",
    Phase.GROUP: "Contributions des autres partenaires",
    Phase.VOTE: "points restants sur",
    Phase.CLOSED: "L'atelier est clos",
}


@contextmanager
def transactions() -> Iterator[list[bool]]:
    """Every transaction any engine begins meanwhile: True for a write, False for a read."""
    begun: list[bool] = []

    def record(connection) -> None:
        begun.append(bool(connection.get_execution_options().get("ctg_write")))

    event.listen(Engine, "begin", record)
    try:
        yield begun
    finally:
        event.remove(Engine, "begin", record)


def everything_shown(at) -> str:
    labels = [e.label for e in [*at.expander, *at.text_area]]
    return "\n".join([texts(at), *(e.value for e in [*at.header, *at.info, *at.success]), *labels])


@pytest.mark.parametrize("phase", list(Phase))
def test_a_full_run_of_the_participant_screen_is_one_read(db, phase: Phase):
    set_phase(db, Phase.COLLECT)
    at = joined()
    set_phase(db, phase)
    with transactions() as begun:
        run(at)  # « Actualiser », a reload: the whole page
    assert begun == [False]
    assert SHOWN[phase] in everything_shown(at)


def test_the_closed_ranking_without_joining_is_one_read(db):
    set_phase(db, Phase.CLOSED)
    at = page(atelier=CODE)
    with transactions() as begun:
        run(at)
    assert begun == [False]
    assert "L'atelier est clos" in everything_shown(at)


def test_a_dot_is_one_write_then_one_read(db):
    set_phase(db, Phase.VOTE)
    at = joined()
    with transactions() as begun:
        vote_cards.tap(at, vote_cards.ids(at)[0])
    assert begun == [True, False]  # the tap's callback, then the page drawn again
    assert "Point ajouté" in everything_shown(at)
