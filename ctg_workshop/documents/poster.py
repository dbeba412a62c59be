"""The poster to print for the tables of the room (Word, one A4 page): the QR code that opens
the partners' page, the workshop's code in large letters, the address, three steps.

On the day the QR code is projected too, but in a room of 80 people the back tables read the
screen badly and a late arrival misses it: a sheet on each table lets everyone join.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

import segno
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Pt, RGBColor

from ctg_workshop.documents.word import WordDocument, add_run

QR_WIDTH_CM = 11.0
STEPS = (
    "Scannez le QR code avec l'appareil photo de votre téléphone (ou tapez l'adresse).",
    "Choisissez votre organisation ; votre nom est facultatif.",
    "Écrivez vos forces, faiblesses, opportunités et menaces, puis placez vos points pendant le vote.",
)
_INK = RGBColor(0x1A, 0x1A, 0x1A)


@dataclass(frozen=True)
class PosterData:
    title: str
    territory: str
    code: str
    partner_url: str  # what the QR code opens: …/participer?atelier=CODE


def qr_code_png(url: str, *, scale: int = 12) -> bytes:
    """The QR code of `url` as PNG bytes: black on white, the quiet zone kept, error
    correction « M » (a crumpled or slightly stained sheet still scans)."""
    buffer = io.BytesIO()
    segno.make(url, error="m").save(buffer, kind="png", scale=scale, border=2)
    return buffer.getvalue()


def build_poster(data: PosterData) -> bytes:
    """The poster as .docx bytes."""
    doc = WordDocument(title=f"Rejoindre l'atelier {data.code}", subject=data.title)
    heading = doc.paragraph(align=WD_ALIGN_PARAGRAPH.CENTER)
    add_run(heading, "Participez à la journée", bold=True, size=28, color=_INK)
    subtitle = doc.paragraph(align=WD_ALIGN_PARAGRAPH.CENTER)
    add_run(subtitle, f"{data.title} · {data.territory}", size=14, color=_INK)
    doc.picture(
        qr_code_png(data.partner_url),
        width_cm=QR_WIDTH_CM,
        alt_text=f"QR code : lien pour participer à l'atelier {data.code} ({data.partner_url})",
    )
    code_line = doc.paragraph(align=WD_ALIGN_PARAGRAPH.CENTER)
    add_run(code_line, "Code de l'atelier : ", size=16, color=_INK)
    add_run(code_line, data.code, bold=True, size=40, color=_INK)
    address = doc.paragraph(align=WD_ALIGN_PARAGRAPH.CENTER)
    add_run(address, data.partner_url, size=12, color=_INK)
    for number, step in enumerate(STEPS, start=1):
        paragraph = doc.paragraph()
        paragraph.paragraph_format.space_before = Pt(6)
        add_run(paragraph, f"{number}. ", bold=True, size=14, color=_INK)
        add_run(paragraph, step, size=14, color=_INK)
    note = doc.paragraph()
    note.paragraph_format.space_before = Pt(12)
    add_run(
        note,
        "Sans compte ni application. Les autres participants voient vos contributions, jamais votre nom ; "
        "les documents de la convention ne citent que les organisations.",
        italic=True,
        size=11,
        color=_INK,
    )
    return doc.to_bytes()
