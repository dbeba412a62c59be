"""AppTest fixtures: each test gets its own SQLite database and a fresh engine cache."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import streamlit as st
from sqlalchemy import Engine

from ctg_workshop.archive.load import import_archive
from ctg_workshop.storage.db import open_database, write_session


@pytest.fixture
def app_database(sqlite_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """CTG_DATABASE_URL points at an empty temporary database for the app under test."""
    monkeypatch.setenv("CTG_DATABASE_URL", sqlite_url)
    st.cache_resource.clear()
    st.cache_data.clear()
    yield sqlite_url
    st.cache_resource.clear()
    st.cache_data.clear()


@pytest.fixture
def app_demo_database(app_database: str, demo_archive: bytes) -> str:
    """The app's database holding the demo workshop ARMDEMO."""
    engine = open_database(app_database)
    with write_session(engine) as session:
        import_archive(session=session, data=demo_archive)
    engine.dispose()
    return app_database


@pytest.fixture
def facilitator_db(app_demo_database: str) -> Iterator[Engine]:
    """The app's demo database, its workshop protected by a known facilitator passphrase."""
    from ctg_workshop.access import set_facilitator_passphrase
    from tests.support.pages import FACILITATOR_PASSPHRASE, demo_workshop_id

    engine = open_database(app_demo_database)
    with write_session(engine) as session:
        set_facilitator_passphrase(
            session=session, workshop_id=demo_workshop_id(engine), passphrase=FACILITATOR_PASSPHRASE
        )
    yield engine
    engine.dispose()
