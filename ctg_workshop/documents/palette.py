"""The quadrants' colours: the charts' bars (projection and documents) and the tinted cells of
the convention's tables."""

from __future__ import annotations

from ctg_workshop.storage.models import Quadrant

# Okabe-Ito: distinguishable with every common colour-vision deficiency.
QUADRANT_COLOURS = {
    Quadrant.STRENGTH: "#009E73",
    Quadrant.WEAKNESS: "#D55E00",
    Quadrant.OPPORTUNITY: "#0072B2",
    Quadrant.THREAT: "#CC79A7",
}
# Light tints behind the SWOT table's headings and the annex's quadrant bands.
QUADRANT_FILLS = {
    Quadrant.STRENGTH: "D5EFE6",
    Quadrant.WEAKNESS: "F7DCCB",
    Quadrant.OPPORTUNITY: "D3E5F3",
    Quadrant.THREAT: "F3DDEA",
}
