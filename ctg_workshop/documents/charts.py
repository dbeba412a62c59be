"""Vote charts: French labels, a colour-blind-safe palette, sizes for a projector.

The projection page draws the Altair charts (`ranking_chart`, `quadrant_counts_chart`) in the
browser; the convention document prints the same ranking chart as a PNG drawn with Pillow
(`ranking_png`: 20 times faster than rendering the Altair chart with vl-convert;
drawn in `chart_drawing.py`).
"""

from __future__ import annotations

import functools
import textwrap
from collections.abc import Sequence

import altair as alt
import pandas as pd

from ctg_workshop.day.projection import TopicLive
from ctg_workshop.day.ranks import display_ranks
from ctg_workshop.day.results import RankedItem
from ctg_workshop.documents.chart_drawing import document_fonts, draw_ranking
from ctg_workshop.documents.palette import QUADRANT_COLOURS
from ctg_workshop.storage.models import Quadrant
from ctg_workshop.wording import QUADRANT_LABELS

LABEL_WIDTH = 48
PNG_CACHE_SIZE = 16  # a few workshops' charts (~90 KiB each)


def _label(text: str, width: int) -> list[str]:
    """An item text as at most three lines for an axis label (Vega draws lists as lines)."""
    # The typed line breaks are kept (« Ligne 1 / Ligne 2 » reads as two), each line wrapped.
    lines = [part for raw in text.split("\n") for part in textwrap.wrap(" ".join(raw.split()), width)] or [""]
    if len(lines) > 3:
        lines = [*lines[:2], textwrap.shorten(" ".join(lines[2:]), width, placeholder=" …")]
    return lines


def numbered(items: Sequence[RankedItem], *, limit: int = 10, words: bool = False) -> list[str]:
    """The first `limit` items' texts behind their display rank (`ranks.display_ranks`): tied
    items share a number, an item without points has none. `words`: « 2 ex æquo » for a tie."""
    ranks = display_ranks(items)[:limit]
    return [
        (f"{rank.label if words else rank.number}. " if rank.number is not None else "") + item.text
        for rank, item in zip(ranks, items, strict=False)
    ]


def ranking_frame(items: Sequence[RankedItem], *, limit: int = 10) -> pd.DataFrame:
    """The top `limit` representative items as rows: position (the order), label (with its
    display rank), quadrant, dots, voters."""
    top = list(items)[:limit]
    return pd.DataFrame(
        {
            "rang": list(range(1, len(top) + 1)),
            "contribution": numbered(items, limit=limit),
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
    legend_orient: str = "bottom",
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
            color=alt.Color("quadrant:N", title=None, scale=palette, legend=alt.Legend(orient=legend_orient)),
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
    """The chart as PNG bytes (no browser: vl-convert renders Vega-Lite itself). ~0.1 to 0.35 s
    per chart, holding the GIL: the documents draw their charts with Pillow instead
    (`ranking_png`), and come here only when no font with French accents is found."""
    import vl_convert

    return vl_convert.vegalite_to_png(chart.to_json(validate=False), scale=scale)


@functools.lru_cache(maxsize=PNG_CACHE_SIZE)
def ranking_png(
    items: tuple[RankedItem, ...], *, title: str, limit: int = 10, width: int = 520, scale: float = 2.0
) -> bytes:
    """`ranking_chart(items, …)` drawn for a document: PNG bytes, `scale` pixels per chart unit.

    Drawn with Pillow, not rendered by vl-convert. Measured on the 2-core machine of
    docs/benchmarks.md, per chart of the stress workshop (10 bars, 3-line labels): vl-convert
    0.10 to 0.35 s at scale 2 (0.8 s for the first call of a process, 0.11 s at scale 1; SVG
    0.05 s, then 0.07 s to rasterise it), plus 6 to 16 ms for Altair to build and serialise
    the spec, and it holds the GIL (four charts in four threads: 0.60 s, in a row: 0.48 s).
    This drawing: ~14 ms and ~85 KiB (vl-convert: ~510 KiB); four charts 55 ms, plus ~0.1 s
    once per process for the font and its glyphs. The convention's first export (benchmarks/
    export.py, 1×) went from 1.02 s, 5.6 times its floor, to 0.38 s, 2.0 times. A Word table
    drawn as bars costs less still (~5 ms a chart) but its bars are as thick as their labels
    are long and it lays out differently in Word and LibreOffice: the picture keeps the
    projection's chart, with its text alternative (`ranking_alt_text`).

    Kept for the next document that asks for the same chart (a closed workshop's rankings no
    longer change). Pass only the items shown and the next one (`items[: limit + 1]`, which
    tells whether the last bar shown is tied): they are the key."""
    fonts = document_fonts()
    if fonts is None:  # no font with French accents on this machine: let vl-convert draw it
        return chart_png(ranking_chart(items, title=title, limit=limit, width=width), scale=scale)
    top = list(items)[:limit]
    return draw_ranking(top, numbered(items, limit=limit), title=title, width=width, scale=scale, fonts=fonts)


def ranking_alt_text(items: Sequence[RankedItem], *, title: str, limit: int = 10) -> str:
    """The chart's text alternative (RGAA 1.x): what it shows, bar by bar, in words."""
    top = list(items)[:limit]
    bars = " ; ".join(
        f"{' '.join(label.split())} ({QUADRANT_LABELS[Quadrant(item.quadrant)].lower()}) : "
        f"{item.dots} point{'s' if item.dots > 1 else ''}"
        for label, item in zip(numbered(items, limit=limit, words=True), top, strict=True)
    )
    return f"Graphique en barres « {title} », couleur selon le quadrant SWOT. {bars}."


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
