"""The convention's study topics: each one's summary and objectives, its SWOT synthesis (the
most supported contributions of each quadrant) and its vote chart."""

from __future__ import annotations

from docx.enum.text import WD_ALIGN_PARAGRAPH

from ctg_workshop.day.results import RankedItem
from ctg_workshop.documents.charts import ranking_alt_text, ranking_png
from ctg_workshop.documents.convention.data import ConventionData, TopicFacts
from ctg_workshop.documents.facts import top_items
from ctg_workshop.documents.palette import QUADRANT_FILLS
from ctg_workshop.documents.word import (
    CONTENT_WIDTH_CM,
    GREY,
    WordDocument,
    add_run,
    cell_paragraph,
    cell_text,
    keep_row_together,
    repeat_as_header,
    shade,
)
from ctg_workshop.storage.models import Quadrant
from ctg_workshop.wording import QUADRANT_LABELS, plural

SWOT_ITEMS = 5
CHART_ITEMS = 10


def add_topics(doc: WordDocument, data: ConventionData) -> None:
    doc.heading("Les sujets d'étude", 1, page_break=True)
    for number, topic in enumerate(data.topics, start=1):
        doc.heading(topic.title, 2, page_break=number > 1)
        if topic.summary:
            doc.paragraph(topic.summary)
        if topic.objectives:
            label = "Objectifs :" if len(topic.objectives) > 1 else "Objectif :"
            doc.paragraph(label, bold=True)
            doc.bullets(list(topic.objectives))
        doc.heading("Synthèse SWOT", 3)
        doc.paragraph(
            f"Les contributions les plus soutenues de chaque quadrant ({SWOT_ITEMS} au plus), avec les "
            "points reçus lors du vote.",
            italic=True,
        )
        _swot_table(doc, topic.ranking)
        doc.heading("Résultats du vote", 3)
        _vote_chart(doc, topic, number)


def _points(item: RankedItem) -> str:
    return plural(item.dots, "point")


def _swot_table(doc: WordDocument, ranking: tuple[RankedItem, ...]) -> None:
    table = doc.table(4, 2, (CONTENT_WIDTH_CM / 2, CONTENT_WIDTH_CM / 2))
    pairs = ((Quadrant.STRENGTH, Quadrant.WEAKNESS), (Quadrant.OPPORTUNITY, Quadrant.THREAT))
    for row_index, pair in enumerate(pairs):
        header, body = table.rows[2 * row_index], table.rows[2 * row_index + 1]
        for column, quadrant in enumerate(pair):
            cell = header.cells[column]
            cell_text(cell, QUADRANT_LABELS[quadrant], bold=True)
            shade(cell, QUADRANT_FILLS[quadrant])
            items = top_items(ranking, quadrant.value, SWOT_ITEMS)
            target = body.cells[column]
            if not items:
                written = any(item.quadrant == quadrant.value for item in ranking)
                reason = "Aucune contribution n'a reçu de point." if written else "Aucune contribution."
                cell_text(target, reason, italic=True, color=GREY)
            for item in items:
                paragraph = cell_paragraph(target, style="List Bullet")
                add_run(paragraph, item.text)
                add_run(paragraph, f" — {_points(item)}", bold=True, color=GREY)
        keep_row_together(header)
        keep_row_together(body)
        for cell in header.cells:
            cell.paragraphs[0].paragraph_format.keep_with_next = True
    repeat_as_header(table.rows[0])


def _vote_chart(doc: WordDocument, topic: TopicFacts, number: int) -> None:
    voted = [item for item in topic.ranking if item.dots > 0]
    if not voted:
        doc.paragraph("Aucun point n'a été attribué sur ce sujet.", italic=True)
        return
    shown = min(len(voted), CHART_ITEMS)
    title = f"{topic.title} : points reçus"
    # The bars shown and the next item: a tie with the first one left out still reads « ex æquo ».
    top = tuple(voted[: CHART_ITEMS + 1])
    png = ranking_png(top, title=title, limit=CHART_ITEMS, width=420)
    doc.picture(
        png, width_cm=CONTENT_WIDTH_CM, alt_text=ranking_alt_text(top, title=title, limit=CHART_ITEMS)
    )
    doc.paragraph(
        f"Figure {number} — Les {plural(shown, 'contribution')} ayant reçu le plus de points "
        f"(couleur : quadrant SWOT).",
        italic=True,
        align=WD_ALIGN_PARAGRAPH.CENTER,
    )
