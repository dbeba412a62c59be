"""A document in the format its file name asks for: Word (.docx) or PDF (.pdf, through
LibreOffice). A Word document with a Sommaire goes through LibreOffice too when it is installed,
so that it opens with its page numbers (`documents/office.py`)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Literal

from ctg_workshop.documents import office
from ctg_workshop.errors import InvalidInputError

Format = Literal["docx", "pdf"]
MIME = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pdf": "application/pdf",
}
Builder = Callable[[Sequence[int] | None], bytes]  # the Sommaire's page numbers, or None


def format_of(path: str) -> Format:
    suffix = Path(path).suffix.lower()
    if suffix in (".docx", ""):
        return "docx"
    if suffix == ".pdf":
        return "pdf"
    raise InvalidInputError(
        f"Format de « {path} » inconnu : le nom du fichier doit finir par .docx (Word) ou par .pdf."
    )


def document_bytes(build: Builder, fmt: Format, *, has_contents: bool = False) -> bytes:
    """`build`'s document as `fmt`. A PDF needs LibreOffice (a French error says how to install
    it); a .docx with a Sommaire gets its page numbers when LibreOffice is there, and opens
    without them (Word offers to update the fields) when it is not."""
    if fmt == "pdf":
        return office.to_pdf(build(None))  # LibreOffice numbers the Sommaire as it lays it out
    if has_contents and office.available():
        return office.paginate(build).docx
    return build(None)
