"""One capacity measurement: N partners on phones against K Streamlit processes, on this machine.

    .venv/bin/python -m measure.capacity --database sqlite --processes 1 --partners 200 --phase vote
    .venv/bin/python -m measure.capacity --database postgres --processes 2 --partners 500 --phase collect
    .venv/bin/python -m measure.capacity --database postgres --processes 2 --nginx --partners 500
    .venv/bin/python -m measure.capacity --scenario burst --partners 500 --ramp 60 --phase collect

Creates a fresh database (a SQLite file, or a database on a throwaway PostgreSQL server started
for the run — the same one the tests use), loads the demo workshop ARMDEMO in the chosen phase,
starts K servers of the app on free loopback ports (sharing one cookie secret, as in
production), optionally nginx in front of them (docs/deploiement.md), then runs the load driver
(`python -m measure.loadtest --scenario partner`) with 2 projection tabs: partners join over
`--ramp` seconds, then act `--steps` times with a pause of 0 to `--think` seconds between two
actions. The report gives p50/p95/p99 per action, errors, CPU of each server, of PostgreSQL and
of the whole machine, and the database check (every acknowledged item and vote present, no
budget overspent, no duplicate participant). Everything it started is stopped at the end.

`--scenario burst` is the start of the day: each partner first downloads what a phone's first
visit downloads (the page and deploy/first-visit-assets.txt, compressed copies asked for), then
joins and acts; the report adds the bytes served and the time to the join form.

Each server starts as deployed, through `python serve.py` (TCP_NODELAY); a copy
given by `--app-dir` that has no such launcher (the « before » of a change) runs plain
`streamlit run`, and the first line printed says which.

`--app-dir` runs the servers from another copy of the project (the « before » of a change).
Loopback only; bounded in sessions (1000) and duration (900 s), like the driver.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import secrets
import shutil
import signal
import sys
import tempfile
from pathlib import Path

from ctg_workshop.cli.french import FrenchArgumentParser
from measure import PROJECT_ROOT
from measure.harness.demo import load_demo
from measure.harness.nginx import start_nginx
from measure.harness.postgres import fresh_database
from measure.harness.streamlit_server import SERVE, StreamlitServer, default_runner, start_streamlit
from measure.loadtest import AppSession, LatencyRecorder
from measure.loadtest.cli import main as loadtest_main

DESCRIPTION = (
    "Une mesure de capacité : N partenaires sur téléphone face à K processus Streamlit de cette "
    "machine (base neuve, atelier de démonstration, nginx en option), puis la vérification de la base."
)


async def _warm_up(url: str, code: str, view_token: str) -> None:
    for path, query in (("/participer", f"atelier={code}"), ("/projection", f"vue={view_token}"), ("/", "")):
        async with AppSession(url, recorder=LatencyRecorder()) as tab:
            await tab.open(path, query=query)


def warm_up(servers: list[StreamlitServer], code: str, view_token: str) -> None:
    """Load each page once per process (imports, first compilations): not part of the measure."""
    for server in servers:
        asyncio.run(_warm_up(server.url, code, view_token))


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = FrenchArgumentParser(prog="python -m measure.capacity", description=DESCRIPTION)
    parser.add_argument(
        "--database", choices=["sqlite", "postgres"], default="sqlite", help="base de la mesure (neuve)"
    )
    parser.add_argument("--processes", type=int, default=1, metavar="K", help="processus Streamlit (1 à 4)")
    parser.add_argument("--nginx", action="store_true", help="passer par nginx (hachage sur un cookie)")
    parser.add_argument("--partners", type=int, default=100, metavar="N", help="partenaires simulés")
    parser.add_argument(
        "--scenario",
        choices=["partner", "burst"],
        default="partner",
        help="partner : pages déjà chargées ; burst : première visite (fichiers statiques) puis partner",
    )
    parser.add_argument(
        "--phase", choices=["collect", "vote"], default="vote", help="phase de l'atelier pendant la mesure"
    )
    parser.add_argument(
        "--ramp", type=float, default=120.0, metavar="S", help="arrivées étalées sur S secondes"
    )
    parser.add_argument(
        "--steps", type=int, default=6, metavar="N", help="actions par partenaire après l'inscription"
    )
    parser.add_argument(
        "--think", type=float, default=40.0, metavar="S", help="pause de 0 à S secondes entre deux actions"
    )
    parser.add_argument(
        "--projections", type=int, default=2, metavar="M", help="onglets de projection ouverts"
    )
    parser.add_argument("--max-duration", type=float, default=600.0, metavar="S", help="durée maximale (s)")
    parser.add_argument("--seed", type=int, default=1, metavar="N", help="graine du hasard")
    parser.add_argument("--json", metavar="FICHIER", help="écrire aussi le rapport en JSON")
    parser.add_argument(
        "--app-dir", type=Path, default=PROJECT_ROOT, metavar="DOSSIER", help="copie du projet à servir"
    )
    args = parser.parse_args(argv)
    if not 1 <= args.processes <= 4:
        parser.error("--processes : de 1 à 4")
    return args


def _stop_on_sigterm() -> None:
    """`kill PID` (or a CI timeout) unwinds like Ctrl-C: the servers, nginx and the throwaway
    PostgreSQL server are stopped, the work folder removed."""

    def interrupt(_signum: int, _frame: object) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, interrupt)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    _stop_on_sigterm()
    workdir = Path(tempfile.mkdtemp(prefix="ctg-capacite-"))
    servers: list[StreamlitServer] = []
    try:
        with fresh_database(args.database, workdir) as database_url:
            demo = load_demo(database_url, args.phase)
            code, view_token = demo.code, demo.view_token
            secret = secrets.token_hex(32)  # one cookie secret for every process, as in production
            env = {"STREAMLIT_SERVER_COOKIE_SECRET": secret}
            app_dir = args.app_dir.resolve()
            launcher = default_runner(app_dir) == SERVE
            for _ in range(args.processes):
                servers.append(start_streamlit(database_url, env=env, app=app_dir / "app.py", cwd=app_dir))
            warm_up(servers, code, view_token)
            urls = [server.url for server in servers]
            with contextlib.ExitStack() as stack:
                if args.nginx:
                    balancer = stack.enter_context(start_nginx([server.port for server in servers]))
                    urls = [balancer.url]
                command = [
                    "--scenario", args.scenario,
                    "--url", ",".join(urls),
                    "--server-pid", ",".join(str(server.pid) for server in servers),
                    "--code", code,
                    "--sessions", str(args.partners),
                    "--steps", str(args.steps),
                    "--think", str(args.think),
                    "--ramp", str(args.ramp),
                    "--projections", str(args.projections),
                    f"--view-token={view_token}",  # a token may start with « - »
                    "--max-duration", str(args.max_duration),
                    "--timeout", "60",
                    "--seed", str(args.seed),
                    "--check-database", database_url,
                ]  # fmt: skip
                if args.database == "postgres":
                    command.append("--sample-postgres")
                if args.json:
                    command += ["--json", args.json]
                print(
                    f"Base {args.database}, {args.processes} processus{' derrière nginx' if args.nginx else ''}, "
                    f"{args.partners} partenaires ({args.scenario}), phase {args.phase}, "
                    f"{'python serve.py' if launcher else 'streamlit run (sans lanceur)'}",
                    flush=True,
                )
                return loadtest_main(command)
    finally:
        for server in servers:
            server.stop()
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    try:
        sys.exit(main())
    except KeyboardInterrupt:
        print("Mesure interrompue : serveurs arrêtés, dossier de travail effacé.", file=sys.stderr)
        sys.exit(130)
