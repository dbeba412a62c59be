"""Benchmark 4: the draft convention (.docx) of the stress-sized workshop, against python-docx
writing the same text into a plain document.

The subject is what the « Rédiger » page does: `convention_data` (one read) then
`build_convention` (tables, the vote charts drawn to PNG, the table of contents), measured
twice per round: a first export (the chart cache emptied) and the next one (charts kept by
`charts.ranking_png`). The floor
takes every piece of text the subject's document holds — body paragraphs and the paragraphs of
every table cell, in order — and writes each as one paragraph of a blank python-docx document,
saved to memory: the same words, without tables, styles or pictures. They alternate.
"""

from __future__ import annotations

import datetime as dt
import io
import statistics
import time
from collections.abc import Callable

from docx import Document
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.text.paragraph import Paragraph
from sqlalchemy import Engine

from ctg_workshop.documents.charts import ranking_png
from ctg_workshop.documents.convention import build_convention, convention_data
from ctg_workshop.storage.db import open_database, read_session
from ctg_workshop.storage.models import Phase
from measure.benchmarks.results import Figure, Goal, Target
from measure.benchmarks.stats import Samples
from measure.benchmarks.workshop import BenchWorkshop
from measure.harness.demo import set_phase

TARGETS = (Target(Goal.AT_MOST, 2.0), Target(Goal.RATIO_AT_MOST, 3.0))
TODAY = dt.date(2026, 11, 23)


def document_texts(docx: bytes) -> list[str]:
    """Every non-empty paragraph of the document, table cells included, in document order
    (a merged cell once)."""
    body = Document(io.BytesIO(docx)).element.body
    texts = []
    for paragraph in body.iter(qn("w:p")):
        text = "".join(node.text or "" for node in paragraph.iter(qn("w:t")))
        if text:
            texts.append(text)
    return texts


def plain_document(texts: list[str]) -> bytes:
    """The floor: each text as one paragraph of a blank document, saved to memory.

    Paragraphs go in before the section properties that close the body, found once:
    `Document.add_paragraph` looks for them among all the body's children at every call,
    which makes tens of thousands of paragraphs quadratic."""
    document = Document()
    end = document.element.body.find(qn("w:sectPr"))
    for text in texts:
        paragraph = OxmlElement("w:p")
        end.addprevious(paragraph)
        Paragraph(paragraph, document._body).add_run(text)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def export_convention(engine: Engine, workshop_id: int) -> bytes:
    """What the coordinator's export does: read once, then build the .docx."""
    with read_session(engine) as session:
        data = convention_data(session=session, workshop_id=workshop_id, today=TODAY)
    return build_convention(data)


def bench_export(workshop: BenchWorkshop, count: int) -> list[Figure]:
    """`count` rounds of: a first export (no chart drawn yet), a plain document, the same
    export again (charts already drawn, as when the coordinator exports a second time).

    The warm-up export loads what a running server keeps between exports (imports, the chart
    font and its glyphs); the first export of a new process costs ~0.1 s more (in fresh
    processes, the font lookup and the first four charts took 0.13 to 0.15 s, then 0.055 s)."""
    engine = open_database(workshop.database_url)
    try:
        set_phase(workshop.database_url, workshop.code, Phase.CLOSED)
        first = export_convention(engine, workshop.workshop_id)  # warm-up: imports, renderer start
        texts = document_texts(first)
        plain_document(texts)
        cold, floor, warm = [], [], []
        cpu: dict[str, list[float]] = {"cold": [], "floor": [], "warm": []}
        for _ in range(count):
            ranking_png.cache_clear()
            cold.append(_seconds(lambda: export_convention(engine, workshop.workshop_id), cpu["cold"]))
            floor.append(_seconds(lambda: plain_document(texts), cpu["floor"]))
            warm.append(_seconds(lambda: export_convention(engine, workshop.workshop_id), cpu["warm"]))
    finally:
        engine.dispose()
    floor_title = f"python-docx, le même texte en {len(texts)} paragraphes simples"
    cpu_note = (
        f"temps CPU du processus (médianes ; la machine partagée allonge le temps écoulé, pas celui-ci) : "
        f"premier export {_cpu(cpu['cold'])}, export suivant {_cpu(cpu['warm'])}, plancher {_cpu(cpu['floor'])}"
    )
    notes = (f"document de {len(first) // 1024} Kio, {len(texts)} paragraphes de texte", cpu_note)
    return [
        Figure(
            "export.convention",
            "Projet de convention (.docx), premier export",
            workshop.size.scale,
            Samples.of(cold),
            Samples.of(floor),
            floor_title=floor_title,
            targets=TARGETS,
            notes=(*notes, "les quatre graphiques du vote sont dessinés (Pillow, `charts.ranking_png`)"),
        ),
        Figure(
            "export.again",
            "Projet de convention (.docx), export suivant",
            workshop.size.scale,
            Samples.of(warm),
            Samples.of(floor),
            floor_title=floor_title,
            targets=TARGETS,
            notes=(*notes, "graphiques déjà dessinés par l'export précédent (charts.ranking_png)"),
        ),
    ]


def _seconds(action: Callable[[], object], cpu: list[float]) -> float:
    """Elapsed seconds of `action`; its CPU seconds (every thread of this process) go to `cpu`."""
    started, started_cpu = time.perf_counter(), time.process_time()
    action()
    cpu.append(time.process_time() - started_cpu)
    return time.perf_counter() - started


def _cpu(values: list[float]) -> str:
    return f"{statistics.median(values):.2f} s".replace(".", ",") if values else "—"
