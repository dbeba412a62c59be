"""`loadtest` on the command line: `python -m ctg_workshop.loadtest` (or, once wired,
`python -m ctg_workshop loadtest`). Start the server first, for example:

    CTG_DATABASE_URL=sqlite:///data/charge.sqlite3 .venv/bin/streamlit run app.py \\
        --server.headless true --server.port 8501 &
    .venv/bin/python -m ctg_workshop.loadtest --url http://127.0.0.1:8501 --server-pid $! \\
        --sessions 50 --idle 0 --steps 3
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from ctg_workshop.loadtest.limits import MAX_DURATION_S, MAX_SESSIONS, LoadTestError
from ctg_workshop.loadtest.runner import Group, LoadPlan, run_load_sync
from ctg_workshop.loadtest.scenarios import SCENARIOS, Pace, ScenarioOptions, idle_home


def add_loadtest_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--url", default="http://127.0.0.1:8501", metavar="URL", help="serveur local (loopback seulement)"
    )
    parser.add_argument(
        "--server-pid", type=int, metavar="PID", help="PID du serveur, pour mesurer son CPU et sa mémoire"
    )
    parser.add_argument(
        "--scenario", choices=sorted(SCENARIOS), default="home", help="parcours des sessions actives"
    )
    parser.add_argument(
        "--sessions", type=int, default=50, metavar="N", help=f"sessions actives (au plus {MAX_SESSIONS})"
    )
    parser.add_argument(
        "--idle", type=int, default=0, metavar="N", help="sessions ouvertes qui ne font qu'attendre"
    )
    parser.add_argument(
        "--steps", type=int, default=3, metavar="N", help="actions par session active après l'ouverture"
    )
    parser.add_argument(
        "--think",
        type=float,
        default=0.0,
        metavar="S",
        help="pause aléatoire entre deux actions (s, au plus)",
    )
    parser.add_argument(
        "--query",
        default="",
        metavar="PARAMÈTRES",
        help="paramètres d'URL à l'ouverture (ex. atelier=ARMDEMO)",
    )
    parser.add_argument(
        "--ramp", type=float, default=0.0, metavar="S", help="durée de la montée en charge (s)"
    )
    parser.add_argument(
        "--max-duration",
        type=float,
        default=300.0,
        metavar="S",
        help=f"durée maximale (s, au plus {MAX_DURATION_S:g})",
    )
    parser.add_argument(
        "--timeout", type=float, default=60.0, metavar="S", help="délai maximal d'une action (s)"
    )
    parser.add_argument("--seed", type=int, metavar="N", help="graine du hasard (parcours reproductibles)")
    parser.add_argument("--json", metavar="FICHIER", help="écrire aussi le rapport en JSON")


def add_loadtest_parser(subparsers: Any) -> argparse.ArgumentParser:
    """Add the `loadtest` subcommand to `ctg_workshop.cli`'s subparsers (handler: `cmd_loadtest`)."""
    command = subparsers.add_parser(
        "loadtest",
        help="simuler des participants sur un serveur local (mesure de charge)",
        description="Ouvre des sessions Streamlit sur un serveur de cette machine et mesure les temps de réponse.",
    )
    add_loadtest_arguments(command)
    command.set_defaults(handler=cmd_loadtest)
    return command


def build_plan(args: argparse.Namespace) -> LoadPlan:
    options = ScenarioOptions(steps=args.steps, pace=Pace(args.think, args.seed), query=args.query)
    builder = SCENARIOS[args.scenario]
    groups = [Group("actives", args.sessions, lambda index: builder(options, index))]
    if args.idle:
        groups.append(
            Group("inactives", args.idle, lambda _i: idle_home(args.max_duration, args.query), True)
        )
    return LoadPlan(
        base_url=args.url,
        groups=tuple(groups),
        title=f"Charge « {args.scenario} » : {args.sessions} actives, {args.idle} inactives",
        ramp_s=args.ramp,
        max_duration_s=args.max_duration,
        action_timeout_s=args.timeout,
        server_pid=args.server_pid,
        parameters={
            "url": args.url,
            "scénario": args.scenario,
            "actives": args.sessions,
            "inactives": args.idle,
            "actions par session": args.steps,
            "pause max (s)": args.think,
            "montée (s)": args.ramp,
        },
    )


def _json_safe(value: Any) -> Any:
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {k: _json_safe(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_json_safe(v) for v in value]
    return value


def cmd_loadtest(args: argparse.Namespace, _engine: object = None) -> int:
    """Run the load; 0 without error, 1 if some actions failed, 2 if refused (French message)."""
    try:
        report = run_load_sync(build_plan(args))
    except LoadTestError as error:
        print(str(error), file=sys.stderr)
        return 2
    print(report.to_text())
    if args.json:
        text = json.dumps(_json_safe(report.as_dict()), ensure_ascii=False, indent=2)
        Path(args.json).write_text(text + "\n", encoding="utf-8")
        print(f"Rapport JSON écrit : {args.json}")
    return 1 if report.errors else 0


def main(argv: Sequence[str] | None = None) -> int:
    from ctg_workshop.cli import FrenchArgumentParser

    parser = FrenchArgumentParser(
        prog="python -m ctg_workshop.loadtest",
        description="Simule des participants sur un serveur CTG Atelier de cette machine et mesure la charge.",
    )
    add_loadtest_arguments(parser)
    return cmd_loadtest(parser.parse_args(argv))
