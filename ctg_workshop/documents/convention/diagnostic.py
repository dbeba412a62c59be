"""The convention's diagnostic: how the axes were determined, then section by section the
written analysis and the territory's figures."""

from __future__ import annotations

from docx.enum.text import WD_ALIGN_PARAGRAPH

from ctg_workshop.documents.convention.data import ConventionData
from ctg_workshop.documents.facts import french_date
from ctg_workshop.documents.word import (
    GREY,
    WordDocument,
    add_placeholder,
    cell_text,
    keep_row_together,
    label_row,
    repeat_as_header,
)
from ctg_workshop.drafting.diagnostic import DiagnosticEntry
from ctg_workshop.drafting.narrative import Analysis
from ctg_workshop.wording import plural


def add_diagnostic(doc: WordDocument, data: ConventionData) -> None:
    w, p = data.workshop, data.participation
    doc.heading("Le diagnostic et la détermination des axes de développement", 1)
    doc.paragraph(
        "Avant même de pouvoir se projeter sur l'avenir, il est nécessaire de porter un regard attentif à "
        "son environnement et à son évolution. La phase de diagnostic intervient alors comme un élément clé "
        "pour se rapprocher des réalités du territoire concerné et envisager son développement de manière "
        "partagée."
    )
    held = f", le {french_date(w.held_on)}," if w.held_on else ""
    doc.paragraph(
        "Les partenaires locaux ont été associés en deux temps : un recueil de leurs constats au format "
        "SWOT (forces, faiblesses, opportunités et menaces) sur chacun des sujets d'étude, puis une "
        f"journée participative{held} au cours de laquelle les contributions ont été croisées, les doublons "
        "regroupés et les idées force priorisées par un vote."
    )
    doc.paragraph(
        f"{plural(p.participants, 'participant')} représentant "
        f"{plural(p.organisations, 'organisation')} ont formulé {plural(p.items, 'contribution')} ; "
        f"{plural(p.voters, 'votant')} {'ont' if p.voters > 1 else 'a'} réparti "
        f"{plural(p.dots, 'point')} ({plural(w.vote_budget, 'point')} par personne et par sujet). "
        "En parallèle, un recueil de données chiffrées a été effectué."
    )
    doc.paragraph(
        "Ces données nous permettent ainsi de nous positionner sur les axes de développement qui conduiront "
        f"notre action par le biais de la CTG {w.period}."
    )
    sections: dict[str, list[DiagnosticEntry]] = {}
    for line in data.diagnostic:
        sections.setdefault(line.section, []).append(line)
    if not sections and not data.narrative:
        add_placeholder(doc.paragraph(), "Chiffres du territoire à compléter (page « Diagnostic »)")
    analyses = {analysis.section: analysis for analysis in data.narrative}
    headings = [*sections, *(section for section in analyses if section not in sections)]
    for section in headings:
        doc.heading(section, 2)
        _analysis(doc, analyses.get(section))
        if section in sections:
            _figures_table(doc, sections[section])


def _analysis(doc: WordDocument, analysis: Analysis | None) -> None:
    """The section's written analysis, paragraph by paragraph; a highlighted reminder when the
    coordinator has not written it yet."""
    paragraphs = analysis.paragraphs if analysis is not None else []
    if not paragraphs:
        add_placeholder(doc.paragraph(), "Analyse à rédiger")
    for text in paragraphs:
        doc.paragraph(text, align=WD_ALIGN_PARAGRAPH.JUSTIFY)


def _figures_table(doc: WordDocument, lines: list[DiagnosticEntry]) -> None:
    table = doc.table(len(lines) + 1, 3, (7.4, 3.4, 5.8))
    label_row(table.rows[0], ("Indicateur", "Valeur", "Précision"))
    repeat_as_header(table.rows[0])
    for row, line in zip(table.rows[1:], lines, strict=True):
        cells = row.cells
        cell_text(cells[0], line.label)
        cell_text(cells[1], line.value, bold=True, align=WD_ALIGN_PARAGRAPH.RIGHT)
        cell_text(cells[2], line.note or "", size=9.5, color=GREY)
        keep_row_together(row)
