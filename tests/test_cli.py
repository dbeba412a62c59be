"""The command line, run as a user runs it: `python -m ctg_workshop …`."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import DEMO_ARCHIVE

ROOT = Path(__file__).resolve().parents[1]


def run(*args, database_url):
    environment = {**os.environ, "CTG_DATABASE_URL": database_url}
    return subprocess.run(
        [sys.executable, "-m", "ctg_workshop", *args], cwd=ROOT, env=environment, capture_output=True,
        text=True, timeout=120,
    )  # fmt: skip


@pytest.fixture
def example_file(tmp_path, example_archive):
    path = tmp_path / "example.json"
    path.write_bytes(example_archive)
    return path


def test_import_prints_the_code_last_then_export_gives_back_the_same(sqlite_url, example_file, tmp_path):
    imported = run("import", str(example_file), database_url=sqlite_url)
    assert imported.returncode == 0, imported.stderr
    assert imported.stdout.splitlines()[-1] == "ARM2023"
    output = tmp_path / "out.json"
    exported = run("export-archive", "ARM2023", "-o", str(output), database_url=sqlite_url)
    assert exported.returncode == 0, exported.stderr
    original, again = json.loads(example_file.read_bytes()), json.loads(output.read_bytes())
    original.pop("exported_at"), again.pop("exported_at")
    # A version 1 file comes back as version 2: the same workshop, no analysis, an empty follow-up.
    assert again.pop("version") == 2 and original.pop("version") == 1
    assert again["workshop"].pop("narrative") == []
    assert again["workshop"].pop("follow_up") == {
        "signed_on": None,
        "indicators": [],
        "progress": [],
        "meetings": [],
    }
    assert again == original


def test_invalid_file_exits_2_with_problems_and_no_traceback(sqlite_url, tmp_path, example_archive):
    document = json.loads(example_archive)
    document["workshop"]["items"][3]["quadrant"] = "force"
    document["workshop"]["votes"][0]["dots"] = 9
    broken = tmp_path / "broken.json"
    broken.write_text(json.dumps(document), encoding="utf-8")
    result = run("import", str(broken), database_url=sqlite_url)
    assert result.returncode == 2
    assert "workshop.items[3].quadrant" in result.stderr
    assert "workshop.votes[0].dots" in result.stderr
    assert "Traceback" not in result.stderr
    assert "Aucun atelier" in run("list", database_url=sqlite_url).stdout


def test_existing_code_needs_replace_or_as_code(sqlite_url, example_file):
    assert run("import", str(example_file), database_url=sqlite_url).returncode == 0
    again = run("import", str(example_file), database_url=sqlite_url)
    assert again.returncode == 2 and "--replace" in again.stderr
    renamed = run("import", str(example_file), "--as-code", "ARM2027", database_url=sqlite_url)
    assert renamed.stdout.splitlines()[-1] == "ARM2027"
    assert run("import", str(example_file), "--replace", database_url=sqlite_url).returncode == 0
    both = run("import", str(example_file), "--replace", "--as-code", "X2", database_url=sqlite_url)
    assert both.returncode == 2 and "incompatible" in both.stderr


def test_demo_then_list(sqlite_url):
    first = run("demo", database_url=sqlite_url)
    assert first.returncode == 0, first.stderr
    assert "ARMDEMO" in first.stdout
    assert "déjà chargé" in run("demo", database_url=sqlite_url).stdout
    listing = run("list", database_url=sqlite_url).stdout.splitlines()
    assert listing[0].split()[:3] == ["Code", "Titre", "Phase"]
    demo = json.loads(DEMO_ARCHIVE.read_bytes())["workshop"]
    row = next(line for line in listing if line.startswith("ARMDEMO"))
    assert row.split()[-3:] == [
        str(len(demo["participants"])),
        str(len(demo["items"])),
        str(len(demo["votes"])),
    ]


def test_unknown_code_and_unreadable_database_exit_2_in_french(sqlite_url, tmp_path):
    unknown = run("export-archive", "NOPE", "-o", str(tmp_path / "x.json"), database_url=sqlite_url)
    assert unknown.returncode == 2 and "Aucun atelier ne porte le code « NOPE »" in unknown.stderr
    blocked = tmp_path / "not-a-dir"
    blocked.write_text("un fichier, pas un dossier")
    unreachable = run("list", database_url=f"sqlite:///{blocked}/ctg.sqlite3")
    assert unreachable.returncode == 2 and "base de données" in unreachable.stderr.lower()
    assert "Traceback" not in unreachable.stderr
    closed_port = run("list", database_url="postgresql+psycopg://ctg@127.0.0.1:1/ctg")
    assert closed_port.returncode == 2 and "Traceback" not in closed_port.stderr


def test_missing_file_exits_2(sqlite_url, tmp_path):
    result = run("import", str(tmp_path / "absent.json"), database_url=sqlite_url)
    assert result.returncode == 2 and "Impossible de lire" in result.stderr


def test_purge_names_then_export_one_participant(sqlite_url, tmp_path):
    assert run("demo", database_url=sqlite_url).returncode == 0
    before = tmp_path / "p1-avant.json"
    assert (
        run("export-participant", "ARMDEMO", "p1", "-o", str(before), database_url=sqlite_url).returncode == 0
    )
    assert json.loads(before.read_bytes())["participant"]["nom"] == "Nadia B."
    purged = run("purge-names", "ARMDEMO", database_url=sqlite_url)
    assert purged.returncode == 0 and "4 noms effacés" in purged.stdout
    after = tmp_path / "p1-apres.json"
    assert (
        run("export-participant", "ARMDEMO", "p1", "-o", str(after), database_url=sqlite_url).returncode == 0
    )
    data = json.loads(after.read_bytes())
    assert data["participant"] == {**data["participant"], "nom": None, "organisation": "CAF du Nord"}
    assert data["contributions"] == json.loads(before.read_bytes())["contributions"]
    unknown = run("export-participant", "ARMDEMO", "p999", "-o", str(after), database_url=sqlite_url)
    assert unknown.returncode == 2 and "Aucun participant" in unknown.stderr


@pytest.mark.parametrize(
    "command",
    [
        "import",
        "export-archive",
        "list",
        "demo",
        "migrate",
        "purge-names",
        "export-participant",
        "hash-secret",
    ],
)
def test_help_in_french(command, sqlite_url):
    result = run(command, "--help", database_url=sqlite_url)
    assert result.returncode == 0
    assert "utilisation :" in result.stdout and "afficher cette aide" in result.stdout
