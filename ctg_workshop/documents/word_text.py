"""Runs of text in a Word document: styled runs written straight as XML, highlighted
placeholders, and fields (PAGE, NUMPAGES, the table of contents).

Text always goes in as runs (python-docx never interprets Markdown or HTML), so what a
participant typed is printed as typed.
"""

from __future__ import annotations

import re

from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_COLOR_INDEX
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Pt, RGBColor
from docx.text.paragraph import Paragraph
from docx.text.run import Run
from lxml import etree

from ctg_workshop.documents.typography import french_typography

PLACEHOLDER = "À compléter"
GREY = RGBColor(0x59, 0x59, 0x59)
WHITE = RGBColor(0xFF, 0xFF, 0xFF)
_BREAKS = re.compile(r"[\t\n\r]")
_PPR = qn("w:pPr")
_RUN, _TEXT, _RPR, _BOLD, _ITALIC, _COLOR, _SIZE, _VAL, _JC = (
    qn(tag) for tag in ("w:r", "w:t", "w:rPr", "w:b", "w:i", "w:color", "w:sz", "w:val", "w:jc")
)
_SPACE = qn("xml:space")


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


# --------------------------------------------------------------------------- fields


def field_begin(paragraph: Paragraph, instruction: str) -> None:
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


def field_end(paragraph: Paragraph) -> None:
    end = OxmlElement("w:fldChar")
    end.set(qn("w:fldCharType"), "end")
    paragraph.add_run()._r.append(end)


def add_field(paragraph: Paragraph, instruction: str, shown: str, *, size: float | None = None,
              color: RGBColor | None = None) -> None:  # fmt: skip
    """A Word field (PAGE, NUMPAGES…) with `shown` as its last computed result; its result run
    styled like the text around it (Word and LibreOffice keep the result run's style)."""
    field_begin(paragraph, instruction)
    add_run(paragraph, shown, size=size, color=color)
    field_end(paragraph)
