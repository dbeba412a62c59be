"""python-docx helpers shared by the documents: the document under construction (page set-up,
styles, headings, pictures, the table of contents, the footer).

Runs and fields are written by `word_text.py`, tables by `word_tables.py`; their helpers are
importable from here too, as every document did before the split.

Text always goes in as runs (python-docx never interprets Markdown or HTML), so what a
participant typed is printed as typed.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Sequence

from docx import Document
from docx.document import Document as DocxDocument
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK, WD_TAB_ALIGNMENT, WD_TAB_LEADER
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt
from docx.table import Table
from docx.text.paragraph import Paragraph

from ctg_workshop.documents.typography import french_typography
from ctg_workshop.documents.word_tables import (
    LABEL_FILL,
    TITLE_FILL,
    cell_bullets,
    cell_paragraph,
    cell_text,
    keep_row_together,
    keep_with_next,
    label_row,
    merge_row,
    plain_cells,
    repeat_as_header,
    set_widths,
    shade,
)
from ctg_workshop.documents.word_text import (
    GREY,
    PLACEHOLDER,
    WHITE,
    add_field,
    add_placeholder,
    add_run,
    field_begin,
    field_end,
    set_alignment,
    text_or_placeholder,
)

__all__ = [
    "CONTENT_WIDTH_CM",
    "FOOTER_SIZE",
    "GREY",
    "LABEL_FILL",
    "LANGUAGE",
    "PLACEHOLDER",
    "TITLE_FILL",
    "WHITE",
    "WordDocument",
    "add_field",
    "add_placeholder",
    "add_run",
    "cell_bullets",
    "cell_paragraph",
    "cell_text",
    "keep_row_together",
    "keep_with_next",
    "label_row",
    "merge_row",
    "plain_cells",
    "repeat_as_header",
    "set_alignment",
    "set_widths",
    "shade",
    "text_or_placeholder",
]

LANGUAGE = "fr-FR"
# The text's width on the page `_page_setup` lays out: 21 cm less two margins of 2.2 cm.
CONTENT_WIDTH_CM = 16.6


class WordDocument:
    """A document under construction that remembers its headings (for the table of contents)."""

    def __init__(self, *, title: str, subject: str = "", footer: str = "") -> None:
        self.doc: DocxDocument = Document()
        self.headings: list[tuple[int, str]] = []
        self._toc: Paragraph | None = None
        self._toc_levels = 2
        _set_language(self.doc, LANGUAGE)
        _page_setup(self.doc)
        _base_styles(self.doc)
        _core_properties(self.doc, title=title, subject=subject)
        if footer:
            _footer(self.doc, footer)

    # -- text

    def heading(self, text: str, level: int, *, page_break: bool = False) -> Paragraph:
        text = french_typography(text)
        paragraph = self.doc.add_heading(text, level)
        paragraph.paragraph_format.page_break_before = page_break
        self.headings.append((level, text))
        return paragraph

    def paragraph(
        self,
        text: str = "",
        *,
        style: str | None = None,
        bold: bool = False,
        italic: bool = False,
        align: WD_ALIGN_PARAGRAPH | None = None,
    ) -> Paragraph:
        paragraph = self.doc.add_paragraph(style=style)
        if text:
            add_run(paragraph, text, bold=bold, italic=italic)
        if align is not None:
            paragraph.alignment = align
        return paragraph

    def bullets(self, lines: Sequence[str], *, style: str = "List Bullet") -> None:
        for line in lines:
            self.paragraph(line, style=style)

    def page_break(self) -> None:
        self.doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)

    def picture(self, png: bytes, *, width_cm: float, alt_text: str) -> None:
        """A centred picture kept on the page of the paragraph after it (its caption), with its
        text alternative: the `descr` of its drawing, what Word shows as « Texte de
        remplacement » and LibreOffice as « Description » (python-docx sets none)."""
        paragraph = self.doc.add_paragraph()
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        paragraph.paragraph_format.keep_with_next = True
        shape = paragraph.add_run().add_picture(io.BytesIO(png), width=Cm(width_cm))
        shape._inline.docPr.set("descr", alt_text)

    def table(self, rows: int, columns: int, widths_cm: Sequence[float]) -> Table:
        table = self.doc.add_table(rows=rows, cols=columns)
        table.style = "Table Grid"
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        set_widths(table, widths_cm)
        return table

    # -- table of contents

    def table_of_contents(self, *, levels: str = "1-2") -> None:
        """A TOC field; its shown result is filled with the headings when the document is saved."""
        paragraph = self.doc.add_paragraph()
        field_begin(paragraph, f'TOC \\o "{levels}" \\h \\z \\u')
        self._toc = paragraph
        self._toc_levels = int(levels.split("-")[-1])
        _update_fields_on_open(self.doc)

    def _fill_toc(self, pages: Sequence[int] | None) -> None:
        if self._toc is None:
            return
        entries = [(level, text) for level, text in self.headings if 1 <= level <= self._toc_levels]
        if pages is not None and len(pages) != len(entries):
            pages = None  # laid out from another version of the document: no numbers rather than wrong ones
        anchor = self._toc
        paragraphs = [anchor]
        numbered = (
            [f"{text}\t{page}" for (_, text), page in zip(entries, pages, strict=True)] if pages else None
        )
        texts = numbered or [text for _, text in entries]
        add_run(anchor, texts[0] if entries else "Table des matières : mettez à jour les champs.")
        for text in texts[1:]:
            new = OxmlElement("w:p")
            paragraphs[-1]._p.addnext(new)
            paragraph = Paragraph(new, anchor._parent)
            add_run(paragraph, text)
            paragraphs.append(paragraph)
        for paragraph, (level, _) in zip(paragraphs, entries or [(1, "")], strict=True):
            paragraph.paragraph_format.left_indent = Cm(0.6 * (level - 1))
            paragraph.paragraph_format.space_after = Pt(2)
            if numbered:
                paragraph.paragraph_format.tab_stops.add_tab_stop(
                    self._text_width(), WD_TAB_ALIGNMENT.RIGHT, WD_TAB_LEADER.DOTS
                )
        field_end(paragraphs[-1])
        if numbered:
            _no_update_on_open(self.doc)  # the numbers are there: Word need not ask
        self._toc = None

    def _text_width(self):
        section = self.doc.sections[0]
        return section.page_width - section.left_margin - section.right_margin

    def to_bytes(self, *, toc_pages: Sequence[int] | None = None) -> bytes:
        """The document's bytes; `toc_pages`: the Sommaire's page numbers, one per entry, as
        LibreOffice laid them out (`documents/office.py`)."""
        self._fill_toc(toc_pages)
        buffer = io.BytesIO()
        self.doc.save(buffer)
        return buffer.getvalue()


# --------------------------------------------------------------------------- document set-up


def _core_properties(doc: DocxDocument, *, title: str, subject: str) -> None:
    """Dated now, with nothing left from python-docx's template (its 2013 dates, its comment
    « generated by python-docx », its last author)."""
    now = dt.datetime.now(dt.UTC).replace(microsecond=0, tzinfo=None)
    properties = doc.core_properties
    properties.title = french_typography(title)
    properties.subject = french_typography(subject)
    properties.author = properties.last_modified_by = "CTG Atelier"
    properties.language = LANGUAGE
    properties.keywords = "Convention Territoriale Globale, CTG"
    properties.comments = ""
    properties.category = "Convention Territoriale Globale"
    properties.created = properties.modified = now
    properties.revision = 1


def _set_language(doc: DocxDocument, language: str) -> None:
    """Default language of every run (styles' docDefaults) and of the Normal style."""
    defaults = doc.styles.element.find(qn("w:docDefaults"))
    run_defaults = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr"))
    for rpr in (run_defaults, doc.styles["Normal"].element.get_or_add_rPr()):
        lang = rpr.find(qn("w:lang"))
        if lang is None:
            lang = OxmlElement("w:lang")
            rpr.append(lang)
        lang.set(qn("w:val"), language)
        lang.set(qn("w:eastAsia"), language)


def _page_setup(doc: DocxDocument) -> None:
    section = doc.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    section.left_margin = section.right_margin = Cm(2.2)
    section.top_margin = Cm(2)
    section.bottom_margin = Cm(2)


def _base_styles(doc: DocxDocument) -> None:
    normal = doc.styles["Normal"]
    normal.font.name = "Calibri"
    normal.font.size = Pt(10.5)
    normal.paragraph_format.space_after = Pt(6)
    for name in ("List Bullet", "List Bullet 2"):
        doc.styles[name].paragraph_format.space_after = Pt(2)


FOOTER_SIZE = 8.5


def _footer(doc: DocxDocument, text: str) -> None:
    paragraph = doc.sections[0].footer.paragraphs[0]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    add_run(paragraph, f"{text} — page ", size=FOOTER_SIZE, color=GREY)
    add_field(paragraph, "PAGE", "1", size=FOOTER_SIZE, color=GREY)
    add_run(paragraph, " sur ", size=FOOTER_SIZE, color=GREY)
    add_field(paragraph, "NUMPAGES", "1", size=FOOTER_SIZE, color=GREY)


def _no_update_on_open(doc: DocxDocument) -> None:
    element = doc.settings.element.find(qn("w:updateFields"))
    if element is not None:
        element.getparent().remove(element)


def _update_fields_on_open(doc: DocxDocument) -> None:
    """Ask Word to refresh fields (the table of contents' page numbers) when the file opens."""
    settings = doc.settings.element
    if settings.find(qn("w:updateFields")) is not None:
        return
    element = OxmlElement("w:updateFields")
    element.set(qn("w:val"), "true")
    successor = next(
        (settings.find(qn(t)) for t in ("w:hdrShapeDefaults", "w:footnotePr", "w:endnotePr", "w:compat")
         if settings.find(qn(t)) is not None),
        None,
    )  # fmt: skip
    if successor is not None:
        successor.addprevious(element)
    else:
        settings.append(element)
