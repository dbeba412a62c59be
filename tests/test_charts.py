"""The vote charts: the Altair spec the projection page draws, and the picture the convention
prints (drawn with Pillow, vl-convert only without a font for French)."""

import datetime as dt
import io

import pytest
from PIL import Image

from ctg_workshop.day.results import RankedItem
from ctg_workshop.documents import chart_drawing, charts
from ctg_workshop.storage.models import Quadrant

LONG = (
    "Des supports de communication sous différents formats (vidéo, affiche, réseaux sociaux), "
    "depuis la crise sanitaire, pour les familles monoparentales et les adolescents éloignés"
)


def item(number: int, quadrant: Quadrant, dots: int, text: str | None = None) -> RankedItem:
    return RankedItem(
        item_id=number,
        key=f"i{number}",
        topic_id=1,
        quadrant=quadrant.value,
        text=text or f"Contribution n°{number} : école, crèche, œuvre",
        organisation=None,
        created_at=dt.datetime(2026, 1, 1),
        dots=dots,
        voters=dots,
        members=(),
    )


ITEMS = tuple(
    item(n, quadrant, 14 - n, LONG if n == 2 else None)
    for n, quadrant in enumerate([*Quadrant, *Quadrant, Quadrant.STRENGTH, Quadrant.THREAT], start=1)
)


def colours(png: bytes) -> set[tuple[int, int, int]]:
    image = Image.open(io.BytesIO(png)).convert("RGB")
    return {rgb for _, rgb in image.getcolors(maxcolors=1 << 16)}


def rgb(hex_colour: str) -> tuple[int, int, int]:
    return tuple(int(hex_colour[i : i + 2], 16) for i in (1, 3, 5))


def test_the_projection_spec_is_still_a_valid_vega_lite_layer():
    spec = charts.ranking_chart(ITEMS, title="Sujet : points reçus", limit=8, font_size=19).to_dict()
    assert len(spec["layer"]) == 3
    assert [row["points"] for row in spec["datasets"][spec["data"]["name"]]] == [13, 12, 11, 10, 9, 8, 7, 6]


def test_the_document_chart_is_a_png_with_every_quadrant_colour_and_french_text():
    assert chart_drawing.document_fonts() is not None, (
        "no font with French accents: the charts fall back to vl-convert"
    )
    png = charts.ranking_png(ITEMS, title="Parentalité : points reçus", limit=10, width=420)
    image = Image.open(io.BytesIO(png))
    assert image.format == "PNG" and image.width > 1400 and 0.8 < image.height / image.width < 1.2
    assert {rgb(c) for c in charts.QUADRANT_COLOURS.values()} <= colours(png)
    assert charts.ranking_png(ITEMS, title="Parentalité : points reçus", limit=10, width=420) is png  # kept


def test_a_font_without_accents_is_refused():
    from PIL import ImageFont

    assert not chart_drawing._covers_french(ImageFont.load_default(size=20))  # Pillow's Aileron subset
    files = chart_drawing.document_fonts()
    assert chart_drawing._covers_french(chart_drawing._font(files, 20)) and chart_drawing._covers_french(
        chart_drawing._font(files, 20, 700)
    )


def test_labels_wrap_to_three_lines_at_most():
    face = chart_drawing._Face(chart_drawing.document_fonts(), 28)
    lines = chart_drawing._wrap(LONG * 2, face, 660)
    assert len(lines) == 3 and lines[-1].endswith(" …")
    assert all(chart_drawing._length(face, line) <= 660 for line in lines)
    assert chart_drawing._wrap("Court", face, 660) == ["Court"]


def test_without_a_french_font_vl_convert_draws_the_same_chart(monkeypatch):
    monkeypatch.setattr(charts, "document_fonts", lambda: None)
    png = charts.ranking_png.__wrapped__(ITEMS[:3], title="Sujet : points reçus", limit=10, width=420)
    assert png.startswith(b"\x89PNG")
    palette = {rgb(charts.QUADRANT_COLOURS[q]) for q in (Quadrant.STRENGTH, Quadrant.WEAKNESS)}
    assert palette <= colours(png)


@pytest.mark.parametrize("limit", [10, 3])
def test_the_text_alternative_lists_the_bars_shown(limit):
    text = charts.ranking_alt_text(ITEMS, title="Sujet : points reçus", limit=limit)
    assert text.startswith("Graphique en barres « Sujet : points reçus », couleur selon le quadrant SWOT.")
    assert "1. Contribution n°1 : école, crèche, œuvre (forces) : 13 points" in text
    assert f"{limit}. " in text and f"{limit + 1}. " not in text


def test_tied_items_share_a_number_and_items_without_points_have_none():
    tied = (
        item(1, Quadrant.STRENGTH, 5),
        item(2, Quadrant.WEAKNESS, 3),
        item(3, Quadrant.THREAT, 3),
        item(4, Quadrant.OPPORTUNITY, 1),
        item(5, Quadrant.STRENGTH, 0, "Sans point"),
    )
    labels = charts.ranking_frame(tied)["contribution"].tolist()
    assert [label.split(".")[0] for label in labels[:4]] == ["1", "2", "2", "4"]
    assert labels[4] == "Sans point"
    text = charts.ranking_alt_text(tied, title="T")
    assert "2 ex æquo. Contribution n°2" in text and "2 ex æquo. Contribution n°3" in text
    assert "4. Contribution n°4" in text and "; Sans point (forces) : 0 point." in text


def test_chart_labels_keep_the_typed_line_breaks() -> None:
    from ctg_workshop.documents.charts import _label

    assert _label("Première ligne\nSeconde ligne", 40) == ["Première ligne", "Seconde ligne"]
    assert len(_label("a\nb\nc\nd\ne", 40)) == 3
