"""Crashes and lost connections lose nothing a partner was told was saved.

A real `streamlit run app.py` is killed with SIGKILL in the middle of a load of partners (the load
driver, several phones acting without pause), then started again on the same database. What the
partners were told — « Contribution ajoutée », a dot shown on the card, their token in the URL —
must all be in the database; what got no answer may or may not be there, never twice; budgets,
caps and hidden items hold; SQLite's `PRAGMA integrity_check` answers `ok`. And a phone that loses
its connection comes back, with its link or its cookie, as the same participant.

Every wait is on a signal (the ledger of acknowledgements, the health endpoint, script_finished),
bounded; nothing sleeps. Each test has its own database and ports.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable, Iterator

import pytest

from ctg_workshop.day.moderation import hide_item
from ctg_workshop.errors import ConflictError
from ctg_workshop.storage.db import make_engine, write_session
from ctg_workshop.storage.models import Phase
from measure.harness.demo import DemoWorkshop, load_demo, set_phase
from measure.harness.streamlit_server import StreamlitServer, start_streamlit
from measure.loadtest import AppSession, LatencyRecorder, LoadTestError
from measure.loadtest.checks import CheckReport, verify
from measure.loadtest.ledger import Ledger, Outcome
from measure.loadtest.scenarios import Pace, ScenarioOptions, partner
from tests.support.partners import (
    join,
    options_for,
    own_organisation,
    participants_named,
    run,
    type_item,
)

PARTNERS = 8
KILL_AFTER = 12  # acknowledged actions of the stage before the server is killed
ACTION_TIMEOUT_S = 30.0
STAGE_TIMEOUT_S = 90.0


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest) -> str:
    return request.getfixturevalue("sqlite_url" if request.param == "sqlite" else "postgres_url")


@pytest.fixture
def server_box() -> Iterator[list[StreamlitServer]]:
    """The running server, in a list so that a test can replace it by its restarted self."""
    box: list[StreamlitServer] = []
    yield box
    for server in box:
        server.stop()


def restart(box: list[StreamlitServer], database_url: str) -> StreamlitServer:
    """Start the server again on the same database and port (after a crash)."""
    crashed = box.pop()
    crashed.stop()  # the process is gone already: this removes its log directory
    box.append(start_streamlit(database_url, port=crashed.port))
    return box[-1]


def check(database_url: str, ledger: Ledger) -> CheckReport:
    engine = make_engine(database_url)
    try:
        return verify(engine, ledger)
    finally:
        engine.dispose()


def count(ledger: Ledger, kind: str, outcome: Outcome = Outcome.ACKNOWLEDGED) -> int:
    return ledger.outcomes[f"{kind} {outcome.value}"]


async def load_until_killed(
    server: StreamlitServer,
    options: ScenarioOptions,
    enough: Callable[[Ledger], bool],
    during: Callable[[Ledger], None] | None = None,
) -> None:
    """PARTNERS phones act without pause; SIGKILL the server once `enough(ledger)` holds.
    `during(ledger)` runs after every acknowledgement before that (a facilitator's action)."""
    killed = asyncio.Event()

    def watch(ledger: Ledger) -> None:
        if killed.is_set():
            return
        if during is not None:
            during(ledger)
        if enough(ledger):
            server.kill()
            killed.set()

    options.ledger.on_record = watch
    recorder = LatencyRecorder()

    async def phone(index: int) -> None:
        # The server dies under the phone: what was in flight is « in doubt » in the ledger.
        async with AppSession(server.url, recorder=recorder, action_timeout=ACTION_TIMEOUT_S) as tab:
            with contextlib.suppress(LoadTestError):
                await partner(options, index)(tab)

    phones = [asyncio.create_task(phone(index)) for index in range(PARTNERS)]
    try:
        async with asyncio.timeout(STAGE_TIMEOUT_S):
            await killed.wait()
            await asyncio.gather(*phones)
    finally:
        options.ledger.on_record = None
        for task in phones:
            task.cancel()
        await asyncio.gather(*phones, return_exceptions=True)


def hide_a_voted_item(workshop: DemoWorkshop, done: list[int]) -> Callable[[Ledger], None]:
    """The facilitator hides an item partners have put dots on, in the middle of the vote
    (its id goes to `done`). An item that heads a group of duplicates cannot be hidden (the
    facilitator is told to undo the group first): the next voted item is taken."""

    def during(ledger: Ledger) -> None:
        voted = [record.item_id for record in ledger.votes.values() if record.dots > 0]
        if done or count(ledger, "vote") < 4 or not voted:
            return
        engine = make_engine(workshop.database_url)
        try:
            for item_id in dict.fromkeys(voted):
                try:
                    with write_session(engine) as session:
                        hide_item(session=session, workshop_id=workshop.id, item_id=item_id)
                except ConflictError:
                    continue  # a group's representative
                done.append(item_id)
                return
        finally:
            engine.dispose()

    return during


async def come_back(url: str, workshop: DemoWorkshop, token: str) -> list[str]:
    """A phone opening its personal link again (on the restarted server)."""
    async with AppSession(url) as tab:
        await tab.open("/participer", query=f"atelier={workshop.code}&jeton={token}")
        return tab.texts()


@pytest.mark.heavy
def test_sigkill_in_the_middle_of_a_load_loses_nothing_acknowledged(
    database_url: str, server_box: list[StreamlitServer]
) -> None:
    workshop = load_demo(database_url, Phase.COLLECT)
    server_box.append(start_streamlit(database_url))

    # 1. Collect: the server dies while phones are writing items.
    ledger = Ledger(code=workshop.code)
    writing = ScenarioOptions(code=workshop.code, ledger=ledger, tag="panne-recueil", steps=60, pace=Pace())
    run(load_until_killed(server_box[-1], writing, lambda seen: count(seen, "contribution") >= KILL_AFTER))
    server = restart(server_box, database_url)
    after_collect = check(database_url, ledger)
    assert after_collect.ok, after_collect.to_text()
    assert after_collect.counts["contributions retrouvées"] >= KILL_AFTER

    # 2. Vote: other phones spend dots, the facilitator hides a voted item, the server dies again.
    set_phase(workshop.database_url, workshop.code, Phase.VOTE)
    voting = ScenarioOptions(code=workshop.code, ledger=ledger, tag="panne-vote", steps=60, pace=Pace())
    hidden: list[int] = []
    enough = lambda seen: count(seen, "vote") >= KILL_AFTER  # noqa: E731
    run(load_until_killed(server, voting, enough, during=hide_a_voted_item(workshop, hidden)))
    assert hidden, "the facilitator hid a voted item during the load"
    server = restart(server_box, database_url)
    after_vote = check(database_url, ledger)
    assert after_vote.ok, after_vote.to_text()
    assert count(ledger, "vote") >= KILL_AFTER

    # 3. The phones come back on the restarted server with their links: the same participants.
    joined = [record for record in ledger.joins.values() if record.outcome is Outcome.ACKNOWLEDGED]
    for record in joined[:3]:
        texts = run(come_back(server.url, workshop, record.token or ""))
        assert f"Vous participez au nom de : {record.organisation}" in texts
        assert participants_named(workshop, record.organisation) == 1


async def _drop_and_come_back(url: str, workshop: DemoWorkshop) -> dict[str, object]:
    options = options_for(workshop, "tunnel")
    seen: dict[str, object] = {}
    text = "Écrit juste avant le tunnel"
    async with AppSession(url) as phone:
        token = await join(phone, options, 1)
        await type_item(phone, "opportunity", text)
        query = phone.query_string
        await phone.drop()  # no goodbye: the connection is cut
        seen["dropped"] = not phone.connected
        await phone.open("/participer", query=query)  # the browser reconnects with the same URL
        seen["same_url"] = phone.texts()
    # The QR code scanned again on the same phone: no token in the URL, the cookie names them.
    async with AppSession(url, cookies={f"ctg_jeton_{workshop.code}": token}) as again:
        await again.open("/participer", query=f"atelier={workshop.code}")
        seen["by_cookie"] = again.texts()
        seen["token_in_url"] = "jeton=" in again.query_string
    seen["organisation"] = own_organisation(options, 1)
    seen["text"] = text
    return seen


def test_a_phone_that_loses_its_connection_comes_back_as_the_same_participant(
    sqlite_url: str, server_box: list[StreamlitServer]
) -> None:
    workshop = load_demo(sqlite_url, Phase.COLLECT)
    server_box.append(start_streamlit(sqlite_url))
    seen = run(_drop_and_come_back(server_box[-1].url, workshop))
    who = f"Vous participez au nom de : {seen['organisation']}"
    assert seen["dropped"]
    assert who in seen["same_url"] and seen["text"] in seen["same_url"]
    assert who in seen["by_cookie"] and seen["text"] in seen["by_cookie"]
    # The cookie is enough: the token stays out of the address bar (sharing it shares no identity).
    assert not seen["token_in_url"]
    assert participants_named(workshop, str(seen["organisation"])) == 1
