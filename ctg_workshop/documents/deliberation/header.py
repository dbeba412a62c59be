"""The deliberation's head: the extract of the register (séance, convocation, councillors,
the opening sentence, who is present, the secretary) and the subject."""

from __future__ import annotations

from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Cm

from ctg_workshop.documents.deliberation.data import DeliberationData
from ctg_workshop.documents.deliberation.numbers_in_words import number_words
from ctg_workshop.documents.facts import MONTHS, french_date, of_town
from ctg_workshop.documents.word import WordDocument, add_placeholder, add_run


def town_upper(territory: str) -> str:
    """« d'ARMENTIÈRES », « du HAVRE »: the elided article, the name in capitals."""
    elided = of_town(territory)
    article, name = (elided[:2], elided[2:]) if elided.startswith("d'") else elided.split(" ", 1)
    return f"{article}{name.upper()}" if article == "d'" else f"{article} {name.upper()}"


def _line(doc: WordDocument, label: str, value: str | None, placeholder: str) -> None:
    paragraph = doc.paragraph()
    paragraph.paragraph_format.space_after = Cm(0)
    add_run(paragraph, label, bold=True)
    if value:
        add_run(paragraph, value)
    else:
        add_placeholder(paragraph, placeholder)


def add_register_header(doc: WordDocument, data: DeliberationData) -> None:
    w, d = data.workshop, data.details
    day = d.session_date
    doc.paragraph("EXTRAIT DU REGISTRE DES DÉLIBÉRATIONS", style="Title", align=WD_ALIGN_PARAGRAPH.CENTER)
    doc.paragraph(
        f"CONSEIL MUNICIPAL — VILLE {of_town(w.territory).upper()}",
        bold=True,
        align=WD_ALIGN_PARAGRAPH.CENTER,
    )
    _line(doc, "Séance du : ", french_date(day) if day else None, "date de la séance")
    _line(doc, "Convocation du : ", french_date(d.convocation_date) if d.convocation_date else None,
          "date de la convocation")  # fmt: skip
    _line(doc, "Conseillers en exercice : ", str(d.councillors) if d.councillors else None, "nombre")
    _line(doc, "Conseillers présents : ", str(d.present) if d.present is not None else None, "nombre")
    opening = doc.paragraph()
    opening.paragraph_format.space_before = Cm(0.4)
    if day:
        day_words = "premier" if day.day == 1 else number_words(day.day)
        add_run(opening, f"L'AN {number_words(day.year).upper()}, le {day_words} {MONTHS[day.month - 1]} à ")
    else:
        add_run(opening, "L'AN ")
        add_placeholder(opening, "année en toutes lettres")
        add_run(opening, ", le ")
        add_placeholder(opening, "jour et mois")
        add_run(opening, " à ")
    add_placeholder(opening, "heure")
    add_run(
        opening, f", les membres du Conseil Municipal de la Ville {town_upper(w.territory)} se sont réunis à "
    )
    add_placeholder(opening, "lieu de la séance")
    add_run(opening, ", sous la présidence de ")
    if d.mayor:
        add_run(opening, d.mayor)
    else:
        add_placeholder(opening, "Prénom NOM")
    add_run(opening, ", Maire.")
    _line(doc, "PRÉSENTS : ", None, "liste des conseillers présents")
    excused = doc.paragraph()
    add_run(excused, "EXCUSÉS AYANT DONNÉ POUVOIR : ", bold=True)
    add_placeholder(excused, "conseillers excusés et leurs mandataires")
    add_run(excused, ", conformément à l'article L.2121-20 du Code Général des Collectivités Territoriales.")
    _line(doc, "SECRÉTAIRE DE SÉANCE : ", d.secretary, "Prénom NOM")


def add_subject(doc: WordDocument, data: DeliberationData) -> None:
    w, d = data.workshop, data.details
    reference = doc.paragraph()
    reference.paragraph_format.space_before = Cm(0.5)
    if d.number:
        add_run(reference, d.number, bold=True)
    else:
        add_placeholder(reference, "numéro de la délibération")
    if w.themes:
        doc.paragraph("/".join(t.upper() for t in w.themes), bold=True)
    doc.heading(f"CONVENTION TERRITORIALE GLOBALE {w.period}", 1)
    if d.renewal:
        doc.paragraph("RENOUVELLEMENT DE CONVENTION", bold=True)
    doc.paragraph("Autorisation - Approbation", bold=True)
