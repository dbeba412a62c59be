"""The convention as a whole: its chapters in order, the title page, what a CTG is, the themes;
and the file laid out by LibreOffice (the Sommaire's page numbers, the PDF)."""

from __future__ import annotations

from collections.abc import Sequence

from docx.enum.text import WD_ALIGN_PARAGRAPH

from ctg_workshop.documents.convention.annexes import add_annexes
from ctg_workshop.documents.convention.data import ConventionData
from ctg_workshop.documents.convention.diagnostic import add_diagnostic
from ctg_workshop.documents.convention.fiches import add_action_sheets
from ctg_workshop.documents.convention.topics import add_topics
from ctg_workshop.documents.facts import french_date, french_list
from ctg_workshop.documents.office import Paginated, paginate
from ctg_workshop.documents.word import WordDocument, add_placeholder, add_run
from ctg_workshop.wording import plural

MIME_DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


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
    add_diagnostic(doc, data)
    _themes(doc, data)
    add_topics(doc, data)
    add_action_sheets(doc, data)
    add_annexes(doc, data)
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
