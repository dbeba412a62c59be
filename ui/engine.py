"""The database engine, created once per server process (st.cache_resource holds it only)."""

from __future__ import annotations

import streamlit as st

from ctg_workshop.archive.backups import start_backup_scheduler
from ctg_workshop.storage.db import open_database


@st.cache_resource(show_spinner=False)
def engine():
    """Open the database named by CTG_DATABASE_URL and bring its schema up to date; start this
    process's automatic backups (once, like the engine)."""
    database = open_database()
    start_backup_scheduler(database)
    return database
