"""The draft convention (Word), laid out like the seed convention of Armentières.

`convention_data(session=…, workshop_id=…)` gathers everything once; `build_convention(data)`
turns it into .docx bytes without touching the database. Structure: title page and table of
contents; what a CTG is; the diagnostic (how the axes were determined, the territory's figures
as tables by section); the themes; the study topics (objectives, SWOT synthesis, vote chart);
"Axes de développement" with one fiche action per topic as the seed's two-column table; the
annexes (every contribution with its points, the contributing organisations).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Pt
from sqlalchemy.orm import Session

from ctg_workshop.day.results import RankedItem, rankings
from ctg_workshop.documents.charts import ranking_alt_text, ranking_png
from ctg_workshop.documents.facts import (
    OrganisationCount,
    Participation,
    WorkshopFacts,
    contributing_organisations,
    french_date,
    french_list,
    of_town,
    participation,
    top_items,
    workshop_facts,
)
from ctg_workshop.documents.office import Paginated, paginate
from ctg_workshop.documents.word import (
    GREY,
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
    plain_cells,
    repeat_as_header,
    shade,
    text_or_placeholder,
)
from ctg_workshop.drafting.diagnostic import DiagnosticEntry, list_lines
from ctg_workshop.drafting.narrative import Analysis, list_narrative
from ctg_workshop.drafting.sheets import SheetData, list_sheets
from ctg_workshop.storage.lookups import workshop_by_id
from ctg_workshop.storage.models import Quadrant
from ctg_workshop.wording import QUADRANT_LABELS, plural

SWOT_ITEMS = 5
CHART_ITEMS = 10
CONTENT_WIDTH_CM = 16.6
QUADRANT_FILLS = {
    Quadrant.STRENGTH: "D5EFE6",
    Quadrant.WEAKNESS: "F7DCCB",
    Quadrant.OPPORTUNITY: "D3E5F3",
    Quadrant.THREAT: "F3DDEA",
}
MIME_DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


@dataclass(frozen=True)
class TopicFacts:
    key: str
    title: str
    summary: str | None
    objectives: tuple[str, ...]
    ranking: tuple[RankedItem, ...]
    sheet: SheetData | None


@dataclass(frozen=True)
class ConventionData:
    workshop: WorkshopFacts
    diagnostic: tuple[DiagnosticEntry, ...]
    # The written analysis per heading, in the diagnostic's order (`drafting/narrative.py`).
    narrative: tuple[Analysis, ...]
    topics: tuple[TopicFacts, ...]
    organisations: tuple[OrganisationCount, ...]
    participation: Participation
    generated_on: dt.date


def convention_data(*, session: Session, workshop_id: int, today: dt.date | None = None) -> ConventionData:
    """Everything the convention prints, read in one go (hidden items and names excluded)."""
    workshop = workshop_by_id(session=session, workshop_id=workshop_id)
    ranked = rankings(session=session, workshop_id=workshop_id)
    sheets = list_sheets(session=session, workshop_id=workshop_id)
    organisations = contributing_organisations(session=session, workshop_id=workshop_id)
    topics = tuple(
        TopicFacts(
            key=t.key,
            title=t.title,
            summary=t.summary,
            objectives=tuple(t.objectives),
            ranking=tuple(ranked.get(t.id, ())),
            sheet=sheets.get(t.key),
        )
        for t in workshop.topics
    )
    return ConventionData(
        workshop=workshop_facts(workshop),
        diagnostic=tuple(list_lines(session=session, workshop_id=workshop_id)),
        narrative=tuple(list_narrative(session=session, workshop_id=workshop_id)),
        topics=topics,
        organisations=organisations,
        participation=participation(session=session, workshop_id=workshop_id, organisations=organisations),
        generated_on=today or dt.date.today(),
    )


# --------------------------------------------------------------------------- the document


def build_convention(data: ConventionData, *, toc_pages: Sequence[int] | None = None) -> bytes:
    """The draft convention as .docx bytes (a pure function of `data`); `toc_pages`: its
    Sommaire's page numbers as LibreOffice laid them out (`convention_files`)."""
    w = data.workshop
    doc = WordDocument(
        title=f"Convention Territoriale Globale {w.period} — {w.territory}",
        subject=f"Projet de convention avec la {w.partner_body}",
        footer=f"Convention Territoriale Globale {w.period} — {w.territory} — projet",
    )
    _title_page(doc, data)
    _what_is_a_ctg(doc, data)
    _diagnostic(doc, data)
    _themes(doc, data)
    _topics(doc, data)
    _action_sheets(doc, data)
    _annexes(doc, data)
    return doc.to_bytes(toc_pages=toc_pages)


def convention_files(data: ConventionData) -> Paginated:
    """The convention laid out by LibreOffice: the .docx with its Sommaire's page numbers, and
    the PDF. Raises OfficeUnavailableError (French) without LibreOffice."""
    return paginate(lambda pages: build_convention(data, toc_pages=pages))


def _title_page(doc: WordDocument, data: ConventionData) -> None:
    w = data.workshop
    doc.paragraph(f"Convention Territoriale Globale {w.period}", style="Title")
    doc.paragraph(f"{w.territory} — {w.partner_body}", style="Subtitle")
    held = f" du {french_date(w.held_on)}" if w.held_on else ""
    doc.paragraph(
        f"Projet de convention établi à partir de la journée participative{held} "
        f"(« {w.title} »). Document de travail généré le {french_date(data.generated_on)} "
        "par CTG Atelier, à relire et compléter avant sa validation par le Comité de Pilotage.",
        italic=True,
    )
    note = doc.paragraph("Les passages entre crochets et surlignés, comme ")
    add_placeholder(note)
    add_run(note, ", sont à compléter.")
    doc.paragraph("Sommaire", style="TOC Heading")
    doc.table_of_contents(levels="1-2")
    doc.page_break()


def _what_is_a_ctg(doc: WordDocument, data: ConventionData) -> None:
    doc.heading("La Convention Territoriale Globale", 1)
    doc.paragraph(
        "La Convention Territoriale Globale (CTG) est une convention de partenariat qui favorise la "
        "territorialisation de l'offre globale de services de la branche famille de la CAF en cohérence "
        "avec les politiques locales."
    )
    doc.paragraph(
        "Cette démarche vise à fixer les priorités sur une période pluriannuelle et oriente les moyens "
        "mobilisés dans les différentes conventions de financements."
    )
    doc.paragraph(
        "La CTG met en œuvre des axes de travail identifiés à travers un diagnostic élaboré qui porte sur "
        f"les champs de compétences communs à la collectivité ({data.workshop.territory}) et à la "
        f"{data.workshop.partner_body}."
    )


def _diagnostic(doc: WordDocument, data: ConventionData) -> None:
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


def _themes(doc: WordDocument, data: ConventionData) -> None:
    w = data.workshop
    doc.heading("Les thématiques de travail", 1)
    count = len(w.themes)
    if count:
        doc.paragraph(
            f"Afin d'engager notre étude, {plural(count, 'thématique')} "
            f"{'ont été retenues' if count > 1 else 'a été retenue'} à l'occasion du Comité de Pilotage "
            "initial de la démarche CTG :"
        )
        doc.paragraph(french_list(list(w.themes)), bold=True, align=WD_ALIGN_PARAGRAPH.CENTER)
    else:
        add_placeholder(doc.paragraph(), "Thématiques retenues par le Comité de Pilotage")
    topics = len(data.topics)
    doc.paragraph(
        "S'agissant d'objets de réflexion larges, il a été décidé de les préciser au travers de "
        f"{plural(topics, 'sujet')} d'étude et ainsi orienter le travail partenarial."
    )
    doc.paragraph(
        "Les acteurs locaux ont alors été sollicités en deux temps : une phase de recueil de données en "
        "format SWOT, puis une journée participative permettant de croiser les contributions et "
        "d'identifier les idées force du futur plan de développement."
    )


def _topics(doc: WordDocument, data: ConventionData) -> None:
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


# --------------------------------------------------------------------------- fiches action


def _action_sheets(doc: WordDocument, data: ConventionData) -> None:
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


# --------------------------------------------------------------------------- annexes


def _annexes(doc: WordDocument, data: ConventionData) -> None:
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
