"""LibreOffice's pass over the documents: the Sommaire's page numbers in the .docx, the PDF, two
exports at once, and a French message when LibreOffice is absent."""

from __future__ import annotations

import io
import shutil
import subprocess
import threading
import zipfile

import docx
import pytest

from ctg_workshop.archive.load import import_archive
from ctg_workshop.documents import office
from ctg_workshop.documents.convention import build_convention, convention_data
from ctg_workshop.documents.formats import document_bytes, format_of
from ctg_workshop.errors import InvalidInputError
from ctg_workshop.storage.db import read_session, write_session

needs_office = pytest.mark.skipif(
    not office.available(), reason="LibreOffice absent (libreoffice-writer-nogui)"
)


@pytest.fixture(scope="module")
def data(tmp_path_factory, follow_up_archive):
    from ctg_workshop.storage.db import open_database

    engine = open_database(f"sqlite:///{tmp_path_factory.mktemp('office') / 'ctg.sqlite3'}")
    with write_session(engine) as session:
        workshop_id = import_archive(session=session, data=follow_up_archive).id
    with read_session(engine) as session:
        yield convention_data(session=session, workshop_id=workshop_id)
    engine.dispose()


def _build(data):
    return lambda pages: build_convention(data, toc_pages=pages)


def _level_1(document) -> list[str]:
    return [p.text for p in document.paragraphs if p.style.name == "Heading 1"]


@needs_office
def test_the_docx_opens_with_a_page_number_for_every_heading_of_its_sommaire(data):
    result = document_bytes(_build(data), "docx", has_contents=True)
    document = docx.Document(io.BytesIO(result))
    entries = {}
    for paragraph in document.paragraphs:
        title, tab, page = paragraph.text.rpartition("\t")
        if tab and page.isdigit():
            entries[title] = int(page)
    assert set(_level_1(document)) <= set(entries)
    assert entries["La Convention Territoriale Globale"] == 2
    assert list(entries.values()) == sorted(entries.values())  # in the order of the pages
    with zipfile.ZipFile(io.BytesIO(result)) as package:
        assert b"updateFields" not in package.read("word/settings.xml")


@needs_office
@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="pdftotext absent (poppler-utils)")
def test_the_pdf_s_table_of_contents_gives_a_page_for_every_level_1_heading(data):
    pdf = document_bytes(_build(data), "pdf", has_contents=True)
    assert pdf.startswith(b"%PDF")
    text = subprocess.run(
        ["pdftotext", "-layout", "-", "-"], input=pdf, capture_output=True, check=True
    ).stdout
    lines = text.decode("utf-8").splitlines()
    document = docx.Document(io.BytesIO(build_convention(data)))
    for heading in _level_1(document):
        entry = next((line for line in lines if line.strip().startswith(heading) and "..." in line), None)
        assert entry is not None and entry.rstrip()[-1].isdigit(), heading


@needs_office
def test_two_exports_at_once_do_not_collide(data):
    results: list[bytes] = []
    errors: list[BaseException] = []

    def export() -> None:
        try:
            results.append(office.to_pdf(build_convention(data)))
        except BaseException as error:
            errors.append(error)

    threads = [threading.Thread(target=export) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == [] and len(results) == 2 and all(r.startswith(b"%PDF") for r in results)


def test_without_libreoffice_a_pdf_is_refused_in_french_and_a_docx_still_comes(data, monkeypatch):
    monkeypatch.setenv("CTG_SOFFICE", "")
    with pytest.raises(office.OfficeUnavailableError, match="apt install libreoffice-writer-nogui"):
        document_bytes(_build(data), "pdf", has_contents=True)
    plain = document_bytes(_build(data), "docx", has_contents=True)
    with zipfile.ZipFile(io.BytesIO(plain)) as package:
        assert b"updateFields" in package.read("word/settings.xml")  # Word will offer to number it


def test_the_format_follows_the_extension():
    assert format_of("convention.PDF") == "pdf" and format_of("c.docx") == "docx"
    with pytest.raises(InvalidInputError, match=r"\.docx \(Word\) ou par \.pdf"):
        format_of("convention.odt")
