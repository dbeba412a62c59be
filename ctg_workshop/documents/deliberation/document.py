"""The deliberation as a whole: its parts in the seed's order."""

from __future__ import annotations

from ctg_workshop.documents.deliberation.data import DeliberationData
from ctg_workshop.documents.deliberation.decision import add_decision
from ctg_workshop.documents.deliberation.header import add_register_header, add_subject
from ctg_workshop.documents.deliberation.statement import add_context, add_funding, add_steering
from ctg_workshop.documents.word import WordDocument


def build_deliberation(data: DeliberationData) -> bytes:
    """The draft deliberation as .docx bytes (a pure function of `data`)."""
    w = data.workshop
    doc = WordDocument(
        title=f"Délibération — Convention Territoriale Globale {w.period} — {w.territory}",
        subject="Projet de délibération du Conseil Municipal",
        footer=f"Projet de délibération — Convention Territoriale Globale {w.period}",
    )
    add_register_header(doc, data)
    add_subject(doc, data)
    add_context(doc, data)
    add_steering(doc, data)
    add_funding(doc, data)
    add_decision(doc, data)
    return doc.to_bytes()
