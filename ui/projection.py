"""Helpers of the room's screen: shared cached aggregates, the partner link and its QR code.

Every projection tab of a workshop reads the same cached aggregates (`st.cache_data`, keyed by
workshop id, a few seconds' life): ten tabs cost one query per interval, not ten. The charts are
cached too, as Vega-Lite specs keyed by what they show: building an Altair chart and having
Altair validate it took ~90 % of a refresh (docs/benchmarks.md), and the counts rarely change.
"""

from __future__ import annotations

import io
import os
from urllib.parse import quote

import segno
import streamlit as st

from ctg_workshop.access import workshop_for_view_token
from ctg_workshop.day.projection import (
    ProjectionSnapshot,
    SwotMatrix,
    TopicLive,
    TopicResult,
    projection_snapshot,
    swot_matrix,
)
from ctg_workshop.documents.charts import quadrant_counts_chart, ranking_chart
from ctg_workshop.errors import NotFoundError
from ui import actions

REFRESH_SECONDS = 5
CACHE_SECONDS = 4
VIEW_PARAM = "vue"
PUBLIC_URL_ENV = "CTG_PUBLIC_URL"
PARTNER_PATH = "participer"
PROJECTION_PATH = "projection"


@st.cache_data(ttl=CACHE_SECONDS, show_spinner=False, max_entries=200)
def cached_snapshot(workshop_id: int) -> ProjectionSnapshot:
    return actions.read(lambda s: projection_snapshot(session=s, workshop_id=workshop_id))


@st.cache_data(ttl=CACHE_SECONDS, show_spinner=False, max_entries=500)
def cached_matrix(workshop_id: int, topic_id: int, newest: int) -> SwotMatrix:
    """The topic's `newest` cards per quadrant and its counts: a few cards to copy out of the
    cache at every refresh of every tab, not the whole topic."""
    return actions.read(
        lambda s: swot_matrix(session=s, workshop_id=workshop_id, topic_id=topic_id, newest=newest)
    )


@st.cache_data(show_spinner=False, max_entries=200)
def quadrant_counts_spec(topics: tuple[TopicLive, ...]) -> dict:
    """The counters' chart (contributions per topic and quadrant) as a Vega-Lite spec, built
    once per set of counts for every tab (`st.vega_lite_chart` draws it as `st.altair_chart`
    would draw the chart)."""
    return _fit_width_only(quadrant_counts_chart(topics, font_size=19, width=280, label_width=26).to_dict())


PROJECTION_ROW_HEIGHT = 76


@st.cache_data(show_spinner=False, max_entries=200)
def ranking_spec(result: TopicResult) -> dict:
    """A closed topic's ranking chart as a Vega-Lite spec, built once per ranking."""
    chart = ranking_chart(
        result.ranking,
        title=f"{result.title} : points reçus",
        limit=8,
        font_size=19,
        width=640,
        # 8 rows of 76 px (three label lines of 19 px), the legend above the bars: the whole
        # chart, legend included, fits a 1920 × 1080 screen under the page's title and tabs.
        row_height=PROJECTION_ROW_HEIGHT,
        legend_orient="top",
    )
    return _fit_width_only(chart.to_dict())


def _fit_width_only(spec: dict) -> dict:
    """Streamlit fits a chart without `autosize` into its height too, legend and title included:
    the bars then get squeezed and two-line labels overlap. Fit the width only."""
    return {**spec, "autosize": {"type": "fit-x", "contains": "padding"}}


@st.cache_data(ttl=30, show_spinner=False, max_entries=200)
def workshop_id_for_token(token: str) -> int | None:
    """The workshop of a projection link, or None (unknown or renewed token)."""
    try:
        return actions.read(lambda s: workshop_for_view_token(session=s, token=token))
    except NotFoundError:
        return None


def base_url() -> str:
    """The app's public address: CTG_PUBLIC_URL, else what the browser used (page path removed)."""
    configured = os.environ.get(PUBLIC_URL_ENV, "").strip()
    if configured:
        return configured.rstrip("/")
    url = (st.context.url or "").split("?", 1)[0].rstrip("/")
    for page in (PROJECTION_PATH, "animer", "preparer", PARTNER_PATH):
        if url.endswith("/" + page):
            return url[: -len(page) - 1]
    return url or "http://localhost:8501"


def partner_url(code: str) -> str:
    return f"{base_url()}/{PARTNER_PATH}?atelier={quote(code)}"


def projection_url(view_token: str) -> str:
    return f"{base_url()}/{PROJECTION_PATH}?{VIEW_PARAM}={quote(view_token)}"


@st.cache_data(show_spinner=False, max_entries=100)
def qr_png(url: str, scale: int = 12) -> bytes:
    """The QR code of `url` as PNG bytes (black on white, quiet zone kept)."""
    buffer = io.BytesIO()
    segno.make(url, error="m").save(buffer, kind="png", scale=scale, border=2)
    return buffer.getvalue()


# Layout only (never participant text): no sidebar, no toolbar, big type for the back of the room.
PROJECTION_CSS = """
<style>
[data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"], [data-testid="stHeader"],
[data-testid="stToolbar"], [data-testid="stDecoration"], [data-testid="stStatusWidget"] { display: none !important; }
html { font-size: 20px; }
[data-testid="stMainBlockContainer"], .block-container { padding: 0.8rem 1.6rem 0.5rem 1.6rem !important; max-width: 100% !important; }
[data-testid="stMetricValue"] { font-size: 2.4rem !important; font-weight: 700; }
[data-testid="stMetricLabel"] p { font-size: 1rem !important; }
.st-key-projection_code p { font-size: 2.6rem; font-weight: 800; letter-spacing: 0.06em; white-space: nowrap; line-height: 1.15; margin: 0; }
.st-key-projection_clock p { font-size: 3rem; font-weight: 800; line-height: 1.1; margin: 0; font-variant-numeric: tabular-nums; }
[data-testid="stMarkdownContainer"] h1 { font-size: 1.5rem !important; padding: 0.2rem 0 !important; }
[data-testid="stMarkdownContainer"] h2 { font-size: 1.45rem !important; padding: 0.2rem 0 !important; }
[data-testid="stMarkdownContainer"] h3 { font-size: 1.1rem !important; padding: 0 0 0.3rem 0 !important; }
[class*="st-key-swot_"] li, [class*="st-key-swot_"] li p { font-size: 0.95rem; line-height: 1.35; }
.st-key-swot_strength { background: #E6F5EF; }
.st-key-swot_weakness { background: #FBEDE5; }
.st-key-swot_opportunity { background: #E5F0F8; }
.st-key-swot_threat { background: #F8ECF3; }
</style>
"""
