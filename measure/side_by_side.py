"""Two servers of the app side by side, the same partner actions on each in alternating series:
what a change costs the server per action, with the machine's drift shared by both.

    .venv/bin/python -m measure.side_by_side --a-dir /path/to/copy-before        # a code change
    .venv/bin/python -m measure.side_by_side --a-env CTG_BACKUP_MINUTES=0.05 --b-env CTG_BACKUP_MINUTES=0

Server A and server B (`python serve.py` of `--a-dir`/`--b-dir`, this project by default, each
with its own `--a-env`/`--b-env` variables) each get a fresh SQLite database holding the demo
workshop in the vote phase (made by that side's own code), and one partner who joins. Then, `--rounds` times: `--series`
redraws of the vote page (« Actualiser ») on A, the same on B, `--series` dots put and taken
back on A, the same on B, `--series` new phones opening the page and joining on A, the same on
B; the server's CPU time is read from /proc around each series. Reported: the median and the lowest CPU per action of each server. Alternating series make a busy machine
slow both servers alike; run it on a quiet machine all the same (the load average is printed).
"""

from __future__ import annotations

import asyncio
import os
import secrets
import shutil
import statistics
import subprocess
import sys
import tempfile
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from ctg_workshop.cli.french import FrenchArgumentParser
from ctg_workshop.storage.models import Phase
from measure import PROJECT_ROOT
from measure.harness.demo import load_demo
from measure.harness.streamlit_server import StreamlitServer, start_streamlit
from measure.loadtest import AppSession, RunResult
from measure.loadtest.report import read_proc_sample
from measure.loadtest.scenarios import JOIN_BUTTON, NEW_ORGANISATION_LABEL, REFRESH_KEY
from measure.loadtest.vote_cards import tap_vote, vote_cards

DESCRIPTION = (
    "Deux serveurs de l'application côte à côte, les mêmes actions d'un partenaire sur chacun en "
    "séries alternées : ce qu'un changement coûte au serveur par action."
)
ACTIONS = ("page de vote redessinée", "un point posé ou retiré", "un téléphone arrive et rejoint")


@dataclass
class Side:
    """One server under comparison and the CPU per action of each of its series (ms)."""

    name: str
    directory: Path
    env: dict[str, str]
    series: dict[str, list[float]] = field(default_factory=lambda: {action: [] for action in ACTIONS})


def parse_env(assignments: Sequence[str]) -> dict[str, str]:
    env = {}
    for assignment in assignments:
        name, sep, value = assignment.partition("=")
        if not sep or not name:
            raise SystemExit(f"Variable mal écrite : « {assignment} » (attendu : NOM=VALEUR).")
        env[name] = value
    return env


async def tap_dot(tab: AppSession, i: int) -> RunResult:
    """Put a dot on the first card that takes one, take it back the next time (the cards as
    one component, or as buttons on a copy from before it: `measure.loadtest.vote_cards`)."""
    cards = vote_cards(tab)
    more = [card for card in cards if card.can_add]
    less = [card for card in cards if card.can_remove]
    adding = bool(more) and (i % 2 == 0 or not less)
    chosen = (more if adding else less)[0]
    return await tap_vote(tab, chosen.item_id, more=adding)


async def redraw(tab: AppSession, _i: int) -> RunResult:
    return await tab.click(tab.find_widget(key=REFRESH_KEY))


def arrival(server: StreamlitServer, code: str) -> Callable[[AppSession, int], Awaitable[RunResult]]:
    """A new phone each time (a new session on the server): open the code's page and join."""

    async def arrive(_tab: AppSession, i: int) -> RunResult:
        async with AppSession(server.url) as phone:
            await phone.open("/participer", query=f"atelier={code}")
            field = phone.find_widget(label=NEW_ORGANISATION_LABEL, kind="text_input")
            await phone.set_value(field, f"Arrivée {i} {secrets.token_hex(3)}")
            return await phone.click(phone.find_widget(label=JOIN_BUTTON))

    return arrive


async def joined(server: StreamlitServer, code: str, organisation: str) -> AppSession:
    tab = AppSession(server.url)
    await tab.__aenter__()
    await tab.open("/participer", query=f"atelier={code}")
    await tab.set_value(tab.find_widget(label=NEW_ORGANISATION_LABEL, kind="text_input"), organisation)
    await tab.click(tab.find_widget(label=JOIN_BUTTON))
    for i in range(5):  # warm up: first runs import and compile
        await redraw(tab, i)
    return tab


async def compare(
    sides: list[Side], servers: list[StreamlitServer], code: str, rounds: int, size: int
) -> None:
    tabs = [
        await joined(server, code, f"Mesure {side.name}") for side, server in zip(sides, servers, strict=True)
    ]
    try:
        for _ in range(rounds):
            for action in ACTIONS:
                for side, server, tab in zip(sides, servers, tabs, strict=True):
                    step = {ACTIONS[0]: redraw, ACTIONS[1]: tap_dot}.get(action) or arrival(server, code)
                    before = read_proc_sample(server.pid).cpu_seconds
                    for i in range(size):
                        result = await step(tab, i)
                        if not result.ok:
                            raise RuntimeError(f"{action} ({side.name}) : {result}")
                    side.series[action].append(
                        (read_proc_sample(server.pid).cpu_seconds - before) / size * 1000
                    )
    finally:
        for tab in tabs:
            await tab.__aexit__(None, None, None)


def report(sides: list[Side]) -> str:
    lines = [f"Charge de la machine (1, 5, 15 min) : {' '.join(f'{v:.2f}' for v in os.getloadavg())}"]
    for side in sides:
        settings = " ".join(f"{k}={v}" for k, v in side.env.items()) or "—"
        lines.append(f"{side.name} : projet {side.directory}, variables {settings}")
    lines.append(f"{'action':<28}{'serveur':>8}{'CPU médiane ms':>16}{'CPU min ms':>12}")
    for action in ACTIONS:
        for side in sides:
            values = side.series[action]
            lines.append(f"{action:<28}{side.name:>8}{statistics.median(values):>16.1f}{min(values):>12.1f}")
    return "\n".join(lines)


# The demo workshop in the vote phase, made by a side's own code: a copy from before a migration
# cannot open a database that a newer copy has upgraded (Alembic stops on an unknown revision).
_LOAD_DEMO = (
    "import sys; from measure.harness.demo import load_demo; print(load_demo(sys.argv[1], 'vote').code)"
)


def demo_made_by(directory: Path, database_url: str) -> str:
    """Fill `database_url` with the demo workshop through the code of `directory`; its code."""
    if directory == PROJECT_ROOT:
        return load_demo(database_url, Phase.VOTE).code
    done = subprocess.run(
        [sys.executable, "-c", _LOAD_DEMO, database_url],
        cwd=directory,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise SystemExit(f"Atelier de démonstration non créé par {directory} :\n{done.stderr[-2000:]}")
    return done.stdout.split()[-1]


def main(argv: list[str] | None = None) -> int:
    parser = FrenchArgumentParser(prog="python -m measure.side_by_side", description=DESCRIPTION)
    for side in ("a", "b"):
        parser.add_argument(
            f"--{side}-dir", type=Path, default=PROJECT_ROOT, metavar="DOSSIER", help="copie du projet servie"
        )
        parser.add_argument(
            f"--{side}-env", action="append", default=[], metavar="NOM=VALEUR", help="variable du serveur"
        )
    parser.add_argument("--rounds", type=int, default=8, metavar="N", help="tours de séries alternées")
    parser.add_argument("--series", type=int, default=25, metavar="N", help="actions par série")
    args = parser.parse_args(argv)
    sides = [
        Side("A", args.a_dir.resolve(), parse_env(args.a_env)),
        Side("B", args.b_dir.resolve(), parse_env(args.b_env)),
    ]
    workdir = Path(tempfile.mkdtemp(prefix="ctg-cote-a-cote-"))
    cookie_secret = {"STREAMLIT_SERVER_COOKIE_SECRET": secrets.token_hex(32)}
    try:
        urls = []
        for side in sides:
            (workdir / side.name).mkdir()
            urls.append(f"sqlite:///{workdir / side.name / 'mesure.sqlite3'}")
            code = demo_made_by(side.directory, urls[-1])
        envs = [
            {"CTG_BACKUP_DIR": str(workdir / side.name / "sauvegardes"), **cookie_secret, **side.env}
            for side in sides
        ]
        with (
            start_streamlit(
                urls[0], env=envs[0], app=sides[0].directory / "app.py", cwd=sides[0].directory
            ) as one,
            start_streamlit(
                urls[1], env=envs[1], app=sides[1].directory / "app.py", cwd=sides[1].directory
            ) as two,
        ):
            asyncio.run(compare(sides, [one, two], code, args.rounds, args.series))
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    print(report(sides))
    return 0


if __name__ == "__main__":
    sys.exit(main())
