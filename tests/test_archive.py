"""Archive format v1: deterministic export, byte-identical round trip, all-or-nothing import."""

import copy
import datetime as dt
import json

import pytest
from sqlalchemy import func, select

from ctg_workshop.archive.dump import export_archive
from ctg_workshop.archive.load import import_archive, read_archive
from ctg_workshop.errors import ArchiveError, ConflictError, InvalidInputError
from ctg_workshop.storage.db import read_session, write_session
from ctg_workshop.storage.models import Item, Participant, Vote, Workshop

FIXED = dt.datetime(2026, 11, 23, 10, 0, 0)


def _import(engine, data, **options):
    with write_session(engine) as session:
        return import_archive(session=session, data=data, **options).code


def _export(engine, code):
    with read_session(engine) as session:
        return export_archive(session=session, code=code, exported_at=FIXED)


def _count(engine, model):
    with read_session(engine) as session:
        return session.scalar(select(func.count()).select_from(model))


def test_spec_example_round_trips_byte_for_byte(engine, example_archive):
    code = _import(engine, example_archive)
    assert code == "ARM2023"
    assert _export(engine, code) == example_archive


def test_export_import_export_is_identical(engine, demo_archive, sqlite_url):
    first = _export(engine, _import(engine, demo_archive))
    from ctg_workshop.storage.db import open_database

    other = open_database(sqlite_url.replace("ctg.sqlite3", "other.sqlite3"))
    second = _export(other, _import(other, first))
    other.dispose()
    assert second == first


def test_export_is_deterministic(demo_engine):
    assert _export(demo_engine, "ARMDEMO") == _export(demo_engine, "ARMDEMO")


def test_importer_accepts_any_order(sqlite_engine, example_archive):
    document = json.loads(example_archive)
    for key in ("participants", "items", "votes", "action_sheets"):
        document["workshop"][key].reverse()
    _import(sqlite_engine, json.dumps(document))
    exported = json.loads(_export(sqlite_engine, "ARM2023"))
    original = json.loads(example_archive)
    for key in ("participants", "items", "votes"):
        assert sorted(map(json.dumps, exported["workshop"][key])) == sorted(
            map(json.dumps, original["workshop"][key])
        )


def test_existing_code_refused_then_replaced_or_renamed(sqlite_engine, example_archive):
    _import(sqlite_engine, example_archive)
    with pytest.raises(ConflictError, match="ARM2023"):
        _import(sqlite_engine, example_archive)
    assert _import(sqlite_engine, example_archive, replace=True) == "ARM2023"
    assert _import(sqlite_engine, example_archive, as_code="ARM2027") == "ARM2027"
    assert _count(sqlite_engine, Workshop) == 2
    assert _count(sqlite_engine, Item) == 32
    with pytest.raises(InvalidInputError, match="invalide"):
        _import(sqlite_engine, example_archive, as_code="arm-1")


def _broken(example_archive, change):
    document = json.loads(example_archive)
    change(document["workshop"])
    return json.dumps(document, ensure_ascii=False)


def _set(path, value):
    def change(workshop):
        target = workshop
        for step in path[:-1]:
            target = target[step]
        target[path[-1]] = value

    return change


def _merge_chain(workshop):
    workshop["items"][2]["merged_into"] = "i2"  # i3 under i2 (same topic and quadrant)
    workshop["items"][1]["merged_into"] = "i3"  # and i2 under i3: a chain
    workshop["votes"] = [v for v in workshop["votes"] if v["item"] not in {"i2", "i3"}]


def _over_budget(workshop):
    workshop["votes"] += [
        {"item": "i3", "participant": "p1", "dots": 3},
        {"item": "i5", "participant": "p1", "dots": 1},
    ]


INVALID = {
    "unknown key": (_set(["colour"], "bleu"), "workshop.colour", "clé inconnue"),
    "unknown key in an item": (_set(["items", 0, "likes"], 3), "workshop.items[0].likes", "clé inconnue"),
    "bad topic reference": (_set(["items", 12, "topic"], "sport"), "workshop.items[12].topic", "sport"),
    "bad author reference": (_set(["items", 0, "author"], "p99"), "workshop.items[0].author", "p99"),
    "over budget": (_over_budget, "workshop.votes", "budget de 5"),
    "dots over the cap": (_set(["votes", 0, "dots"], 4), "workshop.votes[0].dots", "de 1 à 3"),
    "vote on a hidden item": (_set(["items", 1, "hidden"], True), "workshop.votes[0].item", "masquée"),
    "vote on a merged item": (_set(["items", 1, "merged_into"], "i3"), "workshop.votes[0].item", "regroupée"),
    "merge chain": (_merge_chain, "workshop.items[1].merged_into", "un niveau"),
    "merge across quadrants": (_set(["items", 3, "merged_into"], "i1"), "workshop.items[3].merged_into", "même"),
    "bad code": (_set(["code"], "arm 2023"), "workshop.code", "4 à 12"),
    "text too long": (_set(["items", 0, "text"], "x" * 501), "workshop.items[0].text", "500 au plus"),
    "text blank after normalisation": (_set(["items", 0, "text"], " \r\n\x00 "), "workshop.items[0].text", "vide"),
    "bad quadrant": (_set(["items", 0, "quadrant"], "force"), "workshop.items[0].quadrant", "strength"),
    "bad phase": (_set(["phase"], "draft"), "workshop.phase", "collect"),
    "duplicate theme": (_set(["themes", 1], "Petite Enfance"), "workshop.themes[1]", "déjà"),
    "duplicate item key": (_set(["items", 1, "key"], "i1"), "workshop.items[1].key", "déjà"),
    "bad date": (_set(["held_on"], "15/11/2022"), "workshop.held_on", "AAAA-MM-JJ"),
    "bad timestamp": (_set(["items", 0, "created_at"], "2022-11-15 09:10"), "workshop.items[0].created_at", "ISO"),
    "period reversed": (_set(["period_end"], 2020), "workshop.period_end", "précède"),
    "two sheets for a topic": (lambda w: w["action_sheets"].append(copy.deepcopy(w["action_sheets"][0])),
                               "workshop.action_sheets[2].topic", "une seule"),
}  # fmt: skip


@pytest.mark.parametrize("case", INVALID, ids=list(INVALID))
def test_invalid_archive_refused_with_its_path_and_nothing_written(sqlite_engine, example_archive, case):
    change, path, reason = INVALID[case]
    with pytest.raises(ArchiveError) as refused:
        _import(sqlite_engine, _broken(example_archive, change))
    matching = [p for p in refused.value.problems if p.path == path]
    assert matching, refused.value.problems
    assert reason in matching[0].reason
    assert _count(sqlite_engine, Workshop) == 0


def test_every_problem_is_reported_at_once(example_archive):
    def many(workshop):
        workshop["code"] = "x"
        workshop["items"][0]["quadrant"] = "?"
        workshop["votes"][0]["dots"] = 0

    with pytest.raises(ArchiveError) as refused:
        read_archive(_broken(example_archive, many))
    paths = {p.path for p in refused.value.problems}
    assert {"workshop.code", "workshop.items[0].quadrant", "workshop.votes[0].dots"} <= paths


@pytest.mark.parametrize(
    ("data", "path", "reason"),
    [
        (
            b'{"format": "ctg-workshop-archive", "version": 1, "workshop": {"code": "AR',
            "(fichier)",
            "tronqué",
        ),
        (b"\xff\xfe{}", "(fichier)", "UTF-8"),
        (b'{"format": "ctg-workshop-archive", "version": 2, "workshop": {}}', "version", "version 1"),
        (b'{"format": "autre", "version": 1, "workshop": {}}', "format", "ctg-workshop-archive"),
        (b"[]", "(racine)", "objet"),
    ],
)
def test_unreadable_files(sqlite_engine, data, path, reason):
    with pytest.raises(ArchiveError) as refused:
        _import(sqlite_engine, data)
    assert any(p.path == path and reason in p.reason for p in refused.value.problems), refused.value.problems
    assert _count(sqlite_engine, Workshop) == 0


def test_import_normalises_text(sqlite_engine, example_archive):
    document = json.loads(example_archive)
    document["workshop"]["items"][0]["text"] = "  Un maillage\r\nassocie\u0301  "
    _import(sqlite_engine, json.dumps(document))
    with read_session(sqlite_engine) as session:
        assert session.scalar(select(Item.text).where(Item.key == "i1")) == "Un maillage\nassocié"


def test_participants_get_unguessable_distinct_tokens(demo_engine):
    with read_session(demo_engine) as session:
        tokens = session.scalars(select(Participant.token)).all()
    assert len(set(tokens)) == len(tokens) == 25
    assert all(len(t) >= 22 for t in tokens)


def test_demo_archive_is_rich(demo_engine):
    assert _count(demo_engine, Item) >= 80
    assert _count(demo_engine, Vote) >= 100
    document = json.loads(_export(demo_engine, "ARMDEMO"))["workshop"]
    assert len(document["action_sheets"]) == 4
    assert len(document["diagnostic"]) >= 20
