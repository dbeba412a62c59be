"""The published JSON Schema of the archive: generated from the models, current, and matching
what the program writes."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

from ctg_workshop.archive.schema import json_schema
from ctg_workshop.cli.main import main

PUBLISHED = Path(__file__).resolve().parents[1] / "docs" / "archive.schema.json"


def test_the_published_schema_is_the_one_the_models_generate() -> None:
    assert PUBLISHED.read_bytes() == json_schema(), (
        "docs/archive.schema.json est périmé : python -m ctg_workshop schema -o docs/archive.schema.json"
    )


def test_the_follow_up_example_matches_the_schema(follow_up_archive: bytes) -> None:
    jsonschema.validate(json.loads(follow_up_archive), json.loads(json_schema()))


def test_the_schema_refuses_an_unknown_key_and_a_figure_given_as_text(follow_up_archive: bytes) -> None:
    schema = json.loads(json_schema())
    document = json.loads(follow_up_archive)
    document["workshop"]["follow_up"]["indicators"][0]["values"][0]["value"] = "18,5"
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(document, schema)
    document = json.loads(follow_up_archive)
    document["workshop"]["colour"] = "bleu"
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(document, schema)


def test_the_command_writes_the_schema(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "schema.json"
    assert main(["schema", "-o", str(target)]) == 0
    assert target.read_bytes() == json_schema()
    assert "schema.json" in capsys.readouterr().out
    assert main(["schema"]) == 0
    assert json.loads(capsys.readouterr().out)["title"].startswith("Archive d'atelier CTG")
