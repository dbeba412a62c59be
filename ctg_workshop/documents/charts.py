"""Vote charts: French labels, a colour-blind-safe palette, sizes for a projector.

The projection page draws the Altair charts (`ranking_chart`, `quadrant_counts_chart`) in the
browser; the convention document prints the same ranking chart as a PNG drawn with Pillow
(`ranking_png`: 20 times faster than rendering the Altair chart with vl-convert).
"""

from __future__ import annotations

import functools
import importlib.util
import io
import textwrap
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import altair as alt
import pandas as pd
from PIL import Image, ImageDraw, ImageFont

from ctg_workshop.day.projection import TopicLive
from ctg_workshop.day.ranks import display_ranks
from ctg_workshop.day.results import RankedItem
from ctg_workshop.storage.models import Quadrant
from ctg_workshop.wording import QUADRANT_LABELS

# Okabe-Ito: distinguishable with every common colour-vision deficiency.
QUADRANT_COLOURS = {
    Quadrant.STRENGTH: "#009E73",
    Quadrant.WEAKNESS: "#D55E00",
    Quadrant.OPPORTUNITY: "#0072B2",
    Quadrant.THREAT: "#CC79A7",
}
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
    fonts = _fonts()
    if fonts is None:  # no font with French accents on this machine: let vl-convert draw it
        return chart_png(ranking_chart(items, title=title, limit=limit, width=width), scale=scale)
    top = list(items)[:limit]
    return _draw_ranking(
        top, numbered(items, limit=limit), title=title, width=width, scale=scale, fonts=fonts
    )


def ranking_alt_text(items: Sequence[RankedItem], *, title: str, limit: int = 10) -> str:
    """The chart's text alternative (RGAA 1.x): what it shows, bar by bar, in words."""
    top = list(items)[:limit]
    bars = " ; ".join(
        f"{' '.join(label.split())} ({QUADRANT_LABELS[Quadrant(item.quadrant)].lower()}) : "
        f"{item.dots} point{'s' if item.dots > 1 else ''}"
        for label, item in zip(numbered(items, limit=limit, words=True), top, strict=True)
    )
    return f"Graphique en barres « {title} », couleur selon le quadrant SWOT. {bars}."


# --------------------------------------------------------------------------- drawing with Pillow

_INK = (0x1A, 0x1A, 0x1A)
_AXIS = 0x88  # grey level of the axis line and ticks, on the ink-to-white ramp
# Static fonts searched by name when Streamlit's Source Sans is missing (Linux, Windows, macOS).
_SYSTEM_FONTS = (
    ("DejaVuSans.ttf", "DejaVuSans-Bold.ttf"),
    ("LiberationSans-Regular.ttf", "LiberationSans-Bold.ttf"),
    ("arial.ttf", "arialbd.ttf"),
    ("Arial.ttf", "Arial Bold.ttf"),
)
_FRENCH = "éèêëàâçîïôûùüÿœæÉÈÊÀÇŒ’«»—…"


@dataclass(frozen=True)
class _FontFiles:
    regular: str
    bold: str
    variable: bool  # one variable font: bold is its weight axis at 700


@dataclass(frozen=True)
class _Face:
    """A font file at one pixel size and weight."""

    files: _FontFiles
    size: int
    weight: int = 400

    @property
    def font(self) -> ImageFont.FreeTypeFont:
        return _font(self.files, self.size, self.weight)


@dataclass(frozen=True)
class _Glyph:
    mask: Image.Image | None  # coverage (255 = ink); None for a blank (space)
    offset: tuple[int, int]  # from the pen position, on the ascender line
    advance: float


@functools.cache
def _fonts() -> _FontFiles | None:
    """The font the document charts are drawn with: Source Sans 3, the font Streamlit (so the
    projection page) uses, from Streamlit's own files; else a common system font. Pillow's
    `ImageFont.load_default(size=…)` is scalable but has no accented letters (Aileron subset:
    « É », « ç », « œ » come out as boxes)."""
    spec = importlib.util.find_spec("streamlit")  # its files, without importing it (the CLI)
    folders = (spec.submodule_search_locations or []) if spec else []
    media = [Path(folder, "static", "static", "media") for folder in folders]
    candidates = [
        (str(path), str(path), True)
        for m in media
        for path in sorted(m.glob("SourceSansVF-Upright.ttf.*.woff2"))
    ]
    candidates += [(regular, bold, False) for regular, bold in _SYSTEM_FONTS]
    for regular, bold, variable in candidates:
        files = _FontFiles(regular, bold, variable)
        try:
            if all(_covers_french(_font(files, 20, weight)) for weight in (400, 700)):
                return files
        except OSError:  # not installed, or a format this FreeType cannot read
            continue
    return None


@functools.lru_cache(maxsize=32)
def _font(files: _FontFiles, size: int, weight: int = 400) -> ImageFont.FreeTypeFont:
    font = ImageFont.truetype(files.bold if weight >= 700 and not files.variable else files.regular, size)
    if files.variable:
        font.set_variation_by_axes([weight])
    return font


def _covers_french(font: ImageFont.FreeTypeFont) -> bool:
    """Whether every accented letter has its own glyph (not the font's 'missing' box)."""
    missing = _ink(font, "\ue000")  # a private-use character: no font draws it
    return all(_ink(font, char) != missing for char in _FRENCH)


def _ink(font: ImageFont.FreeTypeFont, char: str) -> tuple[tuple[int, ...], bytes]:
    left, top, right, bottom = font.getbbox(char)
    image = Image.new("L", (right - left + 1, bottom - top + 1), 0)
    ImageDraw.Draw(image).text((-left, -top), char, font=font, fill=255)
    return (left, top, right, bottom), image.tobytes()


@functools.lru_cache(maxsize=4096)
def _glyph(face: _Face, char: str) -> _Glyph:
    """One character rendered once, then pasted wherever it is drawn (`_text`)."""
    font = face.font
    left, top, right, bottom = font.getbbox(char)
    mask = None
    if right > left and bottom > top:
        mask = Image.new("L", (right - left, bottom - top), 0)
        ImageDraw.Draw(mask).text((-left, -top), char, font=font, fill=255)
    return _Glyph(mask, (left, top), font.getlength(char))


def _length(face: _Face, text: str) -> float:
    return sum(_glyph(face, char).advance for char in text)


def _text(image: Image.Image, xy: tuple[float, float], text: str, face: _Face, anchor: str = "la") -> None:
    """`ImageDraw.text(xy, text, fill=0, anchor=anchor)` on a grey image, from cached glyphs:
    7 times faster (0.1 ms against 0.7 ms a label line), pen positions rounded to the pixel,
    no kerning. Anchors: horizontal l(eft), m(iddle), r(ight); vertical a(scender), m(iddle)."""
    x, y = xy
    if anchor[0] != "l":
        x -= _length(face, text) / (2 if anchor[0] == "m" else 1)
    if anchor[1] == "m":
        ascent, descent = face.font.getmetrics()
        y -= (ascent + descent) / 2
    top = round(y)
    for char in text:
        glyph = _glyph(face, char)
        if glyph.mask is not None:
            image.paste(0, (round(x) + glyph.offset[0], top + glyph.offset[1]), glyph.mask)
        x += glyph.advance


def _wrap(text: str, face: _Face, width: float, lines: int = 3) -> list[str]:
    """`text` as at most `lines` lines no wider than `width` pixels (the last one shortened
    with " …"), as `_label` does by characters for Vega."""
    out: list[str] = []
    for typed in text.split("\n") or [""]:  # a typed line break starts a new line
        line = ""
        for word in typed.split():
            trial = f"{line} {word}" if line else word
            if not line or _length(face, trial) <= width:
                line = trial
            else:
                out.append(line)
                line = word
        if line:
            out.append(line)
    out = out or [""]
    if len(out) > lines:
        last = " ".join(out[lines - 1 :])
        while _length(face, last + " …") > width and " " in last:
            last = last.rsplit(" ", 1)[0]
        out = [*out[: lines - 1], last + " …"]
    return out


def _draw_ranking(
    top: list[RankedItem],
    labels: list[str],
    *,
    title: str,
    width: int,
    scale: float,
    fonts: _FontFiles,
    font_size: int = 14,
) -> bytes:
    """`ranking_chart` drawn with Pillow, in the same units (Vega's pixels) times `scale`.

    Text and axis go on a grey image (antialiased ink on white), which then becomes a palette
    image (the grey ramp from ink to white, and the four quadrant colours) where the bars are
    filled: PNG encodes a palette image ~5 times faster and smaller than RGB (1600 px square:
    7 ms and 74 KiB against 38 ms and 160 KiB)."""

    def px(units: float) -> int:
        return round(units * scale)

    label = _Face(fonts, px(font_size))
    count = _Face(fonts, px(font_size + 2), 700)
    heading = _Face(fonts, px(round(font_size * 1.4)), 700)
    axis_title = _Face(fonts, px(font_size), 700)
    label_width, gap, margin = px(330), px(10), px(5)
    line = round(label.size * 1.2)
    row = px(max(3 * (font_size + 3) + 12, 44))
    bar = round(row * 0.75)
    plot_x, plot_width = margin + label_width + gap, px(width)
    top_y = margin + round(heading.size * 1.25) + px(14)
    axis_y = top_y + row * len(top)
    legend_y = axis_y + px(font_size * 4 + 10)
    legend = []  # (x of the swatch, quadrant)
    x = plot_x
    for quadrant in Quadrant:
        legend.append((x, quadrant))
        x += px(font_size + 6) + round(_length(label, QUADRANT_LABELS[quadrant])) + px(16)
    size = (max(plot_x + plot_width + px(40), x), legend_y + px(font_size) + margin * 2)

    grey = Image.new("L", size, 255)
    _text(grey, (margin, margin), title, heading)
    most = max((item.dots for item in top), default=0) or 1
    unit = plot_width / most
    for rank, (item, shown) in enumerate(zip(top, labels, strict=True), start=1):
        middle = top_y + row * (rank - 0.5)
        _text(grey, (plot_x + item.dots * unit + px(6), middle), str(item.dots), count, "lm")
        lines = _wrap(shown, label, label_width)
        for index, text in enumerate(lines):
            _text(grey, (plot_x - gap, middle + (index - (len(lines) - 1) / 2) * line), text, label, "rm")
    draw = ImageDraw.Draw(grey)
    stroke = max(1, px(1))
    draw.line((plot_x, axis_y, plot_x + plot_width, axis_y), fill=_AXIS, width=stroke)
    step = max(1, -(-most // 12))
    for value in range(0, most + 1, step):
        x = plot_x + value * unit
        draw.line((x, axis_y, x, axis_y + px(5)), fill=_AXIS, width=stroke)
        _text(grey, (x, axis_y + px(6)), str(value), label, "ma")
    _text(grey, (plot_x + plot_width / 2, axis_y + px(font_size + 12)), "Points reçus", axis_title, "ma")
    for x, quadrant in legend:
        _text(grey, (x + px(font_size + 6), legend_y), QUADRANT_LABELS[quadrant], label, "lm")

    # Palette: 0 to 251 the ramp from ink (0) to white (251), then one entry per quadrant.
    image = grey.point([round(v * 251 / 255) for v in range(256)]).convert("P")
    ramp = [round(ink + (255 - ink) * i / 251) for i in range(252) for ink in _INK]
    image.putpalette(ramp + [int(QUADRANT_COLOURS[q][i : i + 2], 16) for q in Quadrant for i in (1, 3, 5)])
    colours = {quadrant: 252 + n for n, quadrant in enumerate(Quadrant)}
    draw = ImageDraw.Draw(image)
    for rank, item in enumerate(top, start=1):
        if item.dots:
            y = top_y + row * (rank - 1) + (row - bar) // 2
            end = round(plot_x + item.dots * unit)
            draw.rectangle((plot_x, y, end, y + bar), fill=colours[Quadrant(item.quadrant)])
    half = px(font_size) // 2
    for x, quadrant in legend:
        draw.rectangle((x, legend_y - half, x + 2 * half, legend_y + half), fill=colours[quadrant])
    buffer = io.BytesIO()
    dpi = round(96 * scale)
    image.save(buffer, "PNG", compress_level=1, dpi=(dpi, dpi))
    return buffer.getvalue()


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
