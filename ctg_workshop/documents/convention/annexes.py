"""The convention's annexes: every contribution kept, by topic and quadrant, with its points
and voters (merged duplicates under their representative); the contributing organisations."""

from __future__ import annotations

from docx.enum.text import WD_ALIGN_PARAGRAPH

from ctg_workshop.day.results import RankedItem
from ctg_workshop.documents.convention.data import ConventionData
from ctg_workshop.documents.palette import QUADRANT_FILLS
from ctg_workshop.documents.word import (
    GREY,
    WordDocument,
    cell_text,
    keep_row_together,
    label_row,
    merge_row,
    plain_cells,
    repeat_as_header,
    shade,
)
from ctg_workshop.storage.models import Quadrant
from ctg_workshop.wording import QUADRANT_LABELS, plural


def add_annexes(doc: WordDocument, data: ConventionData) -> None:
    doc.heading("Annexes", 1, page_break=True)
    doc.heading("Annexe 1 — Contributions des partenaires par sujet", 2)
    doc.paragraph(
        "Toutes les contributions retenues, par sujet et par quadrant, classées selon les points reçus "
        "lors du vote (puis le nombre de votants). Les doublons regroupés figurent sous la contribution "
        "qui les représente ; les contributions écartées par l'animation ne figurent pas."
    )
    for topic in data.topics:
        doc.heading(topic.title, 3)
        if not topic.ranking:
            doc.paragraph("Aucune contribution sur ce sujet.", italic=True)
            continue
        _contributions_table(doc, topic.ranking)
    doc.heading("Annexe 2 — Organisations contributrices", 2, page_break=True)
    doc.paragraph(
        f"{plural(len(data.organisations), 'organisation')} "
        f"{'ont' if len(data.organisations) > 1 else 'a'} pris part au recueil ou au vote."
    )
    table = doc.table(len(data.organisations) + 1, 2, (12.6, 4.0))
    label_row(table.rows[0], ("Organisation", "Contributions écrites"))
    repeat_as_header(table.rows[0])
    for row, organisation in zip(table.rows[1:], data.organisations, strict=True):
        cell_text(row.cells[0], organisation.name)
        cell_text(row.cells[1], str(organisation.contributions), align=WD_ALIGN_PARAGRAPH.RIGHT)


def _contributions_table(doc: WordDocument, ranking: tuple[RankedItem, ...]) -> None:
    by_quadrant = {q: [i for i in ranking if i.quadrant == q.value] for q in Quadrant}
    count = sum(1 + len(items) for items in by_quadrant.values() if items) + sum(
        len(i.members) for i in ranking
    )
    table = doc.table(count + 1, 4, (8.0, 4.3, 2.0, 2.3))
    label_row(table.rows[0], ("Contribution", "Organisation", "Points", "Votants"))
    repeat_as_header(table.rows[0])
    rows = iter(table.rows[1:])
    for quadrant, items in by_quadrant.items():
        if not items:
            continue
        band = merge_row(next(rows))
        cell_text(band, f"{QUADRANT_LABELS[quadrant]} ({plural(len(items), 'contribution')})", bold=True)
        shade(band, QUADRANT_FILLS[quadrant])
        band.paragraphs[0].paragraph_format.keep_with_next = True
        for item in items:
            row = next(rows)
            keep_row_together(row)  # an annex row never splits across two pages
            cells = plain_cells(row)
            cell_text(cells[0], item.text)
            cell_text(cells[1], item.organisation or "", size=9.5)
            cell_text(cells[2], str(item.dots), bold=True, align=WD_ALIGN_PARAGRAPH.RIGHT)
            cell_text(cells[3], str(item.voters), align=WD_ALIGN_PARAGRAPH.RIGHT)
            for member in item.members:
                cells = plain_cells(next(rows))
                cell_text(cells[0], f"↳ regroupée : {member.text}", italic=True, size=9.5, color=GREY)
                cell_text(cells[1], member.organisation or "", size=9.5, color=GREY)
