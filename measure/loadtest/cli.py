"""`loadtest` on the command line: `python -m measure.loadtest`. Start the server first, for example:

    CTG_DATABASE_URL=sqlite:///data/charge.sqlite3 .venv/bin/python serve.py \\
        --server.headless true --server.port 8501 &
    .venv/bin/python -m measure.loadtest --url http://127.0.0.1:8501 --server-pid $! \\
        --sessions 50 --idle 0 --steps 3
"""

from __future__ import annotations

import argparse
import json
import math
import secrets
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from measure.loadtest.checks import CheckReport, verify
from measure.loadtest.first_visit import RECORDED_ASSETS, read_asset_list
from measure.loadtest.ledger import Ledger
from measure.loadtest.limits import MAX_DURATION_S, MAX_SESSIONS, LimitError, LoadTestError
from measure.loadtest.runner import Group, LoadPlan, run_load_sync
from measure.loadtest.scenarios import SCENARIOS, Pace, ScenarioOptions, idle_home, projection_tab


def add_loadtest_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--url",
        default="http://127.0.0.1:8501",
        metavar="URL[,URL…]",
        help="serveur local (loopback seulement) ; plusieurs, séparés par des virgules : les sessions "
        "sont réparties à tour de rôle, chacune reste sur son serveur",
    )
    parser.add_argument(
        "--server-pid",
        type=_pids,
        default=(),
        metavar="PID[,PID…]",
        help="PID du ou des serveurs, pour mesurer leur CPU et leur mémoire",
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
    partner = parser.add_argument_group("scénario « partner » (partenaires sur téléphone)")
    partner.add_argument("--code", default="ARMDEMO", help="code de l'atelier que rejoignent les partenaires")
    partner.add_argument(
        "--projections",
        type=int,
        default=0,
        metavar="M",
        help="onglets de projection ouverts pendant la charge",
    )
    partner.add_argument(
        "--view-token",
        default="",
        metavar="JETON",
        help="jeton du lien de projection (?vue=…), affiché par « demo » ; écrire --view-token=JETON "
        "car un jeton peut commencer par « - »",
    )
    partner.add_argument(
        "--check-database",
        default="",
        metavar="URL",
        help="base du serveur : vérifier après la charge que tout ce qui a été acquitté y est, sans anomalie",
    )
    partner.add_argument(
        "--tag", default="", help="marque des organisations simulées (par défaut : tirée au hasard)"
    )
    partner.add_argument(
        "--set-phase",
        choices=["collect", "vote"],
        help="avant la charge, mettre l'atelier dans cette phase (demande --check-database ; base de mesure seulement)",
    )
    burst = parser.add_argument_group(
        "scénario « burst » (première visite : fichiers statiques, puis « partner »)"
    )
    burst.add_argument(
        "--assets",
        type=Path,
        default=RECORDED_ASSETS,
        metavar="FICHIER",
        help="fichiers d'une première visite, un chemin par ligne (python -m measure.first_visit --record)",
    )
    parser.add_argument(
        "--sample-postgres",
        action="store_true",
        help="mesurer aussi le CPU des processus « postgres » de cette machine",
    )


def _pids(text: str) -> tuple[int, ...]:
    try:
        return tuple(int(part) for part in text.split(",") if part.strip())
    except ValueError as error:
        raise argparse.ArgumentTypeError(f"PID invalide : « {text} »") from error


def _urls(text: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in text.split(",") if part.strip())


def scenario_options(args: argparse.Namespace) -> ScenarioOptions:
    return ScenarioOptions(
        steps=args.steps,
        pace=Pace(args.think, args.seed),
        query=args.query,
        code=args.code,
        ledger=Ledger(code=args.code),
        tag=args.tag or secrets.token_hex(3),
        assets=read_asset_list(args.assets) if args.scenario == "burst" else (),
    )


def build_plan(args: argparse.Namespace, options: ScenarioOptions | None = None) -> LoadPlan:
    options = options or scenario_options(args)
    builder = SCENARIOS[args.scenario]
    groups = [Group("actives", args.sessions, lambda index: builder(options, index))]
    if args.idle:
        groups.append(
            Group("inactives", args.idle, lambda _i: idle_home(args.max_duration, args.query), True)
        )
    if args.projections:
        if not args.view_token:
            raise LimitError("--projections demande --view-token (le jeton du lien de projection, ?vue=…).")
        groups.append(
            Group(
                "projection",
                args.projections,
                lambda _i: projection_tab(args.view_token, args.max_duration),
                True,
            )
        )
    urls = _urls(args.url) or ("http://127.0.0.1:8501",)
    pids = tuple(args.server_pid)
    return LoadPlan(
        base_url=urls[0],
        more_urls=urls[1:],
        groups=tuple(groups),
        title=f"Charge « {args.scenario} » : {args.sessions} actives, {args.idle} inactives, "
        f"{args.projections} projections, {len(urls)} serveur(s)",
        ramp_s=args.ramp,
        max_duration_s=args.max_duration,
        action_timeout_s=args.timeout,
        server_pid=pids[0] if pids else None,
        more_server_pids=pids[1:],
        sample_machine=True,
        sample_process_names=("postgres",) if args.sample_postgres else (),
        parameters={
            "url": ", ".join(urls),
            "scénario": args.scenario,
            "actives": args.sessions,
            "inactives": args.idle,
            "projections": args.projections,
            "actions par session": args.steps,
            "pause max (s)": args.think,
            "montée (s)": args.ramp,
        },
    )


def check_database(database_url: str, ledger: Ledger) -> CheckReport:
    """Read the server's database and compare it with what the partners were told."""
    from ctg_workshop.storage.db import make_engine

    engine = make_engine(database_url)
    try:
        return verify(engine, ledger)
    finally:
        engine.dispose()


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
        options = scenario_options(args)
        plan = build_plan(args, options)
        if args.set_phase:
            if not args.check_database:
                raise LimitError("--set-phase demande --check-database.")
            from measure.harness.demo import set_phase

            set_phase(args.check_database, args.code, args.set_phase)
        report = run_load_sync(plan)
    except LoadTestError as error:
        print(str(error), file=sys.stderr)
        return 2
    if args.scenario == "burst":
        report.parameters.update(options.tally.summary())
    check = None
    if args.check_database and args.scenario in ("partner", "burst"):
        check = check_database(args.check_database, options.ledger)
        report.check = {"problems": check.problems, "counts": check.counts}
        report.parameters["accusés de réception"] = options.ledger.summary()
    print(report.to_text())
    if args.json:
        text = json.dumps(_json_safe(report.as_dict()), ensure_ascii=False, indent=2)
        Path(args.json).write_text(text + "\n", encoding="utf-8")
        print(f"Rapport JSON écrit : {args.json}")
    return 1 if report.errors or (check is not None and not check.ok) else 0


def main(argv: Sequence[str] | None = None, *, prog: str = "python -m measure.loadtest") -> int:
    from ctg_workshop.cli.french import FrenchArgumentParser

    parser = FrenchArgumentParser(
        prog=prog,
        description="Simule des participants sur un serveur CTG Atelier de cette machine et mesure la charge.",
    )
    add_loadtest_arguments(parser)
    return cmd_loadtest(parser.parse_args(argv))
