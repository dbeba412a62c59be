"""Projection, the trial's smaller findings: once closed it no longer invites people to join,
the phase is named as on Animer, and the ranking chart (legend included) fits a 1920 × 1080 screen."""

from __future__ import annotations

import json

from sqlalchemy import select

from ctg_workshop.storage.db import read_session
from ctg_workshop.storage.models import Phase, Topic
from ctg_workshop.wording import PHASE_LABELS
from tests.pages.test_projection import all_text, charts, db, projection, set_phase, token
from ui.projection import PROJECTION_ROW_HEIGHT

__all__ = ["db", "token"]  # the projection tests' fixtures

SCREEN_HEIGHT = 1080
ABOVE_THE_CHART = 330  # browser bar, Streamlit's header, the page's title and topic tabs
CHART_MARGINS = 140  # the chart's title, legend and axis


def test_closed_projection_no_longer_invites_to_join(db, token):
    open_day = projection(token)
    assert "Pour participer, scannez le QR code" in all_text(open_day)
    assert open_day.get("image")  # the QR code
    set_phase(db, Phase.CLOSED)
    at = projection(token)
    text = all_text(at)
    assert "Pour participer" not in text and "/participer" not in text
    assert not at.get("image")  # no QR code
    assert "L'atelier est clos" in text


def test_the_closed_phase_has_one_name(db, token):
    assert PHASE_LABELS[Phase.CLOSED] == "Clôture"
    set_phase(db, Phase.CLOSED)
    assert "## Clôture" in [m.value for m in projection(token).markdown]


def test_the_ranking_chart_fits_a_full_hd_screen_legend_included(db, token):
    set_phase(db, Phase.CLOSED)
    with read_session(db) as session:
        topic_id = session.scalar(select(Topic.id).where(Topic.key == "parentalite"))
    at = projection(token).segmented_control(key="projection_topic").set_value(topic_id).run()
    (chart,) = charts(at)
    spec = json.loads(chart.proto.spec)
    legends = [
        layer["encoding"]["color"].get("legend")
        for layer in spec["layer"]
        if "color" in layer.get("encoding", {})
    ]
    assert {"orient": "top"} in legends  # above the bars, never below the fold
    assert spec["height"] == 8 * PROJECTION_ROW_HEIGHT  # eight bars
    assert ABOVE_THE_CHART + CHART_MARGINS + spec["height"] <= SCREEN_HEIGHT
