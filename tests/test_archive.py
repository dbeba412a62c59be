"""Archive format v2 (v1 still read): deterministic export, byte-identical round trip, all-or-nothing import."""

import copy
import datetime as dt
import json

import pytest
from sqlalchemy import func, select

from ctg_workshop.archive.dump import dump_archive, export_archive
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


def _as_version_2(version_1: bytes) -> dict:
    """A version 1 file as the spec says it is read: no analysis, an empty follow-up."""
    document = json.loads(version_1)
    document["version"] = 2
    workshop = {}
    for key, value in document["workshop"].items():
        workshop[key] = value
        if key == "diagnostic":
            workshop["narrative"] = []
    workshop["follow_up"] = {"signed_on": None, "indicators": [], "progress": [], "meetings": []}
    document["workshop"] = workshop
    return document


def test_a_version_1_file_is_read_and_exported_as_version_2(engine, example_archive):
    code = _import(engine, example_archive)
    assert code == "ARM2023"
    exported = _export(engine, code)
    assert exported == dump_archive(_as_version_2(example_archive))
    assert json.loads(exported)["version"] == 2


def test_the_follow_up_example_imports_and_exports_the_same_content(engine, follow_up_archive):
    code = _import(engine, follow_up_archive)
    exported = json.loads(_export(engine, code))
    original = json.loads(follow_up_archive)
    # The spec writes progress in topic order, then year; the example lists one entry out of order.
    topic_order = [t["key"] for t in original["workshop"]["topics"]]
    original["workshop"]["follow_up"]["progress"].sort(
        key=lambda p: (topic_order.index(p["topic"]), p["year"])
    )
    assert exported == original
    assert exported["workshop"]["narrative"][0]["section"] == "Le territoire"
    assert exported["workshop"]["follow_up"]["indicators"][3]["values"][2]["value"] == 202.5


def test_the_follow_up_example_round_trips_byte_for_byte(engine, follow_up_archive, sqlite_url):
    first = _export(engine, _import(engine, follow_up_archive))
    from ctg_workshop.storage.db import open_database

    other = open_database(sqlite_url.replace("ctg.sqlite3", "other.sqlite3"))
    second = _export(other, _import(other, first))
    other.dispose()
    assert second == first
    assert b'"value": 4\n' in first and b"4.0" not in first


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
        (b'{"format": "ctg-workshop-archive", "version": 3, "workshop": {}}', "version", "versions 1 et 2"),
        (
            b'{"format": "ctg-workshop-archive", "version": true, "workshop": {}}',
            "version",
            "versions 1 et 2",
        ),
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


def _broken_follow_up(follow_up_archive, change):
    document = json.loads(follow_up_archive)
    change(document["workshop"])
    return json.dumps(document, ensure_ascii=False)


def _two_values_for_one_year(workshop):
    values = workshop["follow_up"]["indicators"][0]["values"]
    values.append(dict(values[0]))


def _same_label_twice(workshop):
    indicators = workshop["follow_up"]["indicators"]
    indicators.append({**copy.deepcopy(indicators[0]), "key": "avs-bis"})


def _same_progress_twice(workshop):
    workshop["follow_up"]["progress"].append(dict(workshop["follow_up"]["progress"][0]))


def _duplicate_section(workshop):
    workshop["narrative"].append(dict(workshop["narrative"][0]))


FOLLOW_UP = "workshop.follow_up"
INVALID_VERSION_2 = {
    "value year outside the period": (_set(["follow_up", "indicators", 0, "values", 0, "year"], 2027),
                                      f"{FOLLOW_UP}.indicators[0].values[0].year", "hors de la période"),
    "baseline too early": (_set(["follow_up", "indicators", 0, "baseline", "year"], 2001),
                           f"{FOLLOW_UP}.indicators[0].baseline.year", "trop loin"),
    "two values for one year": (_two_values_for_one_year, f"{FOLLOW_UP}.indicators[0].values[3].year", "une seule"),
    "unknown status": (_set(["follow_up", "progress", 0, "status"], "late"), f"{FOLLOW_UP}.progress[0].status",
                       "in_progress"),
    "unknown topic": (_set(["follow_up", "indicators", 1, "topic"], "sport"), f"{FOLLOW_UP}.indicators[1].topic",
                      "sport"),
    "unknown meeting kind": (_set(["follow_up", "meetings", 0, "kind"], "ag"), f"{FOLLOW_UP}.meetings[0].kind",
                             "copil"),
    "value as text": (_set(["follow_up", "indicators", 0, "values", 0, "value"], "1"),
                      f"{FOLLOW_UP}.indicators[0].values[0].value", "nombre"),
    "four decimals": (_set(["follow_up", "indicators", 0, "values", 0, "value"], 1.2345),
                      f"{FOLLOW_UP}.indicators[0].values[0].value", "trois décimales"),
    "boolean value": (_set(["follow_up", "indicators", 0, "target", "value"], True),
                      f"{FOLLOW_UP}.indicators[0].target.value", "nombre"),
    "same label in a fiche": (_same_label_twice, f"{FOLLOW_UP}.indicators[5].label", "même intitulé"),
    "duplicate indicator key": (_set(["follow_up", "indicators", 1, "key"], "avs-groupes"),
                                f"{FOLLOW_UP}.indicators[1].key", "déjà"),
    "progress twice": (_same_progress_twice, f"{FOLLOW_UP}.progress[5]", "un seul état"),
    "progress year": (_set(["follow_up", "progress", 0, "year"], 2022), f"{FOLLOW_UP}.progress[0].year", "période"),
    "no follow_up in version 2": (lambda w: w.pop("follow_up"), FOLLOW_UP, "clé manquante"),
    "follow_up without a key": (lambda w: w["follow_up"].pop("meetings"), f"{FOLLOW_UP}.meetings", "manquante"),
    "duplicate narrative section": (_duplicate_section, "workshop.narrative[5].section", "une seule"),
    "narrative too long": (_set(["narrative", 0, "text"], "x" * 20_001), "workshop.narrative[0].text", "20000 au plus"),
    "meeting date": (_set(["follow_up", "meetings", 0, "held_on"], "12/01/2024"), f"{FOLLOW_UP}.meetings[0].held_on",
                     "AAAA-MM-JJ"),
    "unit too long": (_set(["follow_up", "indicators", 0, "unit"], "u" * 41), f"{FOLLOW_UP}.indicators[0].unit",
                      "40 au plus"),
}  # fmt: skip


@pytest.mark.parametrize("case", INVALID_VERSION_2, ids=list(INVALID_VERSION_2))
def test_invalid_follow_up_refused_with_its_path_and_nothing_written(sqlite_engine, follow_up_archive, case):
    change, path, reason = INVALID_VERSION_2[case]
    with pytest.raises(ArchiveError) as refused:
        _import(sqlite_engine, _broken_follow_up(follow_up_archive, change))
    matching = [p for p in refused.value.problems if p.path == path]
    assert matching, refused.value.problems
    assert reason in matching[0].reason, matching
    assert _count(sqlite_engine, Workshop) == 0


def test_a_key_written_twice_in_an_object_is_refused(follow_up_archive):
    text = follow_up_archive.decode().replace(
        '"unit": "groupes",', '"unit": "groupes", "unit": "groupes",', 1
    )
    with pytest.raises(ArchiveError) as refused:
        read_archive(text)
    assert [str(p) for p in refused.value.problems] == [
        "workshop.follow_up.indicators[0].unit : la clé « unit » figure deux fois dans cet objet"
    ]


def test_a_version_1_file_cannot_carry_version_2_keys(example_archive):
    document = json.loads(example_archive)
    document["workshop"]["narrative"] = []
    with pytest.raises(ArchiveError) as refused:
        read_archive(json.dumps(document))
    assert refused.value.problems[0].path == "workshop.narrative"
    assert '"version": 2' in refused.value.problems[0].reason


def test_problems_of_shape_and_of_references_are_reported_together(follow_up_archive):
    def many(workshop):
        workshop["follow_up"]["indicators"][0]["values"][0]["value"] = "18,5"
        workshop["follow_up"]["indicators"][1]["topic"] = "sport"
        workshop["items"][0]["topic"] = "inconnu"
        workshop["vote_budget"] = "cinq"

    with pytest.raises(ArchiveError) as refused:
        read_archive(_broken_follow_up(follow_up_archive, many))
    paths = {p.path for p in refused.value.problems}
    assert {
        "workshop.follow_up.indicators[0].values[0].value",
        "workshop.follow_up.indicators[1].topic",
        "workshop.items[0].topic",
        "workshop.vote_budget",
    } <= paths
    assert not [p for p in refused.value.problems if "should" in p.reason or p.reason == "valeur invalide"]


def test_a_large_version_2_workshop_round_trips_byte_for_byte(engine, sqlite_url):
    from measure.benchmarks.workshop import WorkshopSize, build_follow_up_archive

    size = WorkshopSize(1.0)
    data = json.dumps(build_follow_up_archive(size, code="GRAND2"), ensure_ascii=False)
    first = _export(engine, _import(engine, data))
    document = json.loads(first)["workshop"]
    assert len(document["items"]) == 1200
    assert len(document["follow_up"]["indicators"]) == 30
    assert {len(i["values"]) for i in document["follow_up"]["indicators"]} == {4}
    comments = {v["comment"] for i in document["follow_up"]["indicators"] for v in i["values"]}
    assert "Colonne collée d'un tableur" in comments  # a tab became a space
    assert "Texte inversé puis normal" in comments  # bidirectional controls removed
    assert "Ligne 1\n\nLigne 2" in comments  # blank-line runs collapsed
    assert "**Gras** <script>alert(1)</script> [lien](https://exemple.fr)" in comments  # kept literally
    from ctg_workshop.storage.db import open_database

    other = open_database(sqlite_url.replace("ctg.sqlite3", "other.sqlite3"))
    second = _export(other, _import(other, first))
    other.dispose()
    assert second == first
