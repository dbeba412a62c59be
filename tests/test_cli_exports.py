"""`python -m ctg_workshop export-convention | export-deliberation | export-data`."""

import csv
import io

import docx
import pytest

from ctg_workshop.cli.main import main
from ctg_workshop.documents.typography import french_typography as typeset


@pytest.fixture
def url(demo_engine) -> str:
    return demo_engine.url.render_as_string(hide_password=False)


def test_export_convention_writes_a_word_document(url, tmp_path, capsys):
    output = tmp_path / "convention.docx"
    assert main(["--database-url", url, "export-convention", "armdemo", "-o", str(output)]) == 0
    assert "Projet de convention écrit" in capsys.readouterr().out
    document = docx.Document(str(output))
    assert document.paragraphs[0].text == "Convention Territoriale Globale 2023/2026"
    assert len(document.inline_shapes) == 4


def test_export_deliberation_with_the_towns_details(url, tmp_path):
    output = tmp_path / "deliberation.docx"
    argv = ["--database-url", url, "export-deliberation", "ARMDEMO", "-o", str(output)]
    assert main([*argv, "--seance", "09/02/2023", "--numero", "DE23.027", "--bonus", "618 000"]) == 0
    text = "\n".join(p.text for p in docx.Document(str(output)).paragraphs)
    assert typeset("Séance du : 9 février 2023") in text
    assert "DE23.027" in text
    assert typeset("618 000 €") in text


def test_export_data_writes_a_csv_for_excel(url, tmp_path):
    output = tmp_path / "contributions.csv"
    assert main(["--database-url", url, "export-data", "ARMDEMO", "-o", str(output)]) == 0
    data = output.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig")), delimiter=";"))
    assert rows[0] == ["sujet", "quadrant", "texte", "organisation", "points", "votants", "regroupée sous"]
    assert len(rows) == 88


@pytest.mark.parametrize("command", ["export-convention", "export-deliberation", "export-data"])
def test_unknown_code_exits_2_with_a_french_message(url, tmp_path, capsys, command):
    output = tmp_path / "out"
    assert main(["--database-url", url, command, "NOPE42", "-o", str(output)]) == 2
    assert "Aucun atelier ne porte le code « NOPE42 »" in capsys.readouterr().err
    assert not output.exists()


@pytest.mark.parametrize("command", ["export-convention", "export-deliberation", "export-data"])
def test_help_is_in_french(command, capsys):
    with pytest.raises(SystemExit) as exit_:
        main([command, "--help"])
    assert exit_.value.code == 0
    out = capsys.readouterr().out
    assert "utilisation :" in out
    assert "code de l'atelier" in out


def test_a_bad_date_or_an_unwritable_file_exits_2(url, tmp_path, capsys):
    argv = ["--database-url", url, "export-deliberation", "ARMDEMO", "-o", str(tmp_path / "d.docx")]
    assert main([*argv, "--seance", "demain"]) == 2
    assert "JJ/MM/AAAA" in capsys.readouterr().err
    missing = tmp_path / "no-such-folder" / "x.csv"
    assert main(["--database-url", url, "export-data", "ARMDEMO", "-o", str(missing)]) == 2
    assert "Impossible d'écrire" in capsys.readouterr().err


def test_output_is_required(url, capsys):
    with pytest.raises(SystemExit) as exit_:
        main(["--database-url", url, "export-data", "ARMDEMO"])
    assert exit_.value.code == 2
    assert "arguments obligatoires manquants" in capsys.readouterr().err
