"""`python -m measure.benchmarks` (what `make bench` runs): every benchmark, then docs/benchmarks.md.

.venv/bin/python -m measure.benchmarks                       # 1×, 4×, 16×, diagnostic, profile
.venv/bin/python -m measure.benchmarks --sizes 1             # the reference size only
.venv/bin/python -m measure.benchmarks --output /tmp/b.md    # elsewhere than docs/benchmarks.md
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ctg_workshop.cli.french import FrenchArgumentParser
from measure import PROJECT_ROOT
from measure.benchmarks.report import render
from measure.benchmarks.run import Plan, run

DEFAULT_OUTPUT = PROJECT_ROOT / "docs" / "benchmarks.md"
ALLOWED_SIZES = (1.0, 4.0, 16.0)


def _sizes(text: str) -> tuple[float, ...]:
    try:
        sizes = tuple(float(part) for part in text.split(",") if part.strip())
    except ValueError as error:
        raise argparse.ArgumentTypeError(f"tailles invalides : « {text} » (par exemple 1,4,16)") from error
    if not sizes or any(not 0 < s <= 16 for s in sizes):
        raise argparse.ArgumentTypeError("tailles : des nombres de 0 (exclu) à 16, par exemple 1,4,16")
    return sizes


def parser() -> argparse.ArgumentParser:
    command = FrenchArgumentParser(
        prog="python -m measure.benchmarks",
        description="Mesure ce que coûte chaque action face à son plancher et écrit docs/benchmarks.md.",
    )
    command.add_argument(
        "--sizes", type=_sizes, default=ALLOWED_SIZES, metavar="TAILLES", help="tailles, défaut 1,4,16"
    )
    command.add_argument(
        "--output", type=Path, default=DEFAULT_OUTPUT, metavar="FICHIER", help="fichier Markdown écrit"
    )
    command.add_argument("--no-diagnostic", action="store_true", help="sans la mesure TCP_NODELAY")
    command.add_argument("--no-profile", action="store_true", help="sans le profil du pire rapport")
    command.add_argument(
        "--no-first-visit", action="store_true", help="sans la première visite dans Chromium (lent, 4G)"
    )
    return command


def main(argv: list[str] | None = None) -> int:
    options = parser().parse_args(argv)
    plan = Plan(
        scales=options.sizes,
        diagnostic=not options.no_diagnostic,
        profile=not options.no_profile,
        first_visit=not options.no_first_visit,
    )
    shown = " ".join(["python -m measure.benchmarks", *(argv if argv is not None else sys.argv[1:])]).strip()
    command = "make bench" if shown == "python -m measure.benchmarks" else shown
    results = run(plan, command)
    options.output.parent.mkdir(parents=True, exist_ok=True)
    options.output.write_text(render(results), encoding="utf-8")
    print(f"Écrit : {options.output} ({round(results.seconds)} s)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
