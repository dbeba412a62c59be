"""The stress-sized workshop, generated: 150 participants, 1,200 items, 2,000 votes at scale 1.

The generator starts from the demo archive (its themes, diagnostic, four topics and fiches
action), replaces participants, items and votes by generated ones, and imports the result
through the domain (`archive.import_archive`): every constraint and trigger of the schema
holds, as in a real workshop. The first participant (`p00000`) wrote a few items and placed
no dot: the benchmarks act as them, with their whole vote budget free.
"""

from __future__ import annotations

import datetime as dt
import json
import random
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import select

from ctg_workshop.access import ensure_view_token
from ctg_workshop.archive.format import FORMAT_NAME
from ctg_workshop.archive.load import import_archive
from ctg_workshop.storage.db import open_database, write_session
from ctg_workshop.storage.models import Participant, Phase, Quadrant
from measure.harness.demo import DEMO_ARCHIVE

PARTICIPANTS = 150
ITEMS = 1_200
VOTES = 2_000
BENCH_PARTICIPANT = "p00000"
HIDDEN_EVERY = 97  # about 1 % of items hidden by the facilitator
MERGED_SHARE = 0.05  # about 5 % of items grouped under another one
TWO_DOTS_SHARE = 0.3
MAX_ATTEMPTS_PER_VOTE = 100  # a tiny workshop may not have room for every vote asked for
START = dt.datetime(2026, 11, 23, 9, 0)
_EXTRA_WORDS = (
    "en particulier dans les quartiers",
    "pour les familles monoparentales",
    "le mercredi et pendant les vacances",
    "avec les associations du territoire",
    "grâce au soutien de la CAF",
    "surtout pour les adolescents",
    "faute de moyens humains",
    "depuis la crise sanitaire",
)


@dataclass(frozen=True)
class WorkshopSize:
    """The stress-sized workshop times `scale` (a fraction for the smoke test)."""

    scale: float

    @property
    def participants(self) -> int:
        return max(round(PARTICIPANTS * self.scale), 4)

    @property
    def items(self) -> int:
        return max(round(ITEMS * self.scale), 40)

    @property
    def votes(self) -> int:
        return max(round(VOTES * self.scale), 20)

    @property
    def label(self) -> str:
        return f"{self.scale:g}×"

    @property
    def code(self) -> str:
        return f"BENCH{round(self.scale * 100):04d}"

    def describe(self) -> str:
        def count(value: int) -> str:
            return f"{value:,}".replace(",", " ")

        return (
            f"{count(self.participants)} participants, {count(self.items)} contributions, "
            f"{count(self.votes)} votes"
        )


@dataclass(frozen=True)
class BenchWorkshop:
    """A generated workshop in its own SQLite file, and what the benchmarks need to act on it."""

    size: WorkshopSize
    database_url: str
    path: Path
    workshop_id: int
    code: str
    view_token: str
    participant_id: int
    participant_token: str
    topic_keys: tuple[str, ...]


def _demo() -> dict[str, Any]:
    return json.loads(DEMO_ARCHIVE.read_text(encoding="utf-8"))["workshop"]


def _organisations(demo: dict[str, Any]) -> list[str]:
    known = sorted({p["organisation"] for p in demo["participants"]})
    return known + [f"Association de quartier n°{n}" for n in range(1, 41 - len(known))]


def _participants(size: WorkshopSize, rng: random.Random, organisations: list[str]) -> list[dict[str, Any]]:
    return [
        {
            "key": f"p{n:05d}",
            "name": f"Participant {n}" if rng.random() < 0.3 else None,
            "organisation": organisations[n % len(organisations)],
        }
        for n in range(size.participants)
    ]


def _item_text(texts: list[str], rng: random.Random) -> str:
    text = rng.choice(texts)
    if rng.random() < 0.6:
        text = f"{text}, {rng.choice(_EXTRA_WORDS)}"
    return text[:500]


def _items(
    size: WorkshopSize, rng: random.Random, texts: list[str], topics: list[str], participants: list[str]
) -> list[dict[str, Any]]:
    quadrants = [q.value for q in Quadrant]
    items: list[dict[str, Any]] = []
    representatives: dict[tuple[str, str], list[str]] = defaultdict(list)
    for n in range(size.items):
        topic, quadrant = rng.choice(topics), rng.choice(quadrants)
        place = representatives[(topic, quadrant)]
        hidden = n % HIDDEN_EVERY == HIDDEN_EVERY - 1
        merged_into = rng.choice(place) if place and not hidden and rng.random() < MERGED_SHARE else None
        key = f"i{n:06d}"
        items.append(
            {
                "key": key,
                "topic": topic,
                "quadrant": quadrant,
                "text": _item_text(texts, rng),
                "author": participants[n % len(participants)],
                "created_at": (START + dt.timedelta(seconds=n)).strftime("%Y-%m-%dT%H:%M:%SZ"),
                "hidden": hidden,
                "merged_into": merged_into,
            }
        )
        if not hidden and merged_into is None:
            place.append(key)
    return items


def _votes(
    size: WorkshopSize,
    rng: random.Random,
    items: list[dict[str, Any]],
    participants: list[str],
    budget: int,
) -> list[dict[str, Any]]:
    """Votes on representative items, within each participant's budget per topic; never by the
    benchmark's participant (the first one)."""
    votable: dict[str, list[str]] = defaultdict(list)
    for item in items:
        if not item["hidden"] and item["merged_into"] is None:
            votable[item["topic"]].append(item["key"])
    topics = sorted(votable)
    voters = participants[1:]
    spent: dict[tuple[str, str], int] = defaultdict(int)
    chosen: set[tuple[str, str]] = set()
    votes: list[dict[str, Any]] = []
    attempt = 0
    while len(votes) < size.votes and attempt < MAX_ATTEMPTS_PER_VOTE * size.votes:
        participant = voters[attempt % len(voters)]
        topic = topics[(attempt // len(voters)) % len(topics)]
        attempt += 1
        room = budget - spent[(participant, topic)]
        item = rng.choice(votable[topic])
        if room <= 0 or (participant, item) in chosen:
            continue
        dots = 2 if room >= 2 and rng.random() < TWO_DOTS_SHARE else 1
        chosen.add((participant, item))
        spent[(participant, topic)] += dots
        votes.append({"item": item, "participant": participant, "dots": dots})
    return votes


def build_archive(size: WorkshopSize, *, code: str, phase: Phase = Phase.COLLECT, seed: int = 1) -> dict:
    """The archive (format 1) of a generated workshop of `size`: same seed, same workshop."""
    demo = _demo()
    rng = random.Random(seed * 100_000 + round(size.scale * 100))
    organisations = _organisations(demo)
    participants = _participants(size, rng, organisations)
    keys = [p["key"] for p in participants]
    topics = [t["key"] for t in demo["topics"]]
    texts = sorted({i["text"] for i in demo["items"]})
    items = _items(size, rng, texts, topics, keys)
    workshop = {
        **{k: demo[k] for k in ("title", "territory", "partner_body", "period_start", "period_end")},
        "code": code,
        "held_on": demo["held_on"],
        "phase": phase.value,
        "vote_budget": demo["vote_budget"],
        "max_dots_per_item": demo["max_dots_per_item"],
        "themes": demo["themes"],
        "diagnostic": demo["diagnostic"],
        "topics": demo["topics"],
        "participants": participants,
        "items": items,
        "votes": _votes(size, rng, items, keys, demo["vote_budget"]),
        "action_sheets": demo["action_sheets"],
    }
    return {"format": FORMAT_NAME, "version": 1, "workshop": workshop}


AWKWARD_TEXTS = (
    "**Gras** <script>alert(1)</script> [lien](https://exemple.fr)",
    "=SUM(A1) et -5 places",
    "Colonne\tcollée d'un tableur",
    "Texte \u202einversé\u202c puis normal",
    "Ligne 1\n\n\n\n\nLigne 2",
    "Famille 👨‍👩‍👧 et « guillemets » : fin !",
)


def build_follow_up_archive(size: WorkshopSize, *, code: str, indicators: int = 30, seed: int = 1) -> dict:
    """The archive (format 2) of a generated workshop with its analysis and a follow-up:
    `indicators` indicators over the fiches, a value for every year of the period, a status per
    fiche and year, two meetings a year; comments and notes hold awkward texts."""
    archive = build_archive(size, code=code, seed=seed)
    workshop = archive["workshop"]
    rng = random.Random(seed)
    years = list(range(workshop["period_start"], workshop["period_end"] + 1))
    topics = [t["key"] for t in workshop["topics"]]
    workshop_v2: dict[str, Any] = {}
    for key, value in workshop.items():
        workshop_v2[key] = value
        if key == "diagnostic":
            workshop_v2["narrative"] = [
                {
                    "section": section,
                    "text": f"Analyse de la section.\n\n{AWKWARD_TEXTS[n % len(AWKWARD_TEXTS)]}",
                }
                for n, section in enumerate(dict.fromkeys(line["section"] for line in value))
            ]
    workshop_v2["follow_up"] = {
        "signed_on": f"{years[0]}-02-09",
        "indicators": [_indicator(n, topics[n % len(topics)], years, rng) for n in range(indicators)],
        "progress": [
            {"topic": topic, "year": year, "status": rng.choice(PROGRESS), "note": rng.choice(AWKWARD_TEXTS)}
            for topic in topics
            for year in years
        ],
        "meetings": [
            {
                "key": f"{kind}-{year}",
                "kind": kind,
                "held_on": f"{year}-{month:02d}-15",
                "attendees": ["Ville", "Caf du Nord", "Centres sociaux"],
                "decisions": [f"Décision {year} : {rng.choice(AWKWARD_TEXTS)}"],
            }
            for year in years
            for kind, month in (("cotech", 6), ("copil", 12))
        ],
    }
    return {**archive, "version": 2, "workshop": workshop_v2}


PROGRESS = ("not_started", "in_progress", "done", "dropped")


def _indicator(n: int, topic: str, years: list[int], rng: random.Random) -> dict[str, Any]:
    return {
        "key": f"ind-{n:03d}",
        "topic": topic,
        "label": f"Indicateur n°{n} : taux de « réussite »",
        "unit": "%" if n % 2 else "places",
        "baseline": {"year": years[0] - 1, "value": n},
        "target": {"year": years[-1], "value": n + 20.5},
        "values": [
            {
                "year": year,
                "value": round(n + rng.random() * 20, rng.choice((0, 1, 3))),
                "reported_by": "Caf du Nord" if rng.random() < 0.5 else None,
                "comment": rng.choice((None, *AWKWARD_TEXTS)),
            }
            for year in years
        ],
    }


def create_workshop(
    path: Path, size: WorkshopSize, *, code: str | None = None, seed: int = 1
) -> BenchWorkshop:
    """A new SQLite database at `path` holding the generated workshop (phase: collect)."""
    code = code or size.code
    url = f"sqlite:///{path}"
    engine = open_database(url)
    try:
        data = json.dumps(build_archive(size, code=code, seed=seed), ensure_ascii=False)
        with write_session(engine) as session:
            workshop = import_archive(session=session, data=data)
            view_token = ensure_view_token(session=session, workshop_id=workshop.id)
            topic_keys = tuple(t.key for t in workshop.topics)
            workshop_id = workshop.id
            participant = session.scalars(
                select(Participant).where(
                    Participant.workshop_id == workshop_id, Participant.key == BENCH_PARTICIPANT
                )
            ).one()
            participant_id, token = participant.id, participant.token
    finally:
        engine.dispose()
    return BenchWorkshop(
        size=size,
        database_url=url,
        path=path,
        workshop_id=workshop_id,
        code=code,
        view_token=view_token,
        participant_id=participant_id,
        participant_token=token,
        topic_keys=topic_keys,
    )
