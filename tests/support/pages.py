"""AppTest helpers shared by the page tests: the demo workshop, a logged-in facilitator, runs."""

from __future__ import annotations

import html
import re
from pathlib import Path

from sqlalchemy import Engine, select
from streamlit.testing.v1 import AppTest

from ctg_workshop.access import facilitator_stamp
from ctg_workshop.storage.db import read_session
from ctg_workshop.storage.models import Workshop
from ui.auth import STAMP_KEY, WORKSHOP_KEY

PAGES_DIR = Path(__file__).resolve().parents[2] / "pages"
FACILITATOR_PASSPHRASE = "atelier-de-test"


def page_path(name: str) -> str:
    return str(PAGES_DIR / f"{name}.py")


def demo_workshop_id(engine: Engine) -> int:
    with read_session(engine) as session:
        return session.scalar(select(Workshop.id).where(Workshop.code == "ARMDEMO"))


def run(target: AppTest) -> AppTest:
    """Run the page and fail on any exception it shows."""
    at = target.run()
    assert not at.exception, at.exception
    return at


def logged_in(engine: Engine, page: str, *, timeout: float = 60) -> AppTest:
    """The page for a facilitator already logged in (the login form has its own test)."""
    at = AppTest.from_file(page, default_timeout=timeout)
    workshop_id = demo_workshop_id(engine)
    with read_session(engine) as session:
        at.session_state[WORKSHOP_KEY] = workshop_id
        at.session_state[STAMP_KEY] = facilitator_stamp(session=session, workshop_id=workshop_id)
    return run(at)


def shown(markdown: str) -> str:
    """What the reader sees of a Markdown text escaped by ui.safe.plain."""
    return html.unescape(re.sub(r"\\(.)", r"\1", markdown))


def open_expander(at: AppTest, key: str) -> AppTest:
    """Open a lazy expander (`ui.partner.screen.lazy_expander`) as a tap on it does: its open
    state set, then a run of the page, which draws its content."""
    at.session_state[key] = True
    return run(at)
