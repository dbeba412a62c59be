"""python-docx helpers shared by the documents: page set-up, fields, headings, tables.

Text always goes in as runs (python-docx never interprets Markdown or HTML), so what a
participant typed is printed as typed.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import weakref
from collections.abc import Sequence

from docx import Document
from docx.document import Document as DocxDocument
from docx.enum.section import WD_ORIENT
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK, WD_COLOR_INDEX, WD_TAB_ALIGNMENT, WD_TAB_LEADER
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor
from docx.table import Table, _Cell, _Row
from docx.text.paragraph import Paragraph
from docx.text.run import Run
from lxml import etree

from ctg_workshop.documents.typography import french_typography

LANGUAGE = "fr-FR"
PLACEHOLDER = "À compléter"
GREY = RGBColor(0x59, 0x59, 0x59)
WHITE = RGBColor(0xFF, 0xFF, 0xFF)
LABEL_FILL = "D9E2F3"
TITLE_FILL = "1F3864"
_BREAKS = re.compile(r"[\t\n\r]")
_PPR = qn("w:pPr")
_RUN, _TEXT, _RPR, _BOLD, _ITALIC, _COLOR, _SIZE, _VAL, _JC = (
    qn(tag) for tag in ("w:r", "w:t", "w:rPr", "w:b", "w:i", "w:color", "w:sz", "w:val", "w:jc")
)
_TCPR, _TCW, _TYPE, _W, _SPACE = (qn(tag) for tag in ("w:tcPr", "w:tcW", "w:type", "w:w", "xml:space"))
_PARAGRAPH, _PSTYLE = qn("w:p"), qn("w:pStyle")


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
        _field_begin(paragraph, f'TOC \\o "{levels}" \\h \\z \\u')
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
        _field_end(paragraphs[-1])
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


# --------------------------------------------------------------------------- runs and cells


def add_run(
    paragraph: Paragraph,
    text: str,
    *,
    bold: bool = False,
    italic: bool = False,
    size: float | None = None,
    color: RGBColor | None = None,
) -> Run:
    """Append `text` as one run (line breaks become Word line breaks).

    The run's XML is written directly, the same elements python-docx's setters would write
    (only what differs from the style): the convention's annex has a few cells per item, and
    those setters took most of its export (docs/benchmarks.md)."""
    r = etree.SubElement(paragraph._p, _RUN)  # what CT_P.add_r does: runs come last
    if bold or italic or size or color is not None:
        properties = etree.SubElement(r, _RPR)
        if bold:
            etree.SubElement(properties, _BOLD)
        if italic:
            etree.SubElement(properties, _ITALIC)
        if color is not None:
            etree.SubElement(properties, _COLOR).set(_VAL, str(color))
        if size:
            etree.SubElement(properties, _SIZE).set(_VAL, str(int(Pt(size).pt * 2)))  # half-points
    run = Run(r, paragraph)
    text = french_typography(text)
    if text:
        if _BREAKS.search(text):
            run.text = text  # python-docx turns \n, \r and \t into Word's breaks and tabs
        else:
            t = etree.SubElement(r, _TEXT)
            t.text = text
            if text.strip() != text:
                t.set(_SPACE, "preserve")
    return run


def set_alignment(paragraph: Paragraph, alignment: WD_ALIGN_PARAGRAPH) -> None:
    """`paragraph.alignment = alignment`, written directly while the paragraph has no
    properties yet (a new cell's paragraph); python-docx's setter otherwise."""
    p = paragraph._p
    if p.find(_PPR) is None:
        properties = etree.Element(_PPR)
        etree.SubElement(properties, _JC).set(_VAL, alignment.xml_value)
        p.insert(0, properties)
    else:
        paragraph.alignment = alignment


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
    """The cell's first paragraph while it is still empty, then a new one (written directly:
    what `cell.add_paragraph(style=…)` writes, without looking the style up every time)."""
    paragraphs = cell._tc.p_lst
    if len(paragraphs) == 1 and all(child.tag == _PPR for child in paragraphs[0]):
        first = Paragraph(paragraphs[0], cell)
        if style:
            first.style = style
        return first
    p = etree.SubElement(cell._tc, _PARAGRAPH)  # CT_Tc.add_p appends too
    if style:
        properties = etree.SubElement(p, _PPR)
        etree.SubElement(properties, _PSTYLE).set(_VAL, _style_id(cell.part, style))
    return Paragraph(p, cell)


_style_ids: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def _style_id(part, name: str) -> str:
    """A paragraph style's id in this document, looked up once per document and name."""
    known = _style_ids.setdefault(part, {})
    if name not in known:
        known[name] = part.get_style_id(name, WD_STYLE_TYPE.PARAGRAPH)
    return known[name]


def cell_text(cell: _Cell, text: str, *, bold: bool = False, italic: bool = False, size: float | None = None,
              color: RGBColor | None = None, align: WD_ALIGN_PARAGRAPH | None = None) -> Paragraph:  # fmt: skip
    paragraph = cell_paragraph(cell)
    if text:
        add_run(paragraph, text, bold=bold, italic=italic, size=size, color=color)
    if align is not None:
        set_alignment(paragraph, align)
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
    """Column and cell widths of a table whose cells are not merged yet (a new table)."""
    table.autofit = False
    for column, width in zip(table.columns, widths_cm, strict=True):
        column.width = Cm(width)
    widths = [(Cm(width), str(Cm(width).twips)) for width in widths_cm]
    for tr in table._tbl.tr_lst:
        for tc, (width, twips) in zip(tr.tc_lst, widths, strict=True):
            properties = tc.find(_TCPR)
            cell_width = properties.find(_TCW) if properties is not None else None
            if cell_width is None:
                tc.width = width  # python-docx adds what is missing
            else:  # a new table's cell already has its w:tcW: what CT_TcW.width does
                cell_width.set(_TYPE, "dxa")
                cell_width.set(_W, twips)


def plain_cells(row: _Row) -> list[_Cell]:
    """The cells of a row without merged cells, read straight from its XML (`row.cells` works
    out the layout grid for every cell, which costs more than filling it)."""
    return [_Cell(tc, row.table) for tc in row._tr.tc_lst]


def merge_row(row: _Row) -> _Cell:
    """The row's cells merged into one (a full-width row)."""
    cells = row.cells
    return cells[0].merge(cells[-1]) if len(cells) > 1 else cells[0]


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


def add_field(paragraph: Paragraph, instruction: str, shown: str, *, size: float | None = None,
              color: RGBColor | None = None) -> None:  # fmt: skip
    """A Word field (PAGE, NUMPAGES…) with `shown` as its last computed result; its result run
    styled like the text around it (Word and LibreOffice keep the result run's style)."""
    _field_begin(paragraph, instruction)
    add_run(paragraph, shown, size=size, color=color)
    _field_end(paragraph)


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
