"""Do automatic backups slow the partners' taps? One capacity run, compared with itself.

    .venv/bin/python -m measure.backups_under_load --minutes 0.25 --partners 300

Runs `measure.capacity` (one process, SQLite, vote phase by default) with the automatic backups
writing a snapshot every `--minutes` into a fresh folder, then sorts every answer of the run
(votes, topic changes, joins…) in two: those that were waiting for the server while a snapshot
was being written when they were asked (from the second the snapshot was taken to its file's last write, plus
`--margin` seconds) and all the others, and gives the p50/p95/max of each.

Comparing one run with itself removes what two runs cannot: on this virtual machine the same
setting gives a p95 from 163 to 745 ms from one run to the next (docs/capacity.md). If a
snapshot made taps wait, the answers « pendant une sauvegarde » would be slower than the others.
"""

from __future__ import annotations

import json
import os
import statistics
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from ctg_workshop.archive.backups import DIRECTORY_ENV, MINUTES_ENV, list_snapshots
from ctg_workshop.cli.french import FrenchArgumentParser
from measure import capacity
from measure.loadtest.report import percentile

DESCRIPTION = (
    "Mesure de charge avec sauvegardes automatiques fréquentes : compare les réponses obtenues "
    "pendant l'écriture d'une sauvegarde aux autres réponses du même passage."
)


@dataclass(frozen=True)
class Window:
    """When one snapshot was being written (Unix times)."""

    start: float
    end: float


@dataclass(frozen=True)
class Group:
    name: str
    latencies: list[float]

    def line(self) -> str:
        if not self.latencies:
            return f"{self.name:<34}{0:>7}"
        figures = (percentile(self.latencies, q) * 1000 for q in (50, 95))
        p50, p95 = figures
        worst = max(self.latencies) * 1000
        return f"{self.name:<34}{len(self.latencies):>7}{p50:>10.0f}{p95:>10.0f}{worst:>10.0f}"


def snapshot_windows(directory: Path, margin: float) -> list[Window]:
    """Each snapshot of every workshop in `directory`: from the second it was taken (its name)
    to its file's last write, plus `margin`."""
    codes = (
        sorted(folder.name for folder in directory.iterdir() if folder.is_dir()) if directory.exists() else []
    )
    windows = []
    for snapshot in (s for code in codes for s in list_snapshots(directory, code)):
        start = snapshot.taken_at.timestamp()
        end = max(snapshot.path.stat().st_mtime, start) + margin
        windows.append(Window(start, end))
    return windows


def split_answers(
    answers: list[tuple[float, float, str]], windows: list[Window], actions: set[str] | None = None
) -> tuple[list[float], list[float]]:
    """(latencies of the actions asked while a snapshot was being written, the others'),
    `actions` only. By the time asked, not by the time in flight: a slow answer overlaps more
    windows just by lasting longer, which would make the answers « during » look slow."""
    during, outside = [], []
    for answered_at, latency, action in answers:
        if actions is not None and action not in actions:
            continue
        asked_at = answered_at - latency
        asked_during = any(window.start <= asked_at <= window.end for window in windows)
        (during if asked_during else outside).append(latency)
    return during, outside


def report(answers: list[tuple[float, float, str]], windows: list[Window]) -> str:
    lines = [
        f"Sauvegardes écrites pendant le passage : {len(windows)}",
        f"Durée moyenne d'une fenêtre de sauvegarde (marge comprise) : "
        f"{statistics.mean(w.end - w.start for w in windows) if windows else 0:.2f} s",
        "",
        f"{'réponses':<34}{'n':>7}{'p50 ms':>10}{'p95 ms':>10}{'max ms':>10}",
    ]
    for label, actions in (("toutes actions", None), ("voter", {"voter"}), ("retirer", {"retirer"})):
        during, outside = split_answers(answers, windows, actions)
        lines.append(Group(f"{label}, pendant une sauvegarde", during).line())
        lines.append(Group(f"{label}, hors sauvegarde", outside).line())
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = FrenchArgumentParser(prog="python -m measure.backups_under_load", description=DESCRIPTION)
    parser.add_argument("--minutes", type=float, default=0.25, help="intervalle des sauvegardes (minutes)")
    parser.add_argument("--partners", type=int, default=300, metavar="N", help="partenaires simulés")
    parser.add_argument("--margin", type=float, default=0.5, metavar="S", help="marge après l'écriture (s)")
    parser.add_argument("--json", metavar="FICHIER", help="garder le rapport de charge en JSON")
    parser.add_argument(
        "--relire",
        metavar="FICHIER",
        help="relire un rapport JSON déjà écrit par cette commande, sans nouvelle mesure",
    )
    args, rest = parser.parse_known_args(argv)
    if args.relire:
        saved = json.loads(Path(args.relire).read_text(encoding="utf-8"))
        print(report(answers_of(saved), [Window(*w) for w in saved["backup_windows"]]))
        return 0
    if args.minutes <= 0:
        parser.error("--minutes : un intervalle positif est attendu")
    with tempfile.TemporaryDirectory(prefix="ctg-sauvegardes-") as folder:
        directory = Path(folder) / "sauvegardes"
        json_path = Path(args.json) if args.json else Path(folder) / "charge.json"
        os.environ[MINUTES_ENV] = str(args.minutes)
        os.environ[DIRECTORY_ENV] = str(directory)
        status = capacity.main(
            ["--database", "sqlite", "--processes", "1", "--phase", "vote", "--partners", str(args.partners),
             "--json", str(json_path), *rest]
        )  # fmt: skip
        saved = json.loads(json_path.read_text(encoding="utf-8"))
        windows = snapshot_windows(directory, args.margin)
        # Kept with the report: `--relire` compares them again without measuring.
        saved["backup_windows"] = [[window.start, window.end] for window in windows]
        json_path.write_text(json.dumps(saved, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print()
    print(report(answers_of(saved), windows))
    return status


def answers_of(saved: dict) -> list[tuple[float, float, str]]:
    return [(float(at), float(latency), str(action)) for at, latency, action in saved["answers"]]


if __name__ == "__main__":
    sys.exit(main())
