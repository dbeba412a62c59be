"""Rédiger › Documents et données: the Excel workbook downloads and opens with openpyxl."""

from __future__ import annotations

import io
from typing import ClassVar

import pytest
from openpyxl import load_workbook
from streamlit.runtime.media_file_manager import MediaFileManager
from streamlit.testing.v1 import app_test

from tests.support.pages import logged_in, page_path


class RecordingManager(MediaFileManager):
    """Streamlit's media manager, remembered: the test asks it for the deferred download."""

    made: ClassVar[list[MediaFileManager]] = []

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        RecordingManager.made.append(self)


@pytest.fixture
def manager(monkeypatch: pytest.MonkeyPatch) -> type[RecordingManager]:
    RecordingManager.made = []
    monkeypatch.setattr(app_test, "MediaFileManager", RecordingManager)
    return RecordingManager


def _downloaded(manager: type[RecordingManager], file_id: str) -> bytes:
    """What the browser receives on the click: the deferred callable's bytes, served."""
    media = manager.made[-1]
    url = media.execute_deferred(file_id)
    stored = media.read_file(url.rsplit("/", 1)[-1].split(".", 1)[0])
    assert stored is not None, url
    assert stored.filename == "donnees-ctg-armdemo.xlsx"
    return stored.content


def test_the_workbook_downloads_and_opens(facilitator_db, manager):
    at = logged_in(facilitator_db, page_path("rediger"))
    button = at.download_button(key="download_workbook")
    assert button.label == "Télécharger le classeur Excel (.xlsx)"
    data = _downloaded(manager, button.proto.deferred_file_id)
    workbook = load_workbook(io.BytesIO(data))
    assert len(workbook.sheetnames) >= 4
    contributions = workbook.worksheets[0]
    assert contributions.max_row > 10  # the demo's contributions
    assert contributions.freeze_panes == "A2"
    assert all(isinstance(c.value, str) for c in contributions[1])  # French headers
