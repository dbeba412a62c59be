"""LibreOffice, headless, for what python-docx cannot do: lay the pages out. One pass over a .docx
updates its table of contents (LibreOffice numbers the pages) and writes the PDF; the page numbers
it found are then written into our own document's Sommaire, so the .docx opens with them and
without Word's « update the fields? » question.

Each export runs in its own LibreOffice profile (copied from a template prepared once per
machine), with a time limit: two coordinators exporting at once do not share an instance. The
pass is a Basic macro of that profile (`Ctg.Refresh`): Debian's LibreOffice has no Python-UNO.
"""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import tempfile
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from docx import Document
from docx.oxml.ns import qn

from ctg_workshop.errors import CtgError

TIMEOUT_S = 180
MACRO_VERSION = 2  # part of the profile template's name: a changed macro gets a new template
INSTALL_HINT = (
    "LibreOffice est nécessaire pour cet export (mise en page, numéros de page du sommaire, PDF). "
    "Installez-le sur le serveur : sudo apt install libreoffice-writer-nogui (Debian, Ubuntu), "
    "puis relancez l'application."
)
_TEMPLATE_LOCK = threading.Lock()
_MACRO = """<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE script:module PUBLIC "-//OpenOffice.org//DTD OfficeDocument 1.0//EN" "module.dtd">
<script:module xmlns:script="http://openoffice.org/2000/script" script:name="Ctg" script:language="StarBasic">
Sub Refresh(source As String, docxTarget As String, pdfTarget As String)
  Dim load(0) As New com.sun.star.beans.PropertyValue
  load(0).Name = &quot;Hidden&quot; : load(0).Value = True
  doc = StarDesktop.loadComponentFromURL(source, &quot;_blank&quot;, 0, load())
  indexes = doc.getDocumentIndexes()
  For i = 0 To indexes.getCount() - 1
    indexes.getByIndex(i).update()
  Next
  doc.getTextFields().refresh()
  Dim store(0) As New com.sun.star.beans.PropertyValue
  store(0).Name = &quot;FilterName&quot;
  If docxTarget &lt;&gt; &quot;&quot; Then
    store(0).Value = &quot;MS Word 2007 XML&quot;
    doc.storeToURL(docxTarget, store())
  End If
  store(0).Value = &quot;writer_pdf_Export&quot;
  doc.storeToURL(pdfTarget, store())
  doc.close(True)
  StarDesktop.terminate()
End Sub
</script:module>
"""


class OfficeUnavailableError(CtgError):
    """LibreOffice is not installed, or did not finish its work in time."""


@dataclass(frozen=True)
class LaidOut:
    """What LibreOffice's pass gives: the PDF, and the Sommaire's entries with their pages."""

    pdf: bytes
    contents: tuple[tuple[str, int], ...]


def soffice() -> str | None:
    """LibreOffice's program: `CTG_SOFFICE` when set (a path or a name; empty: none), else
    `soffice` on the PATH."""
    chosen = os.environ.get("CTG_SOFFICE")
    if chosen is not None:
        return shutil.which(chosen) if chosen else None
    return shutil.which("soffice")


def available() -> bool:
    return soffice() is not None


def lay_out(docx: bytes, *, contents: bool = True) -> LaidOut:
    """Run LibreOffice once over `docx`: table of contents updated, PDF written; `contents`:
    also read back the Sommaire's page numbers (LibreOffice then writes a .docx too)."""
    program = soffice()
    if program is None:
        raise OfficeUnavailableError(INSTALL_HINT)
    with tempfile.TemporaryDirectory(prefix="ctg-office-") as work:
        folder = Path(work)
        profile = folder / "profile"
        shutil.copytree(_template(program), profile, symlinks=True)
        source, docx_out, pdf_out = folder / "in.docx", folder / "out.docx", folder / "out.pdf"
        source.write_bytes(docx)
        macro = (
            f'macro:///Standard.Ctg.Refresh("{source.as_uri()}","{docx_out.as_uri()}","{pdf_out.as_uri()}")'
        )
        _run([program, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--norestore", macro])
        if not pdf_out.exists() or not docx_out.exists():
            raise OfficeUnavailableError(
                "LibreOffice n'a pas produit le document : réessayez, ou exportez en .docx."
            )
        return LaidOut(pdf_out.read_bytes(), contents_of(docx_out.read_bytes()))


def to_pdf(docx: bytes) -> bytes:
    """The PDF (LibreOffice updates a table of contents itself as it lays the pages out)."""
    return lay_out(docx, contents=False).pdf


@dataclass(frozen=True)
class Paginated:
    docx: bytes  # with its Sommaire's page numbers
    pdf: bytes


def paginate(build: Callable[[Sequence[int] | None], bytes]) -> Paginated:
    """`build(pages)` makes the .docx (its Sommaire without numbers when `pages` is None): built
    once, laid out by LibreOffice, then built again with the page numbers LibreOffice found."""
    first = build(None)
    laid = lay_out(first)
    pages = [page for _title, page in laid.contents]
    return Paginated(build(pages) if pages else first, laid.pdf)


def contents_of(docx: bytes) -> tuple[tuple[str, int], ...]:
    """The table of contents LibreOffice wrote: (entry, page) in order. Its entries are
    paragraphs styled « Contents N » inside a content control, which python-docx's paragraph
    list does not enter: read from the XML."""
    body = Document(io.BytesIO(docx)).element.body
    entries = []
    for paragraph in body.iter(qn("w:p")):
        style = paragraph.find(f"{qn('w:pPr')}/{qn('w:pStyle')}")
        name = (style.get(qn("w:val")) or "").lower() if style is not None else ""
        if not name.startswith(("contents", "toc")):
            continue
        text = "".join(
            "\t" if node.tag == qn("w:tab") else (node.text or "")
            for node in paragraph.iter(qn("w:t"), qn("w:tab"))
            if node.getparent().tag == qn("w:r")
        )
        title, _, page = text.rpartition("\t")
        if title and page.strip().isdigit():
            entries.append((title.strip(), int(page)))
    return tuple(entries)


def _run(command: list[str]) -> None:
    try:
        subprocess.run(command, check=True, capture_output=True, timeout=TIMEOUT_S)
    except subprocess.TimeoutExpired:
        raise OfficeUnavailableError(
            f"LibreOffice n'a pas terminé en {TIMEOUT_S} secondes : réessayez, ou exportez en .docx."
        ) from None
    except (subprocess.CalledProcessError, OSError) as error:
        raise OfficeUnavailableError(
            f"LibreOffice a échoué ({error}) : réessayez, ou exportez en .docx."
        ) from None


def _template(program: str) -> Path:
    """A LibreOffice profile with our macro, made once per machine and user, then copied."""
    template = Path(tempfile.gettempdir()) / f"ctg-office-profile-{MACRO_VERSION}-{os.getuid()}"
    with _TEMPLATE_LOCK:
        if (template / "user" / "basic" / "Standard" / "Ctg.xba").exists():
            return template
        building = Path(tempfile.mkdtemp(prefix="ctg-office-profile-"))
        _run([program, f"-env:UserInstallation={building.as_uri()}", "--headless", "--norestore",
              "--terminate_after_init"])  # fmt: skip
        library = building / "user" / "basic" / "Standard"
        (library / "Ctg.xba").write_text(_MACRO, encoding="utf-8")
        index = library / "script.xlb"
        text = index.read_text(encoding="utf-8")
        if 'library:name="Ctg"' not in text:
            text = text.replace(
                "</library:library>", ' <library:element library:name="Ctg"/>\n</library:library>'
            )
            index.write_text(text, encoding="utf-8")
        try:
            building.rename(template)  # atomic: another process sees a whole template or none
        except OSError:  # another process made it meanwhile
            shutil.rmtree(building, ignore_errors=True)
        return template
