"""How long duplicate suggestions take for 1,000 items in one topic.

    .venv/bin/python -m measure.grouping [--items 1000] [--runs 5]

Writes a temporary SQLite database: one workshop, one topic, `--items` items whose texts are
the demo's texts re-worded (word order shuffled, words dropped, plurals, accents removed, words
from other items added), first spread over the four quadrants, then all in one quadrant (the
worst case). Prints the median, best and worst times of `suggest_duplicates` (query included) for each.
"""

from __future__ import annotations

import datetime as dt
import json
import random
import statistics
import tempfile
import time
import unicodedata
from pathlib import Path

from sqlalchemy import select

from ctg_workshop.cli.french import FrenchArgumentParser
from ctg_workshop.day.grouping import suggest_duplicates
from ctg_workshop.identifiers import new_key
from ctg_workshop.preparation.workshops import WorkshopSettings, create_workshop
from ctg_workshop.storage.db import open_database, read_session, write_session
from ctg_workshop.storage.models import Item, Quadrant, Topic
from measure.harness.demo import DEMO_ARCHIVE

DESCRIPTION = (
    "Temps des suggestions de doublons pour un sujet d'étude de N contributions (base SQLite "
    "temporaire, textes de la démonstration reformulés)."
)


def _variant(text: str, words: list[str], rng: random.Random) -> str:
    tokens = text.split()
    rng.shuffle(tokens) if rng.random() < 0.3 else None
    tokens = [t for t in tokens if rng.random() > 0.15] or tokens[:1]
    tokens += rng.sample(words, rng.randint(0, 3))
    result = " ".join(tokens)
    if rng.random() < 0.3:
        result = unicodedata.normalize("NFKD", result).encode("ascii", "ignore").decode("ascii")
    return result[:500]


def _database(path: Path, count: int, *, one_quadrant: bool, seed: int = 1) -> tuple[object, int, int]:
    engine = open_database(f"sqlite:///{path}")
    texts = [i["text"] for i in json.loads(DEMO_ARCHIVE.read_text(encoding="utf-8"))["workshop"]["items"]]
    words = " ".join(texts).split()
    rng = random.Random(seed)
    quadrants = [q.value for q in Quadrant]
    with write_session(engine) as session:
        settings = WorkshopSettings("Banc d'essai", "Ville", "CAF", 2026, 2029)
        workshop = create_workshop(
            session=session, settings=settings, passphrase="banc-essai", template="blank"
        )
        topic_id = session.scalar(select(Topic.id).where(Topic.workshop_id == workshop.id))
        start = dt.datetime(2026, 1, 1, 9)
        session.add_all(
            Item(
                workshop_id=workshop.id,
                key=new_key("i"),
                topic_id=topic_id,
                quadrant=quadrants[0] if one_quadrant else quadrants[n % 4],
                text=_variant(rng.choice(texts), words, rng),
                created_at=start + dt.timedelta(seconds=n),
            )
            for n in range(count)
        )
    return engine, workshop.id, topic_id


def _measure(engine, workshop_id: int, topic_id: int, runs: int) -> tuple[list[float], int]:
    times, found = [], 0
    for _ in range(runs):
        began = time.perf_counter()
        with read_session(engine) as session:
            found = len(suggest_duplicates(session=session, workshop_id=workshop_id, topic_id=topic_id))
        times.append(time.perf_counter() - began)
    return times, found


def main(argv: list[str] | None = None) -> None:
    parser = FrenchArgumentParser(prog="python -m measure.grouping", description=DESCRIPTION)
    parser.add_argument("--items", type=int, default=1000, metavar="N", help="contributions du sujet")
    parser.add_argument("--runs", type=int, default=5, metavar="N", help="mesures de chaque cas")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as directory:
        for label, one_quadrant in (("4 quadrants", False), ("1 quadrant (pire cas)", True)):
            engine, workshop_id, topic_id = _database(
                Path(directory) / f"{one_quadrant}.sqlite3", args.items, one_quadrant=one_quadrant
            )
            times, found = _measure(engine, workshop_id, topic_id, args.runs)
            engine.dispose()
            print(
                f"{args.items} contributions, {label} : médiane {statistics.median(times) * 1000:.0f} ms, "
                f"meilleur {min(times) * 1000:.0f} ms, pire {max(times) * 1000:.0f} ms ({found} suggestions)"
            )


if __name__ == "__main__":
    main()
