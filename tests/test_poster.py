"""The poster for the tables: reopened, it holds the code, the address, the QR code (which
decodes to that address when a decoder is at hand) and its text alternative."""

from __future__ import annotations

import io

from docx import Document

from ctg_workshop.documents.poster import STEPS, PosterData, build_poster, qr_code_png
from ctg_workshop.documents.typography import french_typography as typeset

DATA = PosterData(
    title="Journée participative CTG 2026",
    territory="Armentières",
    code="ARM2026",
    partner_url="https://ctg.armentieres.fr/participer?atelier=ARM2026",
)


def test_the_poster_holds_the_code_the_address_and_the_steps() -> None:
    document = Document(io.BytesIO(build_poster(DATA)))
    text = "\n".join(paragraph.text for paragraph in document.paragraphs)
    assert typeset("Code de l'atelier : ARM2026") in text
    assert DATA.partner_url in text
    assert f"{DATA.title} · {DATA.territory}" in text
    for step in STEPS:
        assert typeset(step) in text
    assert document.core_properties.title == "Rejoindre l'atelier ARM2026"


def test_the_qr_code_is_a_picture_with_its_text_alternative() -> None:
    document = Document(io.BytesIO(build_poster(DATA)))
    pictures = document.inline_shapes
    assert len(pictures) == 1
    description = pictures[0]._inline.docPr.get("descr")
    assert description == f"QR code : lien pour participer à l'atelier ARM2026 ({DATA.partner_url})"
    blob = next(p for p in document.part.related_parts.values() if "image" in p.content_type).blob
    assert blob == qr_code_png(DATA.partner_url)


def test_the_qr_code_encodes_the_address() -> None:
    import segno

    expected = segno.make(DATA.partner_url, error="m")
    png = qr_code_png(DATA.partner_url, scale=1)
    from PIL import Image

    image = Image.open(io.BytesIO(png)).convert("1")
    border = 2
    size = expected.symbol_size(scale=1, border=0)[0]
    modules = [[image.getpixel((border + x, border + y)) == 0 for x in range(size)] for y in range(size)]
    assert modules == [[bool(bit) for bit in row] for row in expected.matrix]
