"""« Axes de développement »: one fiche action per topic as the seed's two-column table, then
the signatures of the Maire and the CAF's director."""

from __future__ import annotations

from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Pt

from ctg_workshop.documents.convention.data import ConventionData
from ctg_workshop.documents.facts import of_town
from ctg_workshop.documents.word import (
    CONTENT_WIDTH_CM,
    TITLE_FILL,
    WHITE,
    WordDocument,
    add_placeholder,
    add_run,
    cell_bullets,
    cell_paragraph,
    cell_text,
    keep_row_together,
    label_row,
    merge_row,
    repeat_as_header,
    shade,
    text_or_placeholder,
)
from ctg_workshop.drafting.sheets import SheetData


def add_action_sheets(doc: WordDocument, data: ConventionData) -> None:
    doc.heading(f"Axes de développement de la CTG - {data.workshop.territory}", 1, page_break=True)
    doc.paragraph(
        "Chaque sujet d'étude se traduit par une fiche action : ses objectifs opérationnels, ses modalités "
        "de mise en œuvre, les services et partenaires mobilisés, les résultats attendus et les indicateurs "
        "d'évaluation."
    )
    for number, topic in enumerate(data.topics, start=1):
        sheet = topic.sheet or SheetData(topic_key=topic.key, title=topic.title)
        doc.heading(f"Fiche action n°{number} : {sheet.title or topic.title}", 2, page_break=number > 1)
        if topic.sheet is None:
            add_placeholder(doc.paragraph(), "Fiche action non rédigée : à compléter")
        # The banner repeats on each page of the table: the number only, the title is in the
        # heading above and in « Titre action » (the seed's form).
        _sheet_table(doc, sheet, f"Fiche action n°{number}")
    _signatures(doc, data)


def _signatures(doc: WordDocument, data: ConventionData) -> None:
    """The page the Maire and the CAF's director sign."""
    w = data.workshop
    # After the last fiche's end, not on a page of its own (a page break left one ~20 % full);
    # the heading, the place and the two blocks stay together.
    heading = doc.heading("Signatures", 1)
    heading.paragraph_format.keep_with_next = True
    place = doc.paragraph(f"Fait à {w.territory}, le ")
    place.paragraph_format.keep_with_next = True
    add_placeholder(place, "date de la signature")
    add_run(place, ", en deux exemplaires originaux.")
    table = doc.table(1, 2, (CONTENT_WIDTH_CM / 2, CONTENT_WIDTH_CM / 2))
    table.style = None  # a signature block, not a grid
    for cell, (body, role) in zip(
        table.rows[0].cells,
        (
            (f"Pour la Ville {of_town(w.territory)},", "Le Maire"),
            (f"Pour la {w.partner_body},", "Le Directeur"),
        ),
        strict=True,
    ):
        cell_text(cell, body, bold=True)
        cell_text(cell, role)
        add_placeholder(cell_paragraph(cell), "Nom, signature et cachet")
        for _ in range(4):
            cell_paragraph(cell)
    keep_row_together(table.rows[0])
    repeat_as_header(table.rows[0])  # one row: it never splits, and every table starts with a header


def _sheet_table(doc: WordDocument, sheet: SheetData, banner_text: str) -> None:
    half = CONTENT_WIDTH_CM / 2
    table = doc.table(9, 2, (half, half))
    rows = table.rows
    banner = merge_row(rows[0])
    cell_text(banner, banner_text, bold=True, color=WHITE, align=WD_ALIGN_PARAGRAPH.CENTER)
    shade(banner, TITLE_FILL)
    repeat_as_header(rows[0])
    keep_row_together(rows[0])

    label_row(rows[1], ("Titre action :", "Public cible"))
    title = cell_paragraph(rows[2].cells[0])
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    text_or_placeholder(title, sheet.title, bold=True)
    _paragraphs(rows[2].cells[1], sheet.target_public)

    label_row(rows[3], ("Objectifs opérationnels", "Modalités de mise en œuvre"))
    _objectives(rows[4].cells[0], sheet)
    right = rows[4].cells[1]
    cell_bullets(right, list(sheet.implementation))
    schedule = cell_paragraph(right)
    schedule.paragraph_format.space_before = Pt(8)
    add_run(schedule, "Échéances de réalisation", bold=True)
    _paragraphs(right, sheet.schedule)

    label_row(rows[5], ("Services mobilisés et responsables de l'action", "Résultats attendus"))
    left = rows[6].cells[0]
    lead = cell_paragraph(left)
    add_run(lead, "Responsable de l'action : ", bold=True)
    text_or_placeholder(lead, sheet.lead)
    services = cell_paragraph(left)
    add_run(services, "Services mobilisés : ", bold=True)
    text_or_placeholder(services, ", ".join(sheet.services))
    cell_bullets(rows[6].cells[1], list(sheet.expected_results))

    label_row(rows[7], ("Partenaires sollicités (Liste non exhaustive)", "Indicateurs d'évaluation"))
    cell_bullets(rows[8].cells[0], list(sheet.partners))
    cell_bullets(rows[8].cells[1], list(sheet.indicators))
    for short in (rows[2], rows[6]):
        keep_row_together(short)


def _paragraphs(cell, text: str) -> None:
    parts = [part for part in text.split("\n") if part.strip()]
    if not parts:
        add_placeholder(cell_paragraph(cell))
    for part in parts:
        add_run(cell_paragraph(cell), part)


def _objectives(cell, sheet: SheetData) -> None:
    if not sheet.operational_objectives:
        add_placeholder(cell_paragraph(cell))
    for number, objective in enumerate(sheet.operational_objectives, start=1):
        heading = cell_paragraph(cell)
        heading.paragraph_format.keep_with_next = True
        if number > 1:
            heading.paragraph_format.space_before = Pt(4)
        add_run(heading, f"{number}. ", bold=True, italic=True)
        text_or_placeholder(heading, objective.heading, italic=True, bold=True)
        for point in objective.points:
            add_run(cell_paragraph(cell, style="List Bullet 2"), point)
