"""What one partner action costs the server: CPU time and messages, one action at a time.

    .venv/bin/python -m measure.cost_per_action                 # 40 of each, SQLite
    .venv/bin/python -m measure.cost_per_action --database postgres --repeat 60
    .venv/bin/python -m measure.cost_per_action --app-dir ../copie-avant   # the « before » of a change

Starts one server of the app (as `measure.capacity` does) on a fresh database holding the demo
workshop, joins as one partner with the load driver, then repeats each action `--repeat` times,
alone (no other load), reading the server's CPU time in /proc before and after each series:

- reload the partner page (a new websocket, as a phone reopening its link) — vote phase;
- draw the vote page again (« Actualiser »);
- put or take back a dot (a tap on a vote card);
- draw the collect page again; add an item (a tap in a quadrant's form).

CPU time per action is what limits the number of partners a process serves (one Python process
uses one core): see docs/capacity.md. Run it on a quiet machine; the load average is printed.
"""

from __future__ import annotations

import asyncio
import os
import secrets
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path

from ctg_workshop.cli.french import FrenchArgumentParser
from ctg_workshop.storage.models import Phase
from measure import PROJECT_ROOT
from measure.harness.demo import DemoWorkshop, load_demo, set_phase
from measure.harness.postgres import fresh_database
from measure.harness.streamlit_server import StreamlitServer, start_streamlit
from measure.loadtest import AppSession, RunResult
from measure.loadtest.report import read_proc_sample
from measure.loadtest.scenarios import JOIN_BUTTON, NEW_ORGANISATION_LABEL, REFRESH_KEY
from measure.loadtest.vote_cards import tap_vote, vote_cards

DESCRIPTION = (
    "Ce que coûte au serveur chaque action d'un partenaire (temps CPU, messages), une action à la "
    "fois, sur une base neuve qui contient l'atelier de démonstration."
)

Action = Callable[[AppSession, int], Awaitable[RunResult]]


async def reload(tab: AppSession, _i: int) -> RunResult:
    return await tab.open("/participer", query=tab.query_string)


async def redraw(tab: AppSession, _i: int) -> RunResult:
    return await tab.click(tab.find_widget(key=REFRESH_KEY))


async def tap_dot(tab: AppSession, i: int) -> RunResult:
    taps = [
        (card.item_id, more)
        for card in vote_cards(tab)
        for more in (True, False)
        if (card.can_add if more else card.can_remove)
    ]
    item_id, more = taps[(i * 7) % len(taps)]
    return await tap_vote(tab, item_id, more=more)


async def add(tab: AppSession, i: int) -> RunResult:
    areas = [w for w in tab.widgets() if w.kind == "text_area" and (w.key or "").startswith("new_")]
    area = areas[(i // 3) % len(areas)]  # three items in a quadrant, then the next one
    await tab.set_value(area, f"Idée de mesure numéro {i}")
    submit = next(w for w in tab.widgets() if w.form_id == area.form_id and w.is_form_submitter)
    return await tab.click(submit)


def arrivals(url: str, code: str, join: bool) -> Action:
    """A new phone each time: open the page with the code (and join, if `join`)."""

    async def arrive(_tab: AppSession, i: int) -> RunResult:
        async with AppSession(url) as phone:
            result = await phone.open("/participer", query=f"atelier={code}")
            if join:
                field = phone.find_widget(label=NEW_ORGANISATION_LABEL, kind="text_input")
                await phone.set_value(field, f"Arrivée {i} {secrets.token_hex(3)}")
                result = await phone.click(phone.find_widget(label=JOIN_BUTTON))
            return result

    arrive.__name__ = "rejoindre" if join else "ouvrir"
    return arrive


async def series(tab: AppSession, pid: int, action: Action, repeat: int) -> dict[str, float]:
    walls, messages = [], []
    before = read_proc_sample(pid).cpu_seconds
    for i in range(repeat):
        started = time.perf_counter()
        result = await action(tab, i)
        walls.append(time.perf_counter() - started)
        messages.append(result.messages)
        if not result.ok:
            raise RuntimeError(f"{action.__name__} : {result}")
    cpu = read_proc_sample(pid).cpu_seconds - before
    return {
        "cpu_ms": cpu / repeat * 1000,
        "wall_p50_ms": statistics.median(walls) * 1000,
        "messages": statistics.mean(messages),
    }


async def measure(
    server: StreamlitServer, workshop: DemoWorkshop, repeat: int
) -> list[tuple[str, dict[str, float]]]:
    results = []
    async with AppSession(server.url) as tab:
        await tab.open("/participer", query=f"atelier={workshop.code}")
        await tab.set_value(tab.find_widget(label=NEW_ORGANISATION_LABEL, kind="text_input"), "Mesure")
        await tab.click(tab.find_widget(label=JOIN_BUTTON))
        for _ in range(3):  # warm up: first runs import and compile
            await redraw(tab, 0)
        for name, action in (
            ("arriver : ouvrir la page du code", arrivals(server.url, workshop.code, join=False)),
            ("arriver : ouvrir et rejoindre (vote)", arrivals(server.url, workshop.code, join=True)),
            ("ouvrir à nouveau sa page (vote)", reload),
            ("page de vote redessinée", redraw),
            ("un point posé ou retiré", tap_dot),
        ):
            results.append((name, await series(tab, server.pid, action, repeat)))
        set_phase(workshop.database_url, workshop.code, Phase.COLLECT)
        await redraw(tab, 0)
        for name, action in (("page de recueil redessinée", redraw), ("une contribution ajoutée", add)):
            results.append((name, await series(tab, server.pid, action, repeat)))
    return results


def main(argv: list[str] | None = None) -> int:
    parser = FrenchArgumentParser(prog="python -m measure.cost_per_action", description=DESCRIPTION)
    parser.add_argument(
        "--database", choices=["sqlite", "postgres"], default="sqlite", help="base de la mesure (neuve)"
    )
    parser.add_argument("--repeat", type=int, default=40, metavar="N", help="répétitions de chaque action")
    parser.add_argument(
        "--app-dir", type=Path, default=PROJECT_ROOT, metavar="DOSSIER", help="copie du projet à servir"
    )
    args = parser.parse_args(argv)
    workdir = Path(tempfile.mkdtemp(prefix="ctg-cout-"))
    try:
        with fresh_database(args.database, workdir) as database_url:
            workshop = load_demo(database_url, Phase.VOTE)
            app_dir = args.app_dir.resolve()
            env = {"STREAMLIT_SERVER_COOKIE_SECRET": secrets.token_hex(32)}
            with start_streamlit(database_url, env=env, app=app_dir / "app.py", cwd=app_dir) as server:
                results = asyncio.run(measure(server, workshop, args.repeat))
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    print(f"Base {args.database}, {args.repeat} fois chaque action, projet {args.app_dir}")
    print(f"Charge de la machine (1, 5, 15 min) : {' '.join(f'{v:.2f}' for v in os.getloadavg())}")
    print(f"{'action':<36}{'CPU serveur ms':>16}{'durée p50 ms':>14}{'messages':>10}")
    for name, figures in results:
        print(
            f"{name:<36}{figures['cpu_ms']:>16.0f}{figures['wall_p50_ms']:>14.0f}{figures['messages']:>10.0f}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
