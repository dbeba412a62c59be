"""Benchmark 5: the convention's follow-up — page « Suivre » (30 indicators × 4 years) and the
annual report (.docx), each against its floor.

The page is measured as Streamlit's own test runner runs it, in this process: the script run's
time is the server's time for a coordinator's rerun (no browser, no network). Its floor is a
page that reads the same overview and shows each fiche's figures as one plain table: the same
data, without forms, charts or tabs. The report's floor is python-docx writing the report's
text as plain paragraphs (as for the convention, `export.py`).
"""

from __future__ import annotations

import datetime as dt
import json
import time
from pathlib import Path

from streamlit.testing.v1 import AppTest

from ctg_workshop.access import facilitator_stamp, set_facilitator_passphrase
from ctg_workshop.archive.load import import_archive
from ctg_workshop.documents.bilan import bilan_data, build_bilan
from ctg_workshop.storage.db import open_database, read_session, write_session
from measure.benchmarks.export import document_texts, plain_document
from measure.benchmarks.results import Figure, Goal, Target
from measure.benchmarks.stats import Samples
from measure.benchmarks.workshop import WorkshopSize, build_follow_up_archive

PAGE = Path(__file__).resolve().parents[2] / "pages" / "suivre.py"
INDICATORS = 30
YEAR = 2024
PAGE_TARGETS = (Target(Goal.AT_MOST, 0.1), Target(Goal.RATIO_AT_MOST, 3.0))
# The floor writes text only: the charts (vl-convert) make most of the report's time, so the
# target is the 2 s, the ratio reported without a goal.
REPORT_TARGETS = (Target(Goal.AT_MOST, 2.0),)


def floor_page() -> None:
    """The page's floor (run by AppTest.from_function: imports inside)."""
    import streamlit as st

    from ctg_workshop.follow_up.overview import follow_up_overview
    from ctg_workshop.storage.db import read_session
    from ui.engine import engine

    with read_session(engine()) as session:
        overview = follow_up_overview(session=session, workshop_id=st.session_state["bench_workshop_id"])
    st.title("Suivre la convention")
    for fiche in overview.fiches:
        st.dataframe(
            {
                "Indicateur": [i.label for i in fiche.indicators],
                **{
                    str(y): [str(i.values[y].value_milli) if y in i.values else "" for i in fiche.indicators]
                    for y in overview.years
                },
            }
        )


def prepare(directory: Path, size: WorkshopSize) -> tuple[str, int]:
    """A SQLite database holding a workshop with its follow-up; its URL and the workshop's id."""
    url = f"sqlite:///{directory / 'suivi.sqlite3'}"
    engine = open_database(url)
    try:
        archive = build_follow_up_archive(size, code="SUIVI", indicators=INDICATORS)
        with write_session(engine) as session:
            workshop = import_archive(session=session, data=json.dumps(archive, ensure_ascii=False))
            set_facilitator_passphrase(session=session, workshop_id=workshop.id, passphrase="banc-de-mesure")
            return url, workshop.id
    finally:
        engine.dispose()


def _page_runs(url: str, workshop_id: int, count: int) -> tuple[list[float], list[float]]:
    import os

    import streamlit as st

    previous = os.environ.get("CTG_DATABASE_URL")
    os.environ["CTG_DATABASE_URL"] = url
    st.cache_resource.clear()  # the pages' engine is cached: this size's database, not the last one's
    try:
        return _measure_page(url, workshop_id, count)
    finally:
        st.cache_resource.clear()
        if previous is None:
            os.environ.pop("CTG_DATABASE_URL", None)
        else:
            os.environ["CTG_DATABASE_URL"] = previous


def _measure_page(url: str, workshop_id: int, count: int) -> tuple[list[float], list[float]]:
    from ui.auth import STAMP_KEY, WORKSHOP_KEY

    engine = open_database(url)
    with read_session(engine) as session:
        stamp = facilitator_stamp(session=session, workshop_id=workshop_id)
    engine.dispose()
    page = AppTest.from_file(str(PAGE), default_timeout=120)
    page.session_state[WORKSHOP_KEY], page.session_state[STAMP_KEY] = workshop_id, stamp
    floor = AppTest.from_function(floor_page, default_timeout=120)
    floor.session_state["bench_workshop_id"] = workshop_id
    page.run(), floor.run()  # first runs: imports, caches, the engine
    if page.exception or not page.title or page.title[0].value != "Suivre la convention":
        raise RuntimeError(f"La page Suivre n'a pas été dessinée : {page.exception}")
    subject, base = [], []
    for _ in range(count):
        subject.append(_seconds(page.run))
        base.append(_seconds(floor.run))
    return subject, base


def _seconds(action) -> float:
    started = time.perf_counter()
    action()
    return time.perf_counter() - started


def profile_report(directory: Path, size: WorkshopSize) -> str:
    """The annual report built once, profiled in this process."""
    from measure.benchmarks.profiling import profile_call

    url, workshop_id = prepare(directory, size)
    engine = open_database(url)

    def report() -> bytes:
        with read_session(engine) as session:
            return build_bilan(bilan_data(session=session, workshop_id=workshop_id, year=YEAR))

    try:
        report()
        return profile_call(report)
    finally:
        engine.dispose()


def _report_runs(url: str, workshop_id: int, count: int) -> tuple[list[float], list[float], int]:
    engine = open_database(url)

    def report() -> bytes:
        with read_session(engine) as session:
            return build_bilan(
                bilan_data(session=session, workshop_id=workshop_id, year=YEAR, today=dt.date(2026, 12, 3))
            )

    try:
        first = report()
        texts = document_texts(first)
        subject, base = [], []
        for _ in range(count):
            subject.append(_seconds(report))
            base.append(_seconds(lambda: plain_document(texts)))
        return subject, base, len(first)
    finally:
        engine.dispose()


def bench_follow_up(directory: Path, size: WorkshopSize, count: int) -> list[Figure]:
    url, workshop_id = prepare(directory, size)
    page, page_floor = _page_runs(url, workshop_id, max(count * 3, 3))
    report, report_floor, report_bytes = _report_runs(url, workshop_id, max(count, 2))
    shape = f"{INDICATORS} indicateurs sur 4 fiches, une valeur par année sur 4 ans, commentaires et notes"
    return [
        Figure(
            "follow_up.page",
            "Page « Suivre », exécution du script (serveur)",
            size.scale,
            Samples.of(page),
            Samples.of(page_floor),
            floor_title="la même lecture, un tableau simple par fiche",
            targets=PAGE_TARGETS,
            notes=(shape, "une fiche affichée à la fois, graphiques Altair mis en cache (st.cache_data)"),
        ),
        Figure(
            "follow_up.report",
            f"Bilan annuel {YEAR} (.docx)",
            size.scale,
            Samples.of(report),
            Samples.of(report_floor),
            floor_title="python-docx, le même texte en paragraphes simples",
            targets=REPORT_TARGETS,
            notes=(
                shape,
                f"document de {report_bytes // 1024} Kio, un graphique par fiche (Altair, vl-convert)",
            ),
        ),
    ]
