"""Several Streamlit processes on one PostgreSQL database serve the same workshop consistently.

Real PostgreSQL (the session's throwaway server, a fresh database per test), two real
`streamlit run app.py` processes on their own free ports sharing one cookie secret, and the load
driver speaking the browser's protocol: write through one process, read through the other. And
nginx in front of them, with the shipped deploy/nginx.conf (skipped, with the reason, where
nginx is not installed). No figure is asserted: capacity is measured in docs/capacity.md.
"""

from __future__ import annotations

import asyncio
import re
import secrets
import urllib.request
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from ctg_workshop.storage.db import make_engine
from ctg_workshop.storage.models import Phase
from measure.harness.demo import DemoWorkshop, load_demo, set_phase
from measure.harness.nginx import NginxUnavailableError, start_nginx
from measure.harness.streamlit_server import StreamlitServer, start_streamlit
from measure.loadtest import AppSession, RunStatus
from measure.loadtest.checks import verify
from measure.loadtest.runner import Group, LoadPlan, run_load
from measure.loadtest.scenarios import Pace, card_dots, partner, remaining_dots, success_texts
from measure.loadtest.vote_cards import tap_vote, vote_cards
from tests.support.partners import (
    idle_until,
    join,
    options_for,
    own_organisation,
    refresh,
    run,
    type_item,
)

pytestmark = [pytest.mark.postgres, pytest.mark.heavy]

PROJECTION_WAIT_S = 30.0  # the projection refreshes every 5 s over a 4 s cache: well within


def start_servers(database_url: str, count: int) -> list[StreamlitServer]:
    """`count` servers on one database, started side by side, sharing one cookie secret."""
    env = {"STREAMLIT_SERVER_COOKIE_SECRET": secrets.token_hex(32)}
    with ThreadPoolExecutor(count) as pool:
        futures = [pool.submit(start_streamlit, database_url, None, env) for _ in range(count)]
        servers = []
        errors = []
        for future in futures:
            try:
                servers.append(future.result())
            except Exception as error:  # start the others' clean-up before failing
                errors.append(error)
    if errors:
        for server in servers:
            server.stop()
        raise errors[0]
    return servers


@pytest.fixture
def workshop(postgres_url: str) -> DemoWorkshop:
    return load_demo(postgres_url, Phase.COLLECT)


@pytest.fixture
def two_servers(workshop: DemoWorkshop) -> Iterator[tuple[StreamlitServer, StreamlitServer]]:
    one, two = start_servers(workshop.database_url, 2)
    try:
        yield one, two
    finally:
        one.stop()
        two.stop()


def _items_on_projection(tab: AppSession) -> int:
    return int(tab.metrics().get("Contributions", "-1"))


# --- Write through one process, read through the other ------------------------------------------


async def _write_here_read_there(workshop: DemoWorkshop, one: str, two: str) -> dict[str, object]:
    options = options_for(workshop, "scaleout")
    seen: dict[str, object] = {}
    text = "Un lieu d'accueil ouvert le samedi (écrit sur le processus 1)"
    async with (
        AppSession(one) as writer,
        AppSession(two) as reader,
        AppSession(two) as screen,
    ):
        await screen.open("/projection", query=f"vue={workshop.view_token}")
        before = _items_on_projection(screen)
        await join(writer, options, 1)
        await join(reader, options, 2)
        added = await type_item(writer, "strength", text)
        seen["acknowledged"] = any("Contribution ajoutée" in m for m in success_texts(writer))
        seen["added_status"] = added.status
        await refresh(reader)
        seen["reader_sees"] = any(text in shown for shown in reader.texts())
        seen["projection_sees"] = await idle_until(
            screen, lambda tab: _items_on_projection(tab) == before + 1, PROJECTION_WAIT_S
        )
        # The writer's own link opened on the other process (another device): same participant.
        async with AppSession(two) as laptop:
            await laptop.open("/participer", query=writer.query_string)
            texts = laptop.texts()
            seen["same_participant"] = f"Vous participez au nom de : {own_organisation(options, 1)}" in texts
            seen["own_item_there"] = text in texts
            seen["no_form_to_join"] = not laptop.find_widgets(label="Rejoindre l'atelier")
    return seen


def test_an_item_written_through_one_process_shows_on_the_other(
    workshop: DemoWorkshop, two_servers: tuple[StreamlitServer, StreamlitServer]
) -> None:
    one, two = two_servers
    seen = run(_write_here_read_there(workshop, one.url, two.url))
    assert seen["acknowledged"]
    assert seen["added_status"] is RunStatus.FRAGMENT_SUCCESS  # the quadrant alone was redrawn
    assert seen["reader_sees"], "another partner served by the other process sees the item"
    assert seen["projection_sees"], "the projection served by the other process counts it"
    assert seen["same_participant"] and seen["own_item_there"] and seen["no_form_to_join"]


# --- One participant, two devices, two processes: one budget --------------------------------------


async def _spend_everywhere(workshop: DemoWorkshop, one: str, two: str) -> dict[str, object]:
    options = options_for(workshop, "budget")
    async with AppSession(one) as phone, AppSession(two) as laptop:
        await join(phone, options, 1)
        await laptop.open("/participer", query=phone.query_string)
        on_phone = [card.item_id for card in vote_cards(phone)]
        on_laptop = [card.item_id for card in vote_cards(laptop)]
        # Seven taps at once on two processes for a budget of five (three dots per item at most):
        # the database lets exactly five through, whatever the interleaving.
        taps = [tap_vote(phone, item, more=True) for item in on_phone[:3]]
        taps += [tap_vote(laptop, item, more=True) for item in on_laptop[3:7]]
        await asyncio.gather(*taps)
        await refresh(phone)
        await refresh(laptop)
        return {
            "phone_left": remaining_dots(phone),
            "laptop_left": remaining_dots(laptop),
            "dots_shown": sum(card.dots for card in vote_cards(laptop)),
        }


def test_one_budget_across_devices_on_two_processes(
    workshop: DemoWorkshop, two_servers: tuple[StreamlitServer, StreamlitServer]
) -> None:
    set_phase(workshop.database_url, workshop.code, Phase.VOTE)
    one, two = two_servers
    seen = run(_spend_everywhere(workshop, one.url, two.url))
    assert seen["phone_left"] == seen["laptop_left"] == 0
    assert seen["dots_shown"] == 5


# --- A load spread over both processes, then the database check ---------------------------------


def test_a_load_over_both_processes_leaves_a_sound_database(
    workshop: DemoWorkshop, two_servers: tuple[StreamlitServer, StreamlitServer]
) -> None:
    one, two = two_servers
    set_phase(workshop.database_url, workshop.code, Phase.VOTE)
    options = options_for(workshop, "deux", steps=5, pace=Pace(0.3, seed=7))
    plan = LoadPlan(
        base_url=one.url,
        more_urls=(two.url,),
        groups=(
            Group("partenaires", 10, lambda index: partner(options, index)),
            Group("projection", 1, lambda _i: _projection(workshop), background=True),
        ),
        max_duration_s=90,
        action_timeout_s=60,
        server_pid=one.pid,
        more_server_pids=(two.pid,),
        sample_interval_s=0.2,
    )
    report = asyncio.run(run_load(plan))
    assert report.errors == {}
    assert report.parameters["actives_terminées"] == 10
    counts = {stats.action: stats.count for stats in report.actions}
    assert counts["rejoindre"] == 10 and counts.get("voter", 0) > 0
    engine = make_engine(workshop.database_url)
    try:
        check = verify(engine, options.ledger)
    finally:
        engine.dispose()
    assert check.ok, check.to_text()
    assert check.counts["participants simulés inscrits"] == 10


def _projection(workshop: DemoWorkshop):
    async def scenario(tab: AppSession) -> None:
        await tab.open("/projection", query=f"vue={workshop.view_token}")
        await tab.idle(90)

    return scenario


# --- A tap redraws its fragment, not the page (why two processes are enough) -----------------------


async def _taps(workshop: DemoWorkshop, url: str) -> dict[str, object]:
    options = options_for(workshop, "fragments")
    seen: dict[str, object] = {}
    async with AppSession(url) as tab:
        await join(tab, options, 1)
        full = await tab.rerun()
        seen["full_messages"] = full.messages
        first, second = [card.item_id for card in vote_cards(tab)][:2]
        tap = await tap_vote(tab, first, more=True)
        seen["tap"] = (tap.status, tap.messages)
        seen["after_first"] = (remaining_dots(tab), card_dots(tab, first))
        await tap_vote(tab, second, more=True)
        seen["after_second"] = (remaining_dots(tab), card_dots(tab, second))
        seen["successes"] = success_texts(tab)  # the first card's message is gone
        seen["texts"] = tab.texts()
    return seen


def test_a_dot_redraws_its_card_and_the_counter_only(
    workshop: DemoWorkshop, two_servers: tuple[StreamlitServer, StreamlitServer]
) -> None:
    set_phase(workshop.database_url, workshop.code, Phase.VOTE)
    seen = run(_taps(workshop, two_servers[0].url))
    status, messages = seen["tap"]
    assert status is RunStatus.FRAGMENT_SUCCESS
    # The counter, its note and the cards' one element (9 messages), not the whole page (26).
    assert messages < seen["full_messages"] / 2
    assert seen["after_first"] == (4, (1, 3))
    assert seen["after_second"] == (3, (1, 3))
    assert seen["successes"] == ["Point ajouté : 3 points restants sur 5."]
    assert any("Vous participez au nom de" in text for text in seen["texts"])  # the rest stays


# --- nginx in front (deploy/nginx.conf) --------------------------------------------------------------


def _established(port: int) -> int:
    """Established TCP connections whose local port is `port` (nginx → that Streamlit process)."""
    count = 0
    for table in (Path("/proc/net/tcp"), Path("/proc/net/tcp6")):
        if not table.exists():
            continue
        for line in table.read_text().splitlines()[1:]:
            fields = line.split()
            local, state = fields[1], fields[3]
            if state == "01" and int(local.rsplit(":", 1)[1], 16) == port:
                count += 1
    return count


async def _through_nginx(url: str, workshop: DemoWorkshop, ports: list[int]) -> dict[str, object]:
    options = options_for(workshop, "nginx")
    seen: dict[str, object] = {}
    tabs: list[AppSession] = []
    try:
        writer = AppSession(url)
        tabs.append(writer)
        await join(writer, options, 1)
        added = await type_item(writer, "threat", "Passé par nginx")
        seen["acknowledged"] = added.ok and "Passé par nginx" in writer.texts()
        # Every tab stays open until the end: each holds one nginx → Streamlit connection.
        before = {port: _established(port) for port in ports}
        # One cookie, one process: three tabs holding the same `ctg_route` land together.
        for _ in range(3):
            tabs.append(AppSession(url, cookies={"ctg_route": "telephone-42"}))
            await tabs[-1].open("/participer", query=f"atelier={workshop.code}")
        sticky = {port: _established(port) for port in ports}
        seen["sticky"] = sorted(sticky[port] - before[port] for port in ports)
        # Different cookies spread over both processes (a consistent hash of fixed values).
        for n in range(12):
            tabs.append(AppSession(url, cookies={"ctg_route": f"route-{n}"}))
            await tabs[-1].open("/participer", query=f"atelier={workshop.code}")
        seen["spread"] = {port: _established(port) - sticky[port] for port in ports}
    finally:
        for tab in tabs:
            await tab.close()
    return seen


def test_nginx_keeps_each_phone_on_one_process_and_uses_both(
    workshop: DemoWorkshop, two_servers: tuple[StreamlitServer, StreamlitServer]
) -> None:
    one, two = two_servers
    try:
        balancer = start_nginx([one.port, two.port])
    except NginxUnavailableError as reason:
        pytest.skip(f"nginx indisponible : {reason}")
    with balancer:
        seen = run(_through_nginx(balancer.url, workshop, [one.port, two.port]))
        with urllib.request.urlopen(f"{balancer.url}/participer", timeout=10) as response:
            cookies = response.headers.get_all("Set-Cookie") or []
            assert response.status == 200
        assert any(re.match(r"ctg_route=[0-9a-f]{32}; Path=/; HttpOnly; SameSite=Lax", c) for c in cookies)
        assert any(c.startswith("ctg_poste=") for c in cookies), cookies  # the process's, passed on
    assert seen["acknowledged"]
    assert seen["sticky"] == [0, 3]
    assert all(count > 0 for count in seen["spread"].values()), seen["spread"]
    assert sum(seen["spread"].values()) == 12
