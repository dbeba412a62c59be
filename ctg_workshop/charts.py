"""Vote charts (Altair): French labels, a colour-blind-safe palette, sizes for a projector.

The same chart serves the projection page (Streamlit draws it) and the convention document
(rendered to PNG by vl-convert).
"""

from __future__ import annotations

import textwrap
from collections.abc import Sequence

import altair as alt
import pandas as pd

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
    items: Sequence[RankedItem], *, title: str, limit: int = 10, font_size: int = 14, width: int = 520
) -> alt.Chart:
    """Horizontal bars of the top items by dots, coloured by quadrant, best at the top."""
    frame = ranking_frame(items, limit=limit)
    frame["étiquette"] = [_label(text, LABEL_WIDTH) for text in frame["contribution"]]
    palette = alt.Scale(
        domain=[QUADRANT_LABELS[q] for q in Quadrant], range=[QUADRANT_COLOURS[q] for q in Quadrant]
    )
    bars = (
        alt.Chart(frame, title=alt.TitleParams(title, fontSize=font_size + 4, anchor="start"))
        .mark_bar()
        .encode(
            y=alt.Y("rang:O", title=None, scale=alt.Scale(paddingInner=0.25), axis=None),
            x=alt.X("points:Q", title="Points reçus", axis=alt.Axis(tickMinStep=1, format="d")),
            color=alt.Color(
                "quadrant:N", title="Quadrant", scale=palette, legend=alt.Legend(orient="bottom")
            ),
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
        .mark_text(align="right", baseline="middle", dx=-8, fontSize=font_size, lineBreak="\n")
        .encode(
            y=alt.Y("rang:O", scale=alt.Scale(paddingInner=0.25), axis=None),
            text=alt.Text("étiquette_texte:N"),
            x=alt.value(0),
        )
        .transform_calculate(**{"étiquette_texte": "join(datum['étiquette'], '\\n')"})
    )
    counts = bars.mark_text(align="left", dx=6, fontSize=font_size, fontWeight="bold").encode(
        text=alt.Text("points:Q"), color=alt.value("#1A1A1A")
    )
    row_height = max(3 * font_size + 10, 44)
    return (
        alt.layer(labels, bars, counts)
        .properties(width=width, height=max(row_height * len(frame), 60))
        .configure_axis(labelFontSize=font_size, titleFontSize=font_size)
        .configure_legend(labelFontSize=font_size, titleFontSize=font_size)
        .configure_view(strokeWidth=0)
    )


def chart_png(chart: alt.Chart, *, scale: float = 2.0) -> bytes:
    """The chart as PNG bytes (no browser: vl-convert renders Vega-Lite itself)."""
    import vl_convert

    return vl_convert.vegalite_to_png(chart.to_json(), scale=scale)
