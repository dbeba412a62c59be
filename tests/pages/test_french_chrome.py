"""Streamlit's own English words are rewritten in French by one small script (ui/french.py), and
the countdown is announced in a polite live region (ui/countdown.py)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import update
from streamlit.testing.v1 import AppTest

from ctg_workshop.storage.db import write_session
from ctg_workshop.storage.models import Workshop
from tests.support.app import APP_PATH
from tests.support.pages import logged_in, page_path, run
from ui.french import TRANSLATIONS, _script


def test_every_page_carries_the_french_script(app_demo_database):
    at = run(AppTest.from_file(APP_PATH, default_timeout=30))
    scripts = [h.proto.body for h in at.get("html") if "__ctgFrench" in h.proto.body]
    assert len(scripts) == 1
    assert 'document.documentElement.lang = "fr"' in scripts[0]
    assert "Glissez-déposez le fichier ici" in scripts[0] and "Parcourir les fichiers" in scripts[0]


def test_the_table_is_french_and_leaves_typed_text_alone():
    assert all(english != french or english == "Format" for english, french in TRANSLATIONS.items())
    script = _script()
    assert "stText" in script and "stMarkdownContainer" in script and "textarea, input" in script
    assert "</script>" not in script[: -len("</script>")]


def test_the_countdown_is_announced_politely(facilitator_db):
    with write_session(facilitator_db) as session:
        ends = dt.datetime.now(dt.UTC).replace(tzinfo=None) + dt.timedelta(minutes=4, seconds=30)
        session.execute(update(Workshop).values(timer_ends_at=ends))
    at = logged_in(facilitator_db, page_path("animer"))
    live = [h.proto.body for h in at.get("html") if "aria-live" in h.proto.body]
    assert live == [live[0]] and 'aria-live="polite"' in live[0] and "Il reste 5 minutes." in live[0]
