"""Rédiger › documents: « Télécharger en PDF », through LibreOffice on the server. Without it, the
button gives way to a French note saying how to install it."""

from __future__ import annotations

from collections.abc import Callable

from ctg_workshop.documents.formats import MIME
from ctg_workshop.documents.office import INSTALL_HINT, available


def pdf_download(place, label: str, build: Callable[[], bytes], file_name: str, key: str) -> None:
    """A download of the PDF `build` makes on the click, in `place` (a column)."""
    if not available():
        place.caption(INSTALL_HINT)
        return
    place.download_button(
        label,
        data=build,
        file_name=file_name,
        mime=MIME["pdf"],
        on_click="ignore",
        icon=":material/picture_as_pdf:",
        key=f"download_{key}_pdf",
        help="Mis en page par LibreOffice sur le serveur : quelques secondes.",
    )
