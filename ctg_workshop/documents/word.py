"""python-docx helpers shared by the documents: page set-up, fields, headings, tables.

Text always goes in as runs (python-docx never interprets Markdown or HTML), so what a
participant typed is printed as typed.
"""

from __future__ import annotations

import io
from collections.abc import Sequence

from docx import Document
from docx.document import Document as DocxDocument
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK, WD_COLOR_INDEX
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor
from docx.table import Table, _Cell, _Row
from docx.text.paragraph import Paragraph

LANGUAGE = "fr-FR"
PLACEHOLDER = "À compléter"
GREY = RGBColor(0x59, 0x59, 0x59)
WHITE = RGBColor(0xFF, 0xFF, 0xFF)
LABEL_FILL = "D9E2F3"
TITLE_FILL = "1F3864"


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
        properties = self.doc.core_properties
        properties.title = title
        properties.subject = subject
        properties.author = "CTG Atelier"
        properties.language = LANGUAGE
        properties.keywords = "Convention Territoriale Globale, CTG"
        if footer:
            _footer(self.doc, footer)

    # -- text

    def heading(self, text: str, level: int, *, page_break: bool = False) -> Paragraph:
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

    def picture(self, png: bytes, *, width_cm: float) -> None:
        self.doc.add_picture(io.BytesIO(png), width=Cm(width_cm))
        self.doc.paragraphs[-1].alignment = WD_ALIGN_PARAGRAPH.CENTER

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
        _field_begin(paragraph, f'TOC \\o "{levels}" \\h \\z \\u')
        self._toc = paragraph
        self._toc_levels = int(levels.split("-")[-1])
        _update_fields_on_open(self.doc)

    def _fill_toc(self) -> None:
        if self._toc is None:
            return
        entries = [(level, text) for level, text in self.headings if 1 <= level <= self._toc_levels]
        anchor = self._toc
        paragraphs = [anchor]
        add_run(anchor, entries[0][1] if entries else "Table des matières : mettez à jour les champs.")
        for _level, text in entries[1:]:
            new = OxmlElement("w:p")
            paragraphs[-1]._p.addnext(new)
            paragraph = Paragraph(new, anchor._parent)
            add_run(paragraph, text)
            paragraphs.append(paragraph)
        for paragraph, (level, _) in zip(paragraphs, entries or [(1, "")], strict=True):
            paragraph.paragraph_format.left_indent = Cm(0.6 * (level - 1))
            paragraph.paragraph_format.space_after = Pt(2)
        _field_end(paragraphs[-1])
        self._toc = None

    def to_bytes(self) -> bytes:
        self._fill_toc()
        buffer = io.BytesIO()
        self.doc.save(buffer)
        return buffer.getvalue()


# --------------------------------------------------------------------------- runs and cells


def add_run(
    paragraph: Paragraph,
    text: str,
    *,
    bold: bool = False,
    italic: bool = False,
    size: float | None = None,
    color: RGBColor | None = None,
):
    """Append `text` as one run (line breaks become Word line breaks)."""
    run = paragraph.add_run(text)
    run.bold = bold or None
    run.italic = italic or None
    if size:
        run.font.size = Pt(size)
    if color is not None:
        run.font.color.rgb = color
    return run


def add_placeholder(paragraph: Paragraph, text: str = PLACEHOLDER):
    """A bracketed, highlighted run: something only the town can write."""
    run = paragraph.add_run(f"[{text}]")
    run.font.highlight_color = WD_COLOR_INDEX.YELLOW
    return run


def text_or_placeholder(paragraph: Paragraph, text: str, **style) -> None:
    if text.strip():
        add_run(paragraph, text, **style)
    else:
        add_placeholder(paragraph)


def cell_paragraph(cell: _Cell, *, style: str | None = None) -> Paragraph:
    """The cell's first paragraph while it is still empty, then a new one."""
    first = cell.paragraphs[0]
    if len(cell.paragraphs) == 1 and not first.text and not first.runs:
        if style:
            first.style = style
        return first
    return cell.add_paragraph(style=style)


def cell_text(cell: _Cell, text: str, *, bold: bool = False, italic: bool = False, size: float | None = None,
              color: RGBColor | None = None, align: WD_ALIGN_PARAGRAPH | None = None) -> Paragraph:  # fmt: skip
    paragraph = cell_paragraph(cell)
    if text:
        add_run(paragraph, text, bold=bold, italic=italic, size=size, color=color)
    if align is not None:
        paragraph.alignment = align
    return paragraph


def cell_bullets(cell: _Cell, lines: Sequence[str], *, style: str = "List Bullet") -> None:
    if not lines:
        add_placeholder(cell_paragraph(cell))
    for line in lines:
        add_run(cell_paragraph(cell, style=style), line)


def shade(cell: _Cell, fill: str) -> None:
    properties = cell._tc.get_or_add_tcPr()
    for old in properties.findall(qn("w:shd")):
        properties.remove(old)
    shading = OxmlElement("w:shd")
    shading.set(qn("w:val"), "clear")
    shading.set(qn("w:color"), "auto")
    shading.set(qn("w:fill"), fill)
    properties.append(shading)


def _row_property(row: _Row, tag: str) -> None:
    properties = row._tr.get_or_add_trPr()
    if properties.find(qn(tag)) is None:
        element = OxmlElement(tag)
        element.set(qn("w:val"), "true")
        properties.append(element)


def repeat_as_header(row: _Row) -> None:
    """Repeat this row at the top of each page the table runs onto (w:tblHeader)."""
    _row_property(row, "w:tblHeader")


def keep_row_together(row: _Row) -> None:
    """Never split this row across two pages (w:cantSplit)."""
    _row_property(row, "w:cantSplit")


def keep_with_next(row: _Row) -> None:
    for cell in row.cells:
        for paragraph in cell.paragraphs:
            paragraph.paragraph_format.keep_with_next = True


def label_row(row: _Row, labels: Sequence[str], *, fill: str = LABEL_FILL) -> None:
    """A row of bold labels on a tinted background, kept with the row after it."""
    for cell, label in zip(row.cells, labels, strict=True):
        cell_text(cell, label, bold=True)
        shade(cell, fill)
    keep_row_together(row)
    keep_with_next(row)


def set_widths(table: Table, widths_cm: Sequence[float]) -> None:
    table.autofit = False
    for column, width in zip(table.columns, widths_cm, strict=True):
        column.width = Cm(width)
    for row in table.rows:
        for cell, width in zip(row.cells, widths_cm, strict=True):
            cell.width = Cm(width)


def merge_row(row: _Row) -> _Cell:
    """The row's cells merged into one (a full-width row)."""
    cells = row.cells
    return cells[0].merge(cells[-1]) if len(cells) > 1 else cells[0]


# --------------------------------------------------------------------------- document set-up


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


def _field_begin(paragraph: Paragraph, instruction: str) -> None:
    begin = OxmlElement("w:fldChar")
    begin.set(qn("w:fldCharType"), "begin")
    paragraph.add_run()._r.append(begin)
    code = OxmlElement("w:instrText")
    code.set(qn("xml:space"), "preserve")
    code.text = f" {instruction} "
    paragraph.add_run()._r.append(code)
    separate = OxmlElement("w:fldChar")
    separate.set(qn("w:fldCharType"), "separate")
    paragraph.add_run()._r.append(separate)


def _field_end(paragraph: Paragraph) -> None:
    end = OxmlElement("w:fldChar")
    end.set(qn("w:fldCharType"), "end")
    paragraph.add_run()._r.append(end)


def add_field(paragraph: Paragraph, instruction: str, shown: str) -> None:
    """A Word field (PAGE, NUMPAGES…) with `shown` as its last computed result."""
    _field_begin(paragraph, instruction)
    paragraph.add_run(shown)
    _field_end(paragraph)


def _footer(doc: DocxDocument, text: str) -> None:
    paragraph = doc.sections[0].footer.paragraphs[0]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    add_run(paragraph, f"{text} — page ", size=8.5, color=GREY)
    add_field(paragraph, "PAGE", "1")
    add_run(paragraph, " sur ", size=8.5, color=GREY)
    add_field(paragraph, "NUMPAGES", "1")


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
