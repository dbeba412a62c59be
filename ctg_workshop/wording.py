"""French words the pages and the documents share: the names of phases and quadrants, counts."""

from __future__ import annotations

from ctg_workshop.storage.models import Phase, Quadrant

PHASE_LABELS = {
    Phase.COLLECT: "Recueil des contributions",
    Phase.GROUP: "Regroupement des doublons",
    Phase.VOTE: "Vote",
    Phase.CLOSED: "Clôture",  # the same word as Animer's « 4. Clôture » button
}
QUADRANT_LABELS = {
    Quadrant.STRENGTH: "Forces",
    Quadrant.WEAKNESS: "Faiblesses",
    Quadrant.OPPORTUNITY: "Opportunités",
    Quadrant.THREAT: "Menaces",
}


def plural(count: int, singular: str, plural_form: str | None = None) -> str:
    """« 0 point », « 1 point », « 2 points »: in French, 0 and 1 take the singular."""
    return f"{count} {singular if count <= 1 else (plural_form or singular + 's')}"
