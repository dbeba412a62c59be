"""Vote charts (Altair): French labels, a colour-blind-safe palette, sizes for a projector.

The same chart serves the projection page (Streamlit draws it) and the convention document
(rendered to PNG by vl-convert).
"""

from __future__ import annotations

import functools
import textwrap
from collections.abc import Sequence

import altair as alt
import pandas as pd

from ctg_workshop.live import TopicLive
from ctg_workshop.models import QUADRANT_LABELS, Quadrant
from ctg_workshop.results import RankedItem

# Okabe-Ito: distinguishable with every common colour-vision deficiency.
QUADRANT_COLOURS = {
    Quadrant.STRENGTH: "#009E73",
    Quadrant.WEAKNESS: "#D55E00",
    Quadrant.OPPORTUNITY: "#0072B2",
    Quadrant.THREAT: "#CC79A7",
}
LABEL_WIDTH = 48
PNG_CACHE_SIZE = 16  # a few workshops' charts (~0.5 MB each)


def _label(text: str, width: int) -> list[str]:
    """An item text as at most three lines for an axis label (Vega draws lists as lines)."""
    lines = textwrap.wrap(" ".join(text.split()), width) or [""]
    if len(lines) > 3:
        lines = [*lines[:2], textwrap.shorten(" ".join(lines[2:]), width, placeholder=" …")]
    return lines


def ranking_frame(items: Sequence[RankedItem], *, limit: int = 10) -> pd.DataFrame:
    """The top `limit` representative items as rows: rank, label, quadrant, dots, voters."""
    top = list(items)[:limit]
    return pd.DataFrame(
        {
            "rang": list(range(1, len(top) + 1)),
            "contribution": [f"{i + 1}. {item.text}" for i, item in enumerate(top)],
            "quadrant": [QUADRANT_LABELS[Quadrant(item.quadrant)] for item in top],
            "points": [item.dots for item in top],
            "votants": [item.voters for item in top],
        }
    )


def ranking_chart(
    items: Sequence[RankedItem],
    *,
    title: str,
    limit: int = 10,
    font_size: int = 14,
    width: int = 520,
    row_height: int | None = None,
) -> alt.Chart:
    """Horizontal bars of the top items by dots, coloured by quadrant, best at the top.

    Each bar carries its item's text (up to three lines) on its left and its dots on its right.
    Labels are plain strings with line breaks (not lists): the same spec renders in the browser
    (Streamlit sends data as Arrow) and in vl-convert (documents).
    """
    frame = ranking_frame(items, limit=limit)
    frame["étiquette"] = ["\n".join(_label(text, LABEL_WIDTH)) for text in frame["contribution"]]
    palette = alt.Scale(
        domain=[QUADRANT_LABELS[q] for q in Quadrant], range=[QUADRANT_COLOURS[q] for q in Quadrant]
    )
    y = alt.Y("rang:O", title=None, scale=alt.Scale(paddingInner=0.25), axis=None)
    bars = (
        alt.Chart(
            frame, title=alt.TitleParams(title, fontSize=round(font_size * 1.4), anchor="start", offset=14)
        )
        .mark_bar()
        .encode(
            y=y,
            x=alt.X("points:Q", title="Points reçus", axis=alt.Axis(tickMinStep=1, format="d", grid=False)),
            color=alt.Color("quadrant:N", title=None, scale=palette, legend=alt.Legend(orient="bottom")),
            tooltip=[
                alt.Tooltip("contribution:N", title="Contribution"),
                alt.Tooltip("quadrant:N", title="Quadrant"),
                alt.Tooltip("points:Q", title="Points"),
                alt.Tooltip("votants:Q", title="Votants"),
            ],
        )
    )
    labels = (
        alt.Chart(frame)
        .mark_text(
            align="right", baseline="middle", dx=-10, fontSize=font_size, lineBreak="\n", color="#1A1A1A"
        )
        .encode(y=y, x=alt.value(0), text=alt.Text("étiquette:N"))
    )
    counts = bars.mark_text(align="left", dx=6, fontSize=font_size + 2, fontWeight="bold").encode(
        text=alt.Text("points:Q"), color=alt.value("#1A1A1A")
    )
    row_height = row_height or max(3 * (font_size + 3) + 12, 44)
    return (
        alt.layer(labels, bars, counts)
        .properties(width=width, height=max(row_height * len(frame), 60))
        .configure_axis(labelFontSize=font_size, titleFontSize=font_size)
        .configure_legend(labelFontSize=font_size, titleFontSize=font_size, symbolSize=font_size * 14)
        .configure_view(strokeWidth=0)
    )


def chart_png(chart: alt.Chart, *, scale: float = 2.0) -> bytes:
    """The chart as PNG bytes (no browser: vl-convert renders Vega-Lite itself)."""
    import vl_convert

    return vl_convert.vegalite_to_png(chart.to_json(), scale=scale)


@functools.lru_cache(maxsize=PNG_CACHE_SIZE)
def ranking_png(
    items: tuple[RankedItem, ...], *, title: str, limit: int = 10, width: int = 520, scale: float = 2.0
) -> bytes:
    """`ranking_chart(items, …)` as PNG bytes, kept for the next document that asks for the same
    chart: vl-convert takes ~0.2 to 0.5 s per chart, holding the GIL (docs/benchmarks.md), and a
    closed workshop's rankings no longer change between two exports. Pass only the items shown
    (`items[:limit]`): they are the key."""
    return chart_png(ranking_chart(items, title=title, limit=limit, width=width), scale=scale)


def quadrant_counts_frame(topics: Sequence[TopicLive]) -> pd.DataFrame:
    """One row per (topic, quadrant): the visible contributions written so far."""
    rows = [
        {
            "sujet": topic.title,
            "ordre": position,
            "quadrant": QUADRANT_LABELS[quadrant],
            "rang_quadrant": list(Quadrant).index(quadrant),
            "contributions": topic.count(quadrant),
        }
        for position, topic in enumerate(topics)
        for quadrant in Quadrant
    ]
    return pd.DataFrame(rows, columns=["sujet", "ordre", "quadrant", "rang_quadrant", "contributions"])


def quadrant_counts_chart(
    topics: Sequence[TopicLive], *, font_size: int = 16, width: int = 480, label_width: int = 24
) -> alt.Chart:
    """Stacked horizontal bars: each topic's contributions by quadrant, with its total at the end."""
    frame = quadrant_counts_frame(topics)
    # Topic titles as wrapped axis labels ("|" separates the lines), kept in the workshop's order.
    labels = {topic.title: "|".join(_label(topic.title, label_width)) for topic in topics}
    frame["sujet"] = frame["sujet"].map(labels)
    totals = frame.groupby("sujet", as_index=False, sort=False)["contributions"].sum()
    palette = alt.Scale(
        domain=[QUADRANT_LABELS[q] for q in Quadrant], range=[QUADRANT_COLOURS[q] for q in Quadrant]
    )
    y = alt.Y(
        "sujet:N",
        sort=list(labels.values()),
        title=None,
        scale=alt.Scale(paddingInner=0.3),
        axis=alt.Axis(labelLimit=width, labelExpr="split(datum.label, '|')", labelPadding=8),
    )
    bars = (
        alt.Chart(frame)
        .mark_bar()
        .encode(
            y=y,
            x=alt.X("contributions:Q", title=None, stack="zero", axis=None),
            color=alt.Color(
                "quadrant:N", title=None, scale=palette, legend=alt.Legend(orient="bottom", columns=2)
            ),
            order=alt.Order("rang_quadrant:Q"),
            tooltip=[
                alt.Tooltip("quadrant:N", title="Quadrant"),
                alt.Tooltip("contributions:Q", title="Contributions"),
            ],
        )
    )
    # Each quadrant's count inside its own segment (white on the palette's dark colours).
    segments = (
        alt.Chart(frame)
        .transform_filter("datum.contributions > 0")
        .transform_stack(
            stack="contributions",
            as_=["début", "fin"],
            groupby=["sujet"],
            sort=[alt.SortField("rang_quadrant")],
        )
        .transform_calculate(milieu="(datum['début'] + datum.fin) / 2")
        .mark_text(fontSize=font_size - 2, fontWeight="bold", color="#FFFFFF")
        .encode(y=y, x=alt.X("milieu:Q"), text=alt.Text("contributions:Q", format="d"))
    )
    totals_text = (
        alt.Chart(totals)
        .mark_text(align="left", dx=6, fontSize=font_size, fontWeight="bold", color="#1A1A1A")
        .encode(y=y, x=alt.X("contributions:Q"), text=alt.Text("contributions:Q", format="d"))
    )
    row_height = (
        max((font_size + 4) * max(len(v.split("|")) for v in labels.values()) + 16, 44) if labels else 44
    )
    return (
        alt.layer(bars, segments, totals_text)
        .properties(width=width, height=row_height * max(len(topics), 1))
        .configure_axis(labelFontSize=font_size, titleFontSize=font_size, domain=False, ticks=False)
        .configure_legend(labelFontSize=font_size, symbolSize=font_size * 14, labelLimit=300)
        .configure_view(strokeWidth=0)
    )
