"""Tables in a Word document: cells filled with runs, shading, rows kept together or repeated
as headers, column widths, merged rows."""

from __future__ import annotations

import weakref
from collections.abc import Sequence

from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, RGBColor
from docx.table import Table, _Cell, _Row
from docx.text.paragraph import Paragraph
from lxml import etree

from ctg_workshop.documents.word_text import add_placeholder, add_run, set_alignment

LABEL_FILL = "D9E2F3"
TITLE_FILL = "1F3864"
_PPR, _VAL = qn("w:pPr"), qn("w:val")
_TCPR, _TCW, _TYPE, _W = (qn(tag) for tag in ("w:tcPr", "w:tcW", "w:type", "w:w"))
_PARAGRAPH, _PSTYLE = qn("w:p"), qn("w:pStyle")


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
