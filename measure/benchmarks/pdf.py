"""Benchmark 6: the draft convention as PDF (LibreOffice's pass: the Sommaire's page numbers,
then the PDF), against LibreOffice converting a one-paragraph document — what any PDF export
through LibreOffice costs at least (a process, its profile, the layout engine's start)."""

from __future__ import annotations

import time

from docx import Document

from ctg_workshop.documents import office
from ctg_workshop.documents.convention import build_convention, convention_data
from ctg_workshop.documents.formats import document_bytes
from ctg_workshop.storage.db import open_database, read_session
from measure.benchmarks.results import Figure, Goal, Target
from measure.benchmarks.stats import Samples
from measure.benchmarks.workshop import BenchWorkshop

# The goal: under 5 s at 1×; the ratio to the floor is reported (the floor lays out one
# paragraph, the convention some sixty pages).
TARGETS = (Target(Goal.AT_MOST, 5.0),)


def _one_paragraph() -> bytes:
    import io

    document = Document()
    document.add_paragraph("Convention Territoriale Globale")
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _seconds(action) -> float:
    started = time.perf_counter()
    action()
    return time.perf_counter() - started


def bench_pdf(workshop: BenchWorkshop, count: int) -> list[Figure]:
    if not office.available():
        return []  # the report says which rows are missing; LibreOffice is a system package
    engine = open_database(workshop.database_url)
    try:
        with read_session(engine) as session:
            data = convention_data(session=session, workshop_id=workshop.workshop_id)
    finally:
        engine.dispose()
    plain = _one_paragraph()

    def convention_pdf() -> bytes:
        return document_bytes(lambda pages: build_convention(data, toc_pages=pages), "pdf", has_contents=True)

    office.to_pdf(plain)  # the profile template, made once per machine
    subject, floor = [], []
    for _ in range(max(count, 2)):
        subject.append(_seconds(convention_pdf))
        floor.append(_seconds(lambda: office.to_pdf(plain)))
    return [
        Figure(
            "export.pdf",
            "Projet de convention en PDF (LibreOffice : sommaire paginé, PDF)",
            workshop.size.scale,
            Samples.of(subject),
            Samples.of(floor),
            floor_title="LibreOffice convertissant un document d'un paragraphe",
            targets=TARGETS,
            notes=("un passage de LibreOffice par export, dans son propre profil (documents/office.py)",),
        )
    ]
